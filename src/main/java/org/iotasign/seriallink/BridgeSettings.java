package org.iotasign.seriallink;

import java.time.Duration;

/**
 * Limits and timers of the bridge end (docs/serial-link.md, "Timers").
 *
 * @param window          largest number of unacknowledged chunks in flight (the signer may lower it)
 * @param chunkSize       preferred chunk size (the signer may lower it)
 * @param retransmitAfter no acknowledgement progress for this long: resend from the oldest unacknowledged chunk
 * @param requestInterval HELLO, ANNOUNCE and CANCEL are repeated at this interval until answered
 * @param queryInterval   QUERY is repeated at this interval while the verdict is pending
 * @param reconnectAfter  no valid frame from the signer for this long: start over with HELLO and resume
 * @param giveUpAfter     no valid frame from the signer for this long: the submission fails
 * @param verdictTimeout  longest wait for the verdict once every chunk is acknowledged (operator review)
 */
public record BridgeSettings(int window, int chunkSize, Duration retransmitAfter, Duration requestInterval,
                             Duration queryInterval, Duration reconnectAfter, Duration giveUpAfter, Duration verdictTimeout) {
    public static BridgeSettings defaults() {
        return new BridgeSettings(Protocol.DEFAULT_WINDOW, Protocol.DEFAULT_CHUNK, Duration.ofMillis(500), Duration.ofMillis(300),
                Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(30), Duration.ofMinutes(15));
    }

    /**
     * The defaults for a line of {@code baud} bits per second: the largest chunk (a power of
     * two, {@link Protocol#DEFAULT_CHUNK} to {@link Protocol#MAX_CHUNK}) that spends at most
     * {@link #CHUNK_TIME_MS} ms on the wire, so acknowledgements keep coming well inside the
     * retransmission timer; and as many chunks in flight as the default window holds bytes
     * (16 KiB), at least 2, so a lost frame costs no more line time than with 1 KiB chunks.
     */
    public static BridgeSettings forLine(int baud) {
        int chunk = Protocol.DEFAULT_CHUNK;
        while (chunk * 2 <= Protocol.MAX_CHUNK && chunk * 2 * 10L * 1000 <= (long) baud * CHUNK_TIME_MS) {
            chunk *= 2;
        }
        int window = Math.max(2, Protocol.DEFAULT_WINDOW * Protocol.DEFAULT_CHUNK / chunk);
        return defaults().withChunkSize(chunk).withWindow(window);
    }

    /** Longest time on the wire of one chunk that {@link #forLine} picks (10 bit times per byte). */
    public static final int CHUNK_TIME_MS = 100;

    public BridgeSettings {
        if (window < 1 || window > Protocol.MAX_WINDOW || chunkSize < Protocol.MIN_CHUNK || chunkSize > Protocol.MAX_CHUNK) {
            throw new IllegalArgumentException("window 1.." + Protocol.MAX_WINDOW + " and chunk "
                    + Protocol.MIN_CHUNK + ".." + Protocol.MAX_CHUNK + " expected");
        }
    }

    public BridgeSettings withWindow(int w) {
        return new BridgeSettings(w, chunkSize, retransmitAfter, requestInterval, queryInterval, reconnectAfter, giveUpAfter, verdictTimeout);
    }

    public BridgeSettings withChunkSize(int c) {
        return new BridgeSettings(window, c, retransmitAfter, requestInterval, queryInterval, reconnectAfter, giveUpAfter, verdictTimeout);
    }

    /** All timers scaled at once, for fast links in tests. */
    public BridgeSettings withTimers(Duration retransmit, Duration request, Duration reconnect, Duration giveUp) {
        return new BridgeSettings(window, chunkSize, retransmit, request, request, reconnect, giveUp, verdictTimeout);
    }
}
