package org.iotasign.seriallink;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Connects bridges to one signer in memory, the way a cable does: each time the bridge
 * opens its link, a fresh pair is made and the signer end is handed to the signer's serve
 * loop, which moves to it when the old link fails or is replaced. The signer keeps its
 * state across links, as it does when a serial port is reopened.
 */
final class Switchboard implements AutoCloseable {
    private final SerialSigner signer;
    private final InMemoryLink.SerialLine line;
    private final UnaryOperator<Link> bridgeSide;
    private final UnaryOperator<Link> signerSide;
    private final LinkedBlockingQueue<Link> waiting = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Link currentBridgeEnd;

    Switchboard(SerialSigner signer, InMemoryLink.SerialLine line, UnaryOperator<Link> bridgeSide, UnaryOperator<Link> signerSide) {
        this.signer = signer;
        this.line = line;
        this.bridgeSide = bridgeSide;
        this.signerSide = signerSide;
        this.thread = new Thread(this::run, "switchboard-signer");
        thread.setDaemon(true);
        thread.start();
    }

    Switchboard(SerialSigner signer) {
        this(signer, InMemoryLink.SerialLine.INSTANT, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** The bridge's {@link LinkOpener}. */
    Link open() {
        InMemoryLink[] pair = InMemoryLink.pair(line);
        waiting.add(signerSide.apply(pair[1]));
        Link b = bridgeSide.apply(pair[0]);
        currentBridgeEnd = b;
        return b;
    }

    /** Pulls the cable: both ends of the current link fail. */
    void disconnect() {
        Link b = currentBridgeEnd;
        if (b != null) {
            b.close();
        }
    }

    private void run() {
        try {
            while (!stopped) {
                Link link = waiting.poll(50, TimeUnit.MILLISECONDS);
                if (link == null) {
                    continue;
                }
                try {
                    signer.serve(link, () -> stopped || !waiting.isEmpty());
                } catch (IOException closed) {
                    // The cable was pulled or the bridge finished: wait for the next link.
                } finally {
                    link.close();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(5000);
    }
}
