package org.iotasign.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import org.iotasign.ledger.Ledger;
import org.iotasign.policy.PolicyRule;
import org.iotasign.policy.SigningPolicy;
import org.iotasign.signing.SigningDesk;
import org.iotasign.signing.SigningKey;
import org.iotasign.token.KeyUri;
import org.iotasign.token.PinSources;
import org.iotasign.token.SoftHsmStore;
import org.iotasign.token.TokenContext;
import org.iotasign.token.TokenKey;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of every command that signs: key, ledger, policy overrides. Shared by sign,
 * usb and serial-signer: a picocli mixin for the annotated ones, {@link #addTo} for
 * {@code sign}, whose model is built in code (CodedCommandsTest compares the two).
 */
final class SigningOptions {
    static final String LEDGER_DESCRIPTION = "The signing ledger (JSON Lines hash chain) to append to. Default: ledger.jsonl in IOTASIGN_HOME "
            + "(~/.local/share/iotasign when unset).";
    static final String MISSING_OWN_KEY_DESCRIPTION = "Policy (a): sign firmware that does not embed the signing key (devices installing it "
            + "can never verify a later update from this key). Recorded in the ledger.";
    static final String STOCK_KEY_DESCRIPTION = "Policy (b): sign firmware that still embeds the stock IoTaWatt key. Recorded in the ledger.";
    static final String DOWNGRADE_DESCRIPTION = "Policy (c): sign a version lower than the highest already signed with this key. "
            + "Recorded in the ledger.";
    static final String EXTRACTABLE_DESCRIPTION = "Sign with a key that is or ever was extractable (e.g. imported with "
            + "'key import-seed'). Recorded in the ledger.";

    @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT, description = KeyCommand.KEY_DESCRIPTION)
    String key;

    @Option(names = "--ledger", paramLabel = "PATH", description = LEDGER_DESCRIPTION)
    Path ledger;

    @Option(names = "--allow-missing-own-key", description = MISSING_OWN_KEY_DESCRIPTION)
    boolean allowMissingOwnKey;

    @Option(names = "--allow-stock-key", description = STOCK_KEY_DESCRIPTION)
    boolean allowStockKey;

    @Option(names = "--allow-downgrade", description = DOWNGRADE_DESCRIPTION)
    boolean allowDowngrade;

    @Option(names = "--allow-extractable-key", description = EXTRACTABLE_DESCRIPTION)
    boolean allowExtractable;

    @Mixin
    TokenOptions token;

    @Mixin
    FirmwareLimitOptions limits;

    /** Adds these options (with the token and firmware-limit ones) to a command built in code; returns the object they set. */
    static SigningOptions addTo(CommandSpec spec) {
        SigningOptions o = new SigningOptions();
        spec.addOption(CodedOptions.option(o, "key", "--key").paramLabel("URI").defaultValue(KeyUri.DEFAULT)
                .description(KeyCommand.KEY_DESCRIPTION).build());
        spec.addOption(CodedOptions.option(o, "ledger", "--ledger").paramLabel("PATH").description(LEDGER_DESCRIPTION).build());
        spec.addOption(CodedOptions.option(o, "allowMissingOwnKey", "--allow-missing-own-key").description(MISSING_OWN_KEY_DESCRIPTION).build());
        spec.addOption(CodedOptions.option(o, "allowStockKey", "--allow-stock-key").description(STOCK_KEY_DESCRIPTION).build());
        spec.addOption(CodedOptions.option(o, "allowDowngrade", "--allow-downgrade").description(DOWNGRADE_DESCRIPTION).build());
        spec.addOption(CodedOptions.option(o, "allowExtractable", "--allow-extractable-key").description(EXTRACTABLE_DESCRIPTION).build());
        o.token = TokenOptions.addTo(spec);
        o.limits = FirmwareLimitOptions.addTo(spec);
        return o;
    }

    Set<PolicyRule> overrides() {
        Set<PolicyRule> s = EnumSet.noneOf(PolicyRule.class);
        if (allowMissingOwnKey) {
            s.add(PolicyRule.MISSING_OWN_KEY);
        }
        if (allowStockKey) {
            s.add(PolicyRule.STOCK_KEY);
        }
        if (allowDowngrade) {
            s.add(PolicyRule.DOWNGRADE);
        }
        if (allowExtractable) {
            s.add(PolicyRule.EXTRACTABLE_KEY);
        }
        if (limits.allowGzip) {
            s.add(PolicyRule.GZIP_FIRMWARE);
        }
        return s;
    }

    Ledger ledger() {
        return new Ledger(ledger != null ? ledger : Ledger.defaultPath(SoftHsmStore.home(TokenContext.fromEnvironment())));
    }

    /** Opens the key on its token (asks for the PIN once). */
    TokenKey openKey() {
        KeyUri uri = KeyUri.parse(key);
        TokenContext ctx = token.context();
        return TokenKey.open(uri, ctx, PinSources.forUser(uri, ctx));
    }

    SigningDesk desk(TokenKey tokenKey) {
        return new SigningDesk(SigningKey.of(tokenKey), ledger(), new SigningPolicy(overrides()), limits.limit());
    }
}
