package org.iotasign.policy;

import java.util.Optional;

import org.iotasign.release.FirmwareLimit;

/**
 * The rules every signature passes, in the order they are checked. A rule with an
 * override flag can be passed on purpose; the flag used is recorded in the ledger.
 */
public enum PolicyRule {
    /** (e) The blob is not a valid release, or {@code verify} would flag it. No override: fix the blob. */
    RELEASE_PROBLEMS("e", null),
    /** (a) The firmware does not embed the signing key: devices could never verify a later update from it. */
    MISSING_OWN_KEY("a", "--allow-missing-own-key"),
    /** (b) The firmware still embeds the stock IoTaWatt key, so its author could push updates to the devices. */
    STOCK_KEY("b", "--allow-stock-key"),
    /** (c) The version is lower than the highest signed with this key: a rollback. */
    DOWNGRADE("c", "--allow-downgrade"),
    /** (d) The version was already signed with different content. No override: devices cache releases by version. */
    VERSION_REUSED("d", null),
    /** The key was extractable or imported, so copies may exist outside the token. */
    EXTRACTABLE_KEY("f", "--allow-extractable-key"),
    /** The firmware is gzip-compressed: only devices running ESP8266 core 2.7.0 or later install it, IoTaWatt's 2.6.3 does not. */
    GZIP_FIRMWARE("g", FirmwareLimit.GZIP_FLAG);

    private final String letter;
    private final String flag;

    PolicyRule(String letter, String flag) {
        this.letter = letter;
        this.flag = flag;
    }

    /** The rule's letter in docs/usb-workflow.md. */
    public String letter() {
        return letter;
    }

    /** The command-line flag that overrides the rule, if it may be overridden. */
    public Optional<String> overrideFlag() {
        return Optional.ofNullable(flag);
    }
}
