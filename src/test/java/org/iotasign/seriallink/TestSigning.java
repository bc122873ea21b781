package org.iotasign.seriallink;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.iotasign.crypto.Hashes;
import org.iotasign.crypto.SoftwareEd25519Signer;

/** Keys and signing services for protocol tests: fast software Ed25519, no token. */
final class TestSigning {
    static final SoftwareEd25519Signer KEY = new SoftwareEd25519Signer(seed(7));
    static final SoftwareEd25519Signer OTHER_KEY = new SoftwareEd25519Signer(seed(9));

    private TestSigning() {
    }

    static byte[] seed(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }

    static byte[] sha256(byte[] data) {
        return Hashes.sha256().digest(data);
    }

    /** A careful service: refuses when the bytes do not hash to the announced digest. Records what it saw. */
    static final class CarefulService implements BlobSigningService {
        final List<byte[]> reviewed = new CopyOnWriteArrayList<>();

        @Override
        public Verdict handle(byte[] blob, byte[] announced) {
            reviewed.add(blob.clone());
            byte[] d = sha256(blob);
            if (!MessageDigest.isEqual(d, announced)) {
                return new Verdict.Refused(d, RefusalCode.DIGEST_MISMATCH, "digest mismatch");
            }
            return new Verdict.Signed(d, KEY.sign(d));
        }
    }

    /**
     * A naive service that signs whatever it is given, trusting the bridge: used to prove
     * that the protocol layer alone keeps a malicious bridge from getting a signature.
     */
    static final class NaiveService implements BlobSigningService {
        final List<byte[]> reviewed = new CopyOnWriteArrayList<>();

        @Override
        public Verdict handle(byte[] blob, byte[] announced) {
            reviewed.add(blob.clone());
            return new Verdict.Signed(announced, KEY.sign(announced));
        }
    }
}
