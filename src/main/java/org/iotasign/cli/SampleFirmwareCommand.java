package org.iotasign.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.io.AtomicFile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sample-firmware", mixinStandardHelpOptions = true,
        description = {"Write a synthetic ESP8266 firmware.bin (eboot + application image with CRC) for demos and tests.",
                "It embeds the given public keys and the text 'Firmware version LABEL', which the virtual ESP8266",
                "prints at boot. It is not a working IoTaWatt firmware: never flash it to a real device you rely on."})
final class SampleFirmwareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--label", required = true, paramLabel = "VERSION", description = "Version text the image carries.")
    String label;

    @Option(names = "--embed-key", paramLabel = "KEY", description = "Public key to embed (repeatable; any --pubkey form).")
    List<String> keys = new ArrayList<>();

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "262144", description = "Approximate image size (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the image.")
    Path output;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Override
    public Integer call() {
        if (size < 4096 || size > 16 * 1024 * 1024) {
            throw new UsageException("--size must be between 4096 and 16777216 bytes");
        }
        List<Ed25519PublicKey> embedded = new ArrayList<>();
        keys.forEach(k -> embedded.add(KeyArguments.publicKey(k)));
        byte[] image = SampleFirmware.build(label, embedded, size);
        AtomicFile.write(output, image, force);
        spec.commandLine().getOut().printf("wrote %s: %d bytes, version label %s, %d embedded key(s)%n", output, image.length, label, embedded.size());
        return Main.EXIT_OK;
    }
}
