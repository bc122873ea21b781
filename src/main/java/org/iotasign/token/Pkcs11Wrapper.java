package org.iotasign.token;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.iotasign.EnvironmentException;

import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_INFO;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.CK_SLOT_INFO;
import sun.security.pkcs11.wrapper.CK_TOKEN_INFO;
import sun.security.pkcs11.wrapper.CK_VERSION;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

/**
 * {@link Cryptoki} over the JDK's internal {@code sun.security.pkcs11.wrapper.PKCS11}
 * (module jdk.crypto.cryptoki). This is the only class that touches that API.
 *
 * <p>The JDK caches one wrapper per path string and a finalized one cannot be used
 * again, so this class keeps exactly one instance per canonical module path for the
 * life of the JVM and finalizes them all in a shutdown hook.
 */
public final class Pkcs11Wrapper implements Cryptoki {
    private static final Map<Path, Pkcs11Wrapper> LOADED = new HashMap<>();
    private static boolean hookInstalled;

    private final PKCS11 p11;

    private Pkcs11Wrapper(PKCS11 p11) {
        this.p11 = p11;
    }

    /**
     * Loads and initializes the module at {@code canonicalModule} once per JVM.
     *
     * @throws IOException when the library cannot be loaded (not a PKCS#11 module, wrong architecture)
     */
    public static synchronized Pkcs11Wrapper load(Path canonicalModule) throws IOException {
        Pkcs11Wrapper existing = LOADED.get(canonicalModule);
        if (existing != null) {
            return existing;
        }
        requireWrapperOpen();
        PKCS11 p11;
        try {
            p11 = PKCS11.getInstance(canonicalModule.toString(), "C_GetFunctionList", null, false);
        } catch (PKCS11Exception e) {
            throw new CryptokiException("C_Initialize", e.getErrorCode());
        }
        Pkcs11Wrapper w = new Pkcs11Wrapper(p11);
        LOADED.put(canonicalModule, w);
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(Pkcs11Wrapper::finalizeAll, "pkcs11-finalize"));
            hookInstalled = true;
        }
        return w;
    }

    /**
     * The JDK's wrapper package is not exported: the jar's manifest opens it to {@code java
     * -jar}, and the launchers start a command from the class path (without it) only when it
     * names no token. Named by module and package, not by class: a reference to the class
     * itself would fail with the JVM's IllegalAccessError before this could explain.
     */
    private static void requireWrapperOpen() {
        String pkg = "sun.security.pkcs11.wrapper";
        boolean open = ModuleLayer.boot().findModule("jdk.crypto.cryptoki")
                .map(m -> m.isExported(pkg, Pkcs11Wrapper.class.getModule()))
                .orElse(false);
        if (!open) {
            throw new EnvironmentException("this Java runtime does not open " + pkg + " to iotasign, which a token needs:"
                    + " start it with bin/iotasign, scripts/iotasign or java -jar, or pass --add-exports jdk.crypto.cryptoki/" + pkg + "=ALL-UNNAMED");
        }
    }

    /** True once {@link #load} has initialized this module in this JVM. */
    public static synchronized boolean isLoaded(Path canonicalModule) {
        return LOADED.containsKey(canonicalModule);
    }

    private static synchronized void finalizeAll() {
        for (Pkcs11Wrapper w : LOADED.values()) {
            try {
                w.p11.C_Finalize(null);
            } catch (PKCS11Exception | RuntimeException ignored) {
                // The JVM is exiting; a module that fails to finalize cannot be helped.
            }
        }
        LOADED.clear();
    }

    @Override
    public LibraryInfo libraryInfo() {
        CK_INFO info = call("C_GetInfo", p11::C_GetInfo);
        return new LibraryInfo(text(info.manufacturerID), text(info.libraryDescription), version(info.libraryVersion));
    }

    @Override
    public List<Long> slotsWithToken() {
        long[] slots = call("C_GetSlotList", () -> p11.C_GetSlotList(true));
        List<Long> out = new ArrayList<>();
        for (long s : slots) {
            out.add(s);
        }
        return out;
    }

    @Override
    public SlotInfo slotInfo(long slot) {
        CK_SLOT_INFO i = call("C_GetSlotInfo", () -> p11.C_GetSlotInfo(slot));
        return new SlotInfo(slot, text(i.slotDescription), text(i.manufacturerID));
    }

    @Override
    public TokenInfo tokenInfo(long slot) {
        CK_TOKEN_INFO i = call("C_GetTokenInfo", () -> p11.C_GetTokenInfo(slot));
        return new TokenInfo(text(i.label), text(i.manufacturerID), text(i.model), text(i.serialNumber), i.flags,
                version(i.firmwareVersion));
    }

    @Override
    public Set<Long> mechanisms(long slot) {
        long[] m = call("C_GetMechanismList", () -> p11.C_GetMechanismList(slot));
        Set<Long> out = new LinkedHashSet<>();
        for (long x : m) {
            out.add(x);
        }
        return out;
    }

    @Override
    public long openSession(long slot, boolean readWrite) {
        long flags = Pkcs11Constants.CKF_SERIAL_SESSION | (readWrite ? Pkcs11Constants.CKF_RW_SESSION : 0);
        return call("C_OpenSession", () -> p11.C_OpenSession(slot, flags, null, null));
    }

    @Override
    public void closeSession(long session) {
        run("C_CloseSession", () -> p11.C_CloseSession(session));
    }

    @Override
    public void login(long session, long userType, byte[] pinUtf8) {
        // The wrapper narrows each char to one CK_UTF8CHAR: pass one char per UTF-8 byte.
        char[] pin = new char[pinUtf8.length];
        for (int i = 0; i < pinUtf8.length; i++) {
            pin[i] = (char) (pinUtf8[i] & 0xff);
        }
        try {
            run("C_Login", () -> p11.C_Login(session, userType, pin));
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    @Override
    public void logout(long session) {
        run("C_Logout", () -> p11.C_Logout(session));
    }

    @Override
    public List<Long> findObjects(long session, List<Attribute> template) {
        CK_ATTRIBUTE[] t = toWrapper(template);
        run("C_FindObjectsInit", () -> p11.C_FindObjectsInit(session, t));
        List<Long> found = new ArrayList<>();
        try {
            while (true) {
                long[] batch = call("C_FindObjects", () -> p11.C_FindObjects(session, 64));
                if (batch == null || batch.length == 0) {
                    break;
                }
                for (long h : batch) {
                    found.add(h);
                }
            }
        } finally {
            run("C_FindObjectsFinal", () -> p11.C_FindObjectsFinal(session));
        }
        return found;
    }

    @Override
    public Optional<byte[]> readBytes(long session, long object, long type) {
        return read(session, object, type).map(a -> {
            Object v = a.pValue;
            if (v instanceof byte[]) {
                return (byte[]) v;
            }
            if (v instanceof char[]) {
                return narrow((char[]) v);
            }
            throw new IllegalStateException("attribute 0x" + Long.toHexString(type) + " is not a byte string");
        });
    }

    @Override
    public Optional<Boolean> readBoolean(long session, long object, long type) {
        // The wrapper decodes attributes it does not know (e.g. CKA_ALWAYS_AUTHENTICATE) as bytes.
        return read(session, object, type).map(a -> a.pValue instanceof byte[] ? isTrue((byte[]) a.pValue) : a.getBoolean());
    }

    @Override
    public Optional<Long> readNumber(long session, long object, long type) {
        return read(session, object, type).map(a -> a.pValue instanceof byte[] ? littleEndian((byte[]) a.pValue) : a.getLong());
    }

    private static boolean isTrue(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return true;
            }
        }
        return false;
    }

    /** CK_ULONG in native (x86-64, aarch64: little-endian) byte order. */
    private static long littleEndian(byte[] b) {
        long v = 0;
        for (int i = Math.min(b.length, 8) - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    @Override
    public Optional<String> readText(long session, long object, long type) {
        return readBytes(session, object, type).map(Pkcs11Wrapper::utf8);
    }

    private Optional<CK_ATTRIBUTE> read(long session, long object, long type) {
        CK_ATTRIBUTE[] a = {new CK_ATTRIBUTE(type)};
        try {
            p11.C_GetAttributeValue(session, object, a);
        } catch (PKCS11Exception e) {
            long code = e.getErrorCode();
            if (code == Pkcs11Constants.CKR_ATTRIBUTE_TYPE_INVALID || code == Pkcs11Constants.CKR_ATTRIBUTE_SENSITIVE) {
                return Optional.empty();
            }
            throw new CryptokiException("C_GetAttributeValue", code);
        }
        return a[0].pValue == null ? Optional.empty() : Optional.of(a[0]);
    }

    @Override
    public long[] generateKeyPair(long session, long mechanism, List<Attribute> publicTemplate, List<Attribute> privateTemplate) {
        CK_ATTRIBUTE[] pub = toWrapper(publicTemplate);
        CK_ATTRIBUTE[] priv = toWrapper(privateTemplate);
        return call("C_GenerateKeyPair", () -> p11.C_GenerateKeyPair(session, new CK_MECHANISM(mechanism), pub, priv));
    }

    @Override
    public long createObject(long session, List<Attribute> template) {
        CK_ATTRIBUTE[] t = toWrapper(template);
        try {
            return call("C_CreateObject", () -> p11.C_CreateObject(session, t));
        } finally {
            wipe(t);
        }
    }

    @Override
    public void destroyObject(long session, long object) {
        run("C_DestroyObject", () -> p11.C_DestroyObject(session, object));
    }

    @Override
    public void signInit(long session, long mechanism, long key) {
        run("C_SignInit", () -> p11.C_SignInit(session, new CK_MECHANISM(mechanism), key));
    }

    @Override
    public byte[] sign(long session, byte[] data) {
        return call("C_Sign", () -> p11.C_Sign(session, data));
    }

    private static CK_ATTRIBUTE[] toWrapper(List<Attribute> template) {
        CK_ATTRIBUTE[] out = new CK_ATTRIBUTE[template.size()];
        for (int i = 0; i < out.length; i++) {
            Attribute a = template.get(i);
            Object v = a.value();
            if (v instanceof String) {
                // The wrapper copies each char as one byte: hand it the UTF-8 bytes.
                byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
                char[] c = new char[b.length];
                for (int j = 0; j < b.length; j++) {
                    c[j] = (char) (b[j] & 0xff);
                }
                v = c;
            } else if (v instanceof byte[]) {
                v = ((byte[]) v).clone();
            }
            out[i] = new CK_ATTRIBUTE(a.type(), v);
        }
        return out;
    }

    private static void wipe(CK_ATTRIBUTE[] t) {
        for (CK_ATTRIBUTE a : t) {
            if (a.pValue instanceof byte[]) {
                Arrays.fill((byte[]) a.pValue, (byte) 0);
            }
        }
    }

    private static byte[] narrow(char[] c) {
        byte[] b = new byte[c.length];
        for (int i = 0; i < c.length; i++) {
            b[i] = (byte) c[i];
        }
        return b;
    }

    /** Fixed-width PKCS#11 text: one char per byte, space padded; decoded as UTF-8 (Latin-1 if invalid). */
    private static String text(char[] c) {
        return c == null ? "" : utf8(narrow(c)).trim();
    }

    private static String utf8(byte[] b) {
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return cb.toString();
        } catch (CharacterCodingException e) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    private static String version(CK_VERSION v) {
        return v == null ? "" : (v.major & 0xff) + "." + (v.minor & 0xff);
    }

    @FunctionalInterface
    private interface P11Call<T> {
        T call() throws PKCS11Exception;
    }

    @FunctionalInterface
    private interface P11Run {
        void run() throws PKCS11Exception;
    }

    private static <T> T call(String function, P11Call<T> c) {
        try {
            return c.call();
        } catch (PKCS11Exception e) {
            throw new CryptokiException(function, e.getErrorCode());
        }
    }

    private static void run(String function, P11Run r) {
        try {
            r.run();
        } catch (PKCS11Exception e) {
            throw new CryptokiException(function, e.getErrorCode());
        }
    }
}
