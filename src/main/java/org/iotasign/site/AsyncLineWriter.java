package org.iotasign.site;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Writes lines (the access log) on its own thread, flushing whenever it has caught up:
 * request threads never wait for the terminal or pipe, and a quiet server's log is still
 * written at once.
 */
public final class AsyncLineWriter implements Consumer<String>, AutoCloseable {
    private static final String END = new String("end"); // identity-compared sentinel
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final PrintWriter out;
    private final Thread thread;

    public AsyncLineWriter(PrintWriter out) {
        this.out = out;
        this.thread = new Thread(this::drain, "access-log");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(String line) {
        queue.add(line);
    }

    private void drain() {
        List<String> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                for (String line : batch) {
                    if (line == END) {
                        out.flush();
                        return;
                    }
                    out.println(line);
                }
                batch.clear();
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes everything accepted so far, then stops the thread. */
    @Override
    public void close() {
        queue.add(END);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
