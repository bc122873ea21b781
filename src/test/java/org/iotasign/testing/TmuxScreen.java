package org.iotasign.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assumptions;

/**
 * A command running in a real terminal: a private tmux server (its own socket in a test
 * folder) with one window of a fixed size. What the operator would see is read with
 * {@code tmux capture-pane}, which gives the screen as rendered, after every escape
 * sequence the program printed has acted, so a test sees what a person would.
 */
public final class TmuxScreen implements AutoCloseable {
    private static final String SESSION = "screen";
    private final Path socket;

    /** Starts {@code command} in a {@code columns} x {@code rows} window; skips the test when tmux is not installed. */
    public TmuxScreen(Path dir, int columns, int rows, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        Assumptions.assumeTrue(Tools.onPath("tmux"), "tmux is not installed");
        socket = dir.resolve("tmux.sock");
        List<String> cmd = new ArrayList<>(List.of("new-session", "-d", "-s", SESSION, "-x", String.valueOf(columns),
                "-y", String.valueOf(rows), "-c", System.getProperty("user.dir")));
        env.forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
        // The shell keeps the pane after the command ends, so its last screen can still be read.
        cmd.add(shellQuote(command) + "; echo \"[exit $?]\"; sleep 600");
        tmux(cmd);
        tmux(List.of("set-option", "-t", SESSION, "status", "off"));
    }

    /** The visible screen, one string per row, trailing blanks removed. */
    public List<String> screen() throws IOException, InterruptedException {
        return List.of(tmux(List.of("capture-pane", "-p", "-t", SESSION)).split("\n", -1)).stream().map(String::stripTrailing).toList();
    }

    /** The screen and the rows scrolled off above it. */
    public List<String> screenAndHistory() throws IOException, InterruptedException {
        return List.of(tmux(List.of("capture-pane", "-p", "-S", "-", "-t", SESSION)).split("\n", -1)).stream()
                .map(String::stripTrailing).toList();
    }

    /** Polls the screen every 100 ms until {@code ready} holds for it; fails after {@code timeout} with the last screen. */
    public List<String> waitFor(String what, Predicate<List<String>> ready, Duration timeout) throws IOException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        List<String> s = screen();
        while (!ready.test(s)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the screen did not show " + what + " within " + timeout.toSeconds() + " s:\n"
                        + String.join("\n", screenAndHistory()));
            }
            Thread.sleep(100);
            s = screen();
        }
        return s;
    }

    /** Types {@code text} literally, then Enter. */
    public void typeLine(String text) throws IOException, InterruptedException {
        tmux(List.of("send-keys", "-t", SESSION, "-l", text));
        tmux(List.of("send-keys", "-t", SESSION, "Enter"));
    }

    /**
     * Ends the program and everything it started, then tmux. Closing the terminal alone
     * is not enough: a program that rides out the hang-up (the serial signer waits for its
     * port to come back) would outlive the test.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        String panes;
        try {
            panes = tmux(List.of("list-panes", "-s", "-t", SESSION, "-F", "#{pane_pid}"));
        } catch (IOException gone) {
            panes = ""; // The program ended and its window with it: nothing left to end.
        }
        for (String pid : panes.strip().split("\\s+")) {
            if (pid.matches("[0-9]+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(pane -> {
                    pane.descendants().forEach(ProcessHandle::destroyForcibly);
                    pane.destroyForcibly();
                });
            }
        }
        tmux(List.of("kill-server"));
    }

    private String tmux(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TERM", "xterm-256color");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tmux " + args.get(0) + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && !args.get(0).equals("kill-server")) {
            throw new IOException("tmux " + args.get(0) + " failed: " + text);
        }
        return text;
    }

    private static String shellQuote(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            sb.append(sb.length() == 0 ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }

    /** {@code timeout} for polling loops in screen tests. */
    public static final Duration WAIT = Duration.ofSeconds(40);
}
