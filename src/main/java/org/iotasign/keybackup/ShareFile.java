package org.iotasign.keybackup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.io.AtomicFile;

/**
 * A share as a text file on its own medium (format 1): a few lines for the person who keeps
 * it and the {@code code} line that is the share itself (see {@link ShareCode}).
 *
 * <pre>
 * iotasign key share, format 1
 * ceremony  K7QM-3XZ9
 * key       a1b2-c3d4-e5f6-0718
 * share     2 of 5; any 3 shares of this ceremony rebuild the key
 * code      K7QM-3XZ9-....-....  (18 groups of 4)
 * </pre>
 *
 * Only the code line is read back; the other lines are for people.
 */
public final class ShareFile {
    static final int MAX_BYTES = 4096;
    private static final String FIRST_LINE = "iotasign key share, format 1";

    private ShareFile() {
    }

    /** The file name a share gets in its folder. */
    public static String fileName(KeyShare share) {
        return "iotasign-share-" + share.ceremonyId() + "-" + share.index() + "-of-" + share.count() + ".txt";
    }

    public static String text(KeyShare share, String keyFingerprint) {
        return FIRST_LINE + "\n"
                + "ceremony  " + share.ceremonyId() + "\n"
                + "key       " + keyFingerprint + "\n"
                + "share     " + share.index() + " of " + share.count() + "; any " + share.threshold()
                + " shares of this ceremony rebuild the key\n"
                + "code      " + ShareCode.encode(share) + "\n";
    }

    /**
     * Writes the share into {@code folder} atomically (never replacing a file), then reads it
     * back from the medium and checks it. Returns the file.
     */
    public static Path write(Path folder, KeyShare share, String keyFingerprint) {
        Path target = folder.resolve(fileName(share));
        AtomicFile.write(target, text(share, keyFingerprint).getBytes(StandardCharsets.US_ASCII), false);
        KeyShare back = read(target);
        try {
            if (!back.equals(share)) {
                throw new EnvironmentException("share " + share.index() + " read back from " + target + " differs from what was written: "
                        + "the medium is faulty; use another one");
            }
        } finally {
            back.clear();
        }
        return target;
    }

    /** Reads a share file: a regular file, never through a link, at most 4 KiB of ASCII text. */
    public static KeyShare read(Path file) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UsageException("cannot read share " + file + ": " + AtomicFile.describe(e) + ": check the path");
        }
        if (attrs.isSymbolicLink()) {
            throw new RejectedException("share " + file + " is a symbolic link: give the share file itself");
        }
        if (!attrs.isRegularFile()) {
            throw new UsageException("share " + file + " is not a regular file: give the path of a share file");
        }
        byte[] content;
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             InputStream in = Channels.newInputStream(ch)) {
            content = in.readNBytes(MAX_BYTES + 1);
        } catch (FileSystemException e) {
            throw new RejectedException("cannot open share " + file + " as a plain file (" + AtomicFile.describe(e)
                    + "): give the share file itself");
        } catch (IOException e) {
            throw new EnvironmentException("cannot read share " + file + ": " + AtomicFile.describe(e));
        }
        if (content.length > MAX_BYTES) {
            throw new RejectedException("share " + file + " is larger than " + MAX_BYTES + " bytes: it is not a share file");
        }
        try {
            return parse(content);
        } catch (RejectedException e) {
            throw new RejectedException("share " + file + ": " + e.getMessage());
        } finally {
            java.util.Arrays.fill(content, (byte) 0);
        }
    }

    /** The share in a file's bytes: its code line, or a file holding nothing but a code. */
    static KeyShare parse(byte[] content) {
        String text;
        try {
            text = StandardCharsets.US_ASCII.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new RejectedException("it is not ASCII text: it is not a share file");
        }
        List<String> codes = new ArrayList<>();
        List<String> nonEmpty = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            if (!line.isBlank()) {
                nonEmpty.add(line);
            }
            if (line.startsWith("code ")) {
                codes.add(line.substring(5));
            }
        }
        if (codes.size() > 1) {
            throw new RejectedException("it has " + codes.size() + " code lines: a share file holds one share");
        }
        if (codes.isEmpty() && nonEmpty.size() != 1) {
            throw new RejectedException("it has no 'code' line: it is not a share file");
        }
        return ShareCode.decode(codes.isEmpty() ? nonEmpty.get(0) : codes.get(0));
    }
}
