package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.iotasign.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Commands whose picocli model is built in code (Main.COMMANDS) are the commands they were
 * when picocli read them from annotations: the same options, with the same names, types,
 * arity, labels, defaults and descriptions, and the same help, pinned by fixtures taken from
 * the annotated command (src/test/resources/org/iotasign/cli).
 */
class CodedCommandsTest {
    @ParameterizedTest
    @ValueSource(strings = {"pack", "inspect", "verify", "sign"})
    void theModelIsTheOneTheAnnotationsGave(String command) throws IOException {
        Main.Entry e = Main.COMMANDS.stream().filter(c -> c.name().equals(command)).findFirst().orElseThrow();
        assertEquals(fixture(command + "-model.txt"), model(e.coded().get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pack", "inspect", "verify", "sign"})
    void theHelpIsTheOneTheAnnotationsGave(String command) throws IOException {
        Cli.Result r = Cli.run(command, "--help");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(fixture(command + "-help.txt"), r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pack|Missing required options: '--version=VERSION', '--firmware=FILE', '--output=OUT'",
        "inspect|Missing required parameter: 'BLOB'",
        "verify|Missing required options and parameters: '--pubkey=KEY', 'BLOB'",
        "sign|Missing required options and parameters: '--output=OUT.bin', 'IN.unsigned'"})
    void aBareCommandNamesWhatIsMissingAsTheAnnotatedOneDid(String command, String missing) {
        Cli.Result r = Cli.run(command);
        assertEquals(2, r.exit(), r.toString());
        assertEquals("iotasign: " + missing + " (see 'iotasign " + command + " --help')\n", r.err());
    }

    @Test
    void theSharedOptionsInCodeAreTheirMixinsOptions() {
        CommandSpec coded = CommandSpec.create();
        FirmwareLimitOptions.addTo(coded);
        assertEquals(model(CommandSpec.forAnnotatedObject(new FirmwareLimitOptions())), model(coded));
        coded = CommandSpec.create();
        TokenOptions.addTo(coded);
        assertEquals(model(CommandSpec.forAnnotatedObject(new TokenOptions())), model(coded));
        coded = CommandSpec.create();
        SigningOptions.addTo(coded);
        assertEquals(model(CommandSpec.forAnnotatedObject(new SigningOptions())), model(coded));
    }

    @Test
    void codedOptionsSetTheFieldsTheyNameAndResetThemBetweenParses() {
        CommandLine root = Main.commandLine("verify");
        VerifyCommand c = (VerifyCommand) root.getSubcommands().get("verify").getCommandSpec().userObject();
        root.parseArgs("verify", "--pubkey", "k.hex", "--json", "--max-firmware", "5", "--allow-gzip-firmware", "r.bin");
        assertEquals("k.hex", c.pubkey);
        assertEquals(true, c.json);
        assertEquals(5L, c.limits.maxFirmware);
        assertEquals(true, c.limits.allowGzip);
        assertEquals("4m1m", c.limits.layout);
        assertEquals("r.bin", c.blobPath.toString());
        root.parseArgs("verify", "--pubkey", "other.hex", "s.bin");
        assertEquals(false, c.json, "an option not given gets its initial value back");
        assertEquals(null, c.limits.maxFirmware);
        assertEquals(false, c.limits.allowGzip);
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = CodedCommandsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One line per option, then per positional parameter: everything picocli derives from an annotation. */
    static String model(CommandSpec spec) {
        List<String> lines = spec.options().stream().map(CodedCommandsTest::describe).collect(Collectors.toList());
        for (PositionalParamSpec p : spec.positionalParameters()) {
            lines.add(describe(p) + " index=" + p.index());
        }
        return lines.stream().map(l -> l + "\n").collect(Collectors.joining());
    }

    private static String describe(ArgSpec a) {
        String head = a instanceof OptionSpec o ? String.join(",", o.names()) : "positional";
        String option = a instanceof OptionSpec o ? " usageHelp=" + o.usageHelp() + " versionHelp=" + o.versionHelp()
                + " negatable=" + o.negatable() + " order=" + o.order() + " mapFallback=" + o.mapFallbackValue() : "";
        return head + " type=" + a.type().getName() + " aux=" + Arrays.toString(a.auxiliaryTypes()) + " arity=" + a.arity()
                + " required=" + a.required() + " label=" + a.paramLabel() + " default=" + a.defaultValue() + " hidden=" + a.hidden()
                + " split=" + a.splitRegex() + option + " description=" + Arrays.toString(a.description());
    }
}
