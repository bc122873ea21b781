package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import org.iotasign.UsageException;
import org.iotasign.io.TerminalText;
import org.iotasign.token.HsmProfile;
import org.iotasign.token.KeyUri;
import org.iotasign.token.PinSources;
import org.iotasign.token.SoftHsmStore;
import org.iotasign.token.TokenContext;
import org.iotasign.token.TokenInventory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Create the tool's own SoftHSM2 token, or list the tokens a PKCS#11 module offers.",
        subcommands = {TokenCommand.Init.class, TokenCommand.ListTokens.class})
final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: init or list");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            header = "Create a SoftHSM2 token with its labels and PINs in the tool's own store.",
            description = {"Create a SoftHSM2 token (with label, security officer PIN and user PIN) in the store SOFTHSM2_CONF names;",
                    "run through scripts/iotasign, that is the tool's own store under IOTASIGN_HOME. Other tokens are initialized",
                    "with their own tools. PINs come from --so-pin-file/--pin-file, IOTASIGN_SO_PIN/IOTASIGN_PIN, or are typed twice."})
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--label", defaultValue = "iotasign", paramLabel = "LABEL",
                description = "Token label, at most 32 bytes (default: ${DEFAULT-VALUE}, the token of the default key URI).")
        String label;

        @Option(names = "--so-pin-file", paramLabel = "FILE",
                description = "File whose first line is the new security officer PIN (default: IOTASIGN_SO_PIN, else asked twice).")
        Path soPinFile;

        @Option(names = "--pin-file", paramLabel = "FILE",
                description = "File whose first line is the new user PIN (default: IOTASIGN_PIN, else asked twice).")
        Path pinFile;

        @Option(names = "--if-absent",
                description = "Succeed without change when a token with this label already exists (for scripts).")
        boolean ifAbsent;

        @Mixin
        TokenOptions token;

        @Override
        public Integer call() {
            TokenContext ctx = token.context();
            boolean softhsm = ctx.profile().map(HsmProfile::named)
                    .or(() -> ctx.module().flatMap(m -> HsmProfile.recognise(Path.of(m))))
                    .map(HsmProfile::isSoftHsm).orElse(ctx.module().isEmpty());
            if (!softhsm) {
                throw new UsageException("token init creates SoftHSM2 tokens only: initialize other tokens with their own tool "
                        + "(see docs/tokens.md), then use 'iotasign key generate'");
            }
            byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
            if (labelBytes.length == 0 || labelBytes.length > 32) {
                throw new UsageException("--label must be 1 to 32 bytes long, '" + label + "' has " + labelBytes.length);
            }
            SoftHsmStore store = SoftHsmStore.current(ctx);
            PrintWriter out = spec.commandLine().getOut();
            if (ifAbsent && store.tokenLabels().contains(label)) {
                out.println("token '" + label + "' already exists in " + store.conf());
                return Main.EXIT_OK;
            }
            byte[] soPin = PinSources.newPin(soPinFile, ctx, PinSources.SO_PIN_VARIABLE).pin("security officer PIN of token '" + label + "'");
            byte[] userPin = null;
            try {
                userPin = PinSources.newPin(pinFile, ctx, PinSources.PIN_VARIABLE).pin("user PIN of token '" + label + "'");
                checkPin(soPin, "security officer PIN");
                checkPin(userPin, "user PIN");
                store.initToken(label, soPin, userPin);
            } finally {
                Arrays.fill(soPin, (byte) 0);
                if (userPin != null) {
                    Arrays.fill(userPin, (byte) 0);
                }
            }
            out.println("created SoftHSM2 token '" + label + "' in " + store.conf());
            out.println("next: iotasign key generate --key 'pkcs11:token=" + KeyUri.encode(label) + ";object=release'");
            return Main.EXIT_OK;
        }

        private static void checkPin(byte[] pin, String what) {
            if (pin.length < 4 || pin.length > 255) {
                throw new UsageException("the " + what + " must be 4 to 255 bytes long (SoftHSM's limits): choose another");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            header = "List the slots and tokens of a PKCS#11 module and what each can do.",
            description = {"List the slots and tokens of a PKCS#11 module: label, manufacturer, model, serial, whether it offers",
                    "Ed25519 signing (CKM_EDDSA) and key generation (CKM_EC_EDWARDS_KEY_PAIR_GEN), and the user PIN state."})
    static final class ListTokens implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TokenOptions token;

        @Override
        public Integer call() {
            TokenInventory.Inventory inv = TokenInventory.list(null, token.context());
            PrintWriter out = spec.commandLine().getOut();
            out.println("module " + inv.module() + " (" + inv.library().description() + " " + inv.library().version()
                    + ", " + inv.library().manufacturer() + ")" + inv.profile().map(p -> ", profile " + p.name()).orElse(""));
            inv.profile().filter(p -> !p.notes().isEmpty()).ifPresent(p -> out.println("  note: " + p.notes()));
            if (inv.tokens().isEmpty()) {
                out.println("  no tokens: connect one, or create the tool's own with 'iotasign token init'");
            }
            for (TokenInventory.TokenEntry t : inv.tokens()) {
                out.println(TerminalText.line(String.format("slot %d: %s", t.slotId(), t.slotDescription())));
                if (!t.initialized()) {
                    out.println("  (uninitialized token)");
                    continue;
                }
                // Every string here comes from the token's firmware.
                out.println(TerminalText.line(String.format("  token '%s'  manufacturer %s  model %s  serial %s  firmware %s", t.token().label(),
                        t.token().manufacturer(), t.token().model(), t.token().serial(), t.token().firmwareVersion())));
                out.printf("  Ed25519: sign %s, generate %s; %s%n", t.canSign() ? "yes" : "NO", t.canGenerate() ? "yes" : "NO", t.pinState());
                out.println("  uri: pkcs11:token=" + KeyUri.encode(t.token().label())
                        + (t.token().serial().isEmpty() ? "" : ";serial=" + KeyUri.encode(t.token().serial())));
                t.advice().ifPresent(a -> out.println("  advice: " + a));
            }
            out.flush();
            return Main.EXIT_OK;
        }
    }
}
