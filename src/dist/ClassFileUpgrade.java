import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build step, run on the shaded jar after the shade plugin (pom.xml): rewrites each class file
 * older than Java 6 (picocli's, which are Java 5 ones) as a Java 8 class file with the stack
 * map frames ASM computes; the bytecode itself is unchanged.
 *
 * <p>Why: JDK 17 stores such old class files in a class-data-sharing archive unverified and
 * verifies them on every start, with the old inferencing verifier; for picocli that was about
 * 10 ms of every run of iotasign. A Java 6+ class file is verified once, when the archive is
 * made, by the JVM's type-checking verifier. Nothing is trusted that the JVM did not check:
 * this step loads and initialises every class it rewrote, verifier on, and leaves the jar as
 * it was when one fails.
 *
 * <p>Usage: {@code java -cp ASM_AND_RUNTIME_CLASSPATH ClassFileUpgrade JAR}. Deterministic:
 * entries keep their order, names and times.
 */
public final class ClassFileUpgrade {
    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ClassFileUpgrade JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrade.tmp");
        try {
            List<String> upgraded = rewrite(jar, tmp);
            verify(tmp, upgraded);
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("ClassFileUpgrade: " + upgraded.size() + " class files of " + jar.getFileName() + " are Java 8 ones now");
        } catch (Throwable t) {
            Files.deleteIfExists(tmp);
            System.err.println("ClassFileUpgrade: " + jar + " left as it was: " + t);
            System.exit(1);
        }
    }

    /** Copies {@code jar} to {@code out} with its old class files upgraded; returns their names. */
    private static List<String> rewrite(Path jar, Path out) throws IOException {
        List<String> upgraded = new ArrayList<>();
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(out);
             ZipOutputStream zip = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().endsWith(".class") && majorVersion(bytes) < JAVA_6) {
                    bytes = upgrade(bytes);
                    upgraded.add(entry.getName());
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                zip.putNextEntry(copy);
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        return upgraded;
    }

    static int majorVersion(byte[] classFile) {
        return (classFile[6] & 0xff) << 8 | (classFile[7] & 0xff);
    }

    /** The same class as a Java 8 class file; COMPUTE_FRAMES also recomputes max stack and locals. */
    static byte[] upgrade(byte[] classFile) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Loads, links (so verifies) and initialises each rewritten class from the new jar alone. */
    private static void verify(Path jar, List<String> classFiles) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String f : classFiles) {
                Class.forName(f.substring(0, f.length() - ".class".length()).replace('/', '.'), true, loader);
            }
        }
    }

    private ClassFileUpgrade() {
    }
}
