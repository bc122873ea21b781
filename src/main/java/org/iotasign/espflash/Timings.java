package org.iotasign.espflash;

/**
 * Waits and retry counts of a flashing session. {@link #ESPTOOL} are esptool's values;
 * tests shorten them so a silent device is detected quickly.
 *
 * @param commandTimeoutMs  wait for a reply to an ordinary command (esptool: 3 s)
 * @param syncReplyMs       wait for the first reply to SYNC (esptool: 100 ms)
 * @param connectAttempts   reset-and-sync rounds before giving up (esptool: 7)
 * @param syncsPerAttempt   SYNC commands per round (esptool: 5)
 * @param blockAttempts     sends of one block before the write fails (esptool: 3)
 * @param fallbackAttempts  connect rounds at a --baud above 115200 before falling back
 */
public record Timings(long commandTimeoutMs, long syncReplyMs, int connectAttempts, int syncsPerAttempt,
                     int blockAttempts, int fallbackAttempts) {
    public static final Timings ESPTOOL = new Timings(3000, 100, 7, 5, 3, 2);

    /** FLASH_BEGIN erases before it answers: 30 s per MiB, at least the command timeout (esptool). */
    public long eraseTimeoutMs(int bytes) {
        return Math.max(commandTimeoutMs, 30_000L * bytes / (1024 * 1024));
    }
}
