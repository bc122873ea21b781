package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.iotasign.testing.IotasignProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code iotasign publish} with SIGKILL at random points and checks after every kill
 * that devices still see a consistent site (every class names a complete blob) and that the
 * history agrees with versions.json: the last line is the publish that produced it (with its
 * rollback reason), or a publish recorded as intended that never reached it. After each group
 * of kills a publish is let finish: it removes what the killed ones left and the site checks
 * clean.
 */
@Tag("fault")
class PublishKillTest {
    static final int KILLS = 18;
    static final int KILLS_PER_COMPLETION = 6;

    @TempDir
    Path tmp;

    /** Step k of the plan: mostly a new release for MINOR and BETA, every third a rollback of MINOR with a reason. */
    static List<String> step(int k, SiteFixture f) throws IOException {
        if (k % 3 == 2) {
            return List.of("publish", "--site", f.site.toString(), "--class", "MINOR", "--allow-rollback", "--reason", "reason " + k,
                    f.release("02_08_05").toString());
        }
        return List.of("publish", "--site", f.site.toString(), "--class", "MINOR,BETA", f.release(version(k)).toString());
    }

    static String version(int k) {
        return String.format("03_%02d_%02d", k / 100, k % 100);
    }

    /** Waits (bounded) until the process has a staged copy of the release, or has ended. */
    static void untilStaged(Process p, Path staging) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline) {
            try (java.util.stream.Stream<Path> s = Files.list(staging)) {
                if (s.findAny().isPresent()) {
                    break;
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    /** Waits (bounded) until the file grows beyond its size now, or the process has ended. */
    static void untilGrows(Process p, Path file) throws IOException {
        long size = Files.size(file);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline && Files.size(file) == size) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    Process start(List<String> args, Path log) throws IOException {
        return IotasignProcess.builder(Map.of(), args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** What must hold whenever publish has died, wherever it was killed. */
    static History.Agreement checkAfterKill(SiteFixture f, String when) throws IOException {
        SiteLayout l = f.opened.layout();
        byte[] versions = Files.readAllBytes(l.versionsJson());
        VersionsFile v = VersionsFile.parse(versions);
        for (String version : v.classes().values()) {
            assertArrayEquals(SiteFixture.signed(version), Files.readAllBytes(l.blob(version)), when + ": class points at a complete blob");
        }
        List<ObjectNode> history = History.read(l.historyFile());
        History.Agreement a = History.agreement(history, versions, VersionsFile.empty().toBytes());
        assertNotEquals(History.Agreement.DISAGREES, a, when + ": history agrees with versions.json");
        if (a == History.Agreement.AGREES && !history.isEmpty()) {
            ObjectNode last = history.get(history.size() - 1);
            if (History.PUBLISH.equals(last.path("action").asText())) {
                String minor = v.version(UpdateClass.MINOR).orElseThrow();
                assertEquals(minor, last.path("classes").path("MINOR").path("to").asText(minor), when + ": the last line moved MINOR here");
                if (last.path("rollback").asBoolean()) {
                    assertTrue(last.path("reason").asText().startsWith("reason "), when + ": the rollback's reason is recorded: " + last);
                }
            }
        }
        return a;
    }

    @Test
    @Timeout(300)
    void killedAtRandomPointsTheHistoryAlwaysAgreesAndTheNextPublishCleansUp() throws Exception {
        SiteFixture f = new SiteFixture(tmp);
        f.publish("02_08_05", "MINOR");
        Random random = new Random(Long.getLong("iotasign.killtest.seed", 20261202L));
        int k = 0;
        Path log = tmp.resolve("publish.log");
        Path staging = f.opened.layout().stagingDir();
        // untilGrows needs the file to exist; the first publish has written it.
        // A full run, timed from the moment its staged copy appears: the files are written after that.
        Process full = start(step(k++, f), log);
        untilStaged(full, staging);
        long t0 = System.nanoTime();
        assertTrue(full.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, full.exitValue(), Files.readString(log));
        long tailNanos = System.nanoTime() - t0;
        List<String> outcomes = new ArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            Process p = start(step(k++, f), log);
            untilStaged(p, staging);
            long delay;
            if (kill % 2 == 0) { // anywhere from staging to exit
                delay = (long) (tailNanos * 1.2 * random.nextDouble());
            } else { // just after the history line is written, when versions.json is about to be replaced
                untilGrows(p, f.opened.layout().historyFile());
                delay = (long) (3_000_000 * random.nextDouble());
            }
            boolean finished = p.waitFor(delay, TimeUnit.NANOSECONDS);
            if (!finished) {
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            }
            History.Agreement a = checkAfterKill(f, "kill " + kill + " " + delay / 1000 + " us after staging");
            outcomes.add((finished ? "finished" : "killed") + "/" + a + "/" + f.opened.leftovers().size() + " leftovers");
            if (kill % KILLS_PER_COMPLETION == 0) {
                Process done = start(step(k++, f), log);
                assertTrue(done.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, done.exitValue(), Files.readString(log));
                checkAfterKill(f, "completion after kill " + kill);
                SiteLayout l = f.opened.layout();
                assertEquals(History.Agreement.AGREES, History.agreement(History.read(l.historyFile()),
                        Files.readAllBytes(l.versionsJson()), VersionsFile.empty().toBytes()));
                assertEquals(List.of(), f.opened.leftovers(), "the completing publish removed what the killed ones left");
                SiteReport report = new SiteInspector(f.opened).inspect();
                assertTrue(report.consistent(), report.problems().toString());
            }
        }
        System.out.println("staging to exit " + tailNanos / 1000 + " us; after each kill (outcome/history/leftovers): " + outcomes);
        assertTrue(outcomes.stream().anyMatch(o -> o.startsWith("killed")), outcomes.toString());
    }
}
