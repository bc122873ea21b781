package org.iotasign.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.ledger.Ledger;
import org.iotasign.policy.PolicyRule;
import org.iotasign.policy.SigningPolicy;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.signing.SigningDesk;
import org.iotasign.signing.SigningKey;
import org.iotasign.token.PinSource;
import org.iotasign.token.SoftHsmFixture;
import org.iotasign.token.TokenAnchors;
import org.iotasign.token.TokenKey;
import org.iotasign.token.TokenKeys;

/**
 * A real SoftHSM2 token (from {@link SoftHsmFixture}) holding the release key, generated
 * on the token, and an imported key (not "never extractable"), for tests of the signing
 * path. Create it in {@code @BeforeAll} of a class tagged {@code softhsm}.
 */
public final class SigningFixture implements AutoCloseable {
    public static final String TOKEN = "iotasign";

    public final SoftHsmFixture hsm;
    public final TokenKey releaseKey;
    public final TokenKey importedKey;

    private SigningFixture(SoftHsmFixture hsm, TokenKey releaseKey, TokenKey importedKey) {
        this.hsm = hsm;
        this.releaseKey = releaseKey;
        this.importedKey = importedKey;
    }

    public static SigningFixture create(Class<?> testClass) throws IOException {
        SoftHsmFixture hsm = SoftHsmFixture.create(testClass, TOKEN);
        PinSource pins = what -> SoftHsmFixture.USER_PIN.getBytes();
        PinSource soPins = what -> SoftHsmFixture.SO_PIN.getBytes();
        TokenKeys.generate(hsm.keyUri(TOKEN, "release"), hsm.context(), pins, soPins);
        TokenKeys.importSeed(hsm.keyUri(TOKEN, "imported"), hsm.context(), pins, TestKeys.RFC8032_TEST2_SECRET);
        return new SigningFixture(hsm, TokenKey.open(hsm.keyUri(TOKEN, "release"), hsm.context(), pins),
                TokenKey.open(hsm.keyUri(TOKEN, "imported"), hsm.context(), pins));
    }

    /** Forgets the token's ledger anchor: for test classes whose tests each start a ledger file of their own. */
    public void forgetLedgerAnchor() {
        TokenAnchors.forget(hsm, TOKEN);
    }

    public Ed25519PublicKey publicKey() {
        return releaseKey.publicKey();
    }

    /** A desk signing with the token's release key. */
    public SigningDesk desk(Path ledger, PolicyRule... overrides) {
        return desk(SigningKey.of(releaseKey), ledger, overrides);
    }

    public static SigningDesk desk(SigningKey key, Path ledger, PolicyRule... overrides) {
        EnumSet<PolicyRule> set = EnumSet.noneOf(PolicyRule.class);
        set.addAll(Arrays.asList(overrides));
        return new SigningDesk(key, new Ledger(ledger), new SigningPolicy(set), FirmwareLimit.DEFAULT);
    }

    /** A small valid unsigned release whose firmware embeds the release key. */
    public byte[] release(String version) {
        return TestReleases.unsigned(version, List.of(publicKey()), 16 * 1024);
    }

    /** A small valid unsigned release whose firmware embeds exactly {@code keys}. */
    public static byte[] release(String version, Ed25519PublicKey... keys) {
        return TestReleases.unsigned(version, new ArrayList<>(List.of(keys)), 16 * 1024);
    }

    @Override
    public void close() {
        releaseKey.close();
        importedKey.close();
    }
}
