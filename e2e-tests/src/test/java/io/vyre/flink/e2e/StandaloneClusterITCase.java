package io.vyre.flink.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real standalone session cluster (1 JobManager + 2 TaskManagers, separate JVMs
 * on loopback, ZooKeeper high availability with a ZooKeeper server in its own JVM), submitted through the REST
 * API like a user would: its output must equal a naive scan of the same files; then, with a TaskManager running
 * one of its subtasks killed three times during one job (each replaced by a fresh one, as a cluster manager
 * would), it must recover from its last checkpoint each time and still commit every occurrence exactly once; and
 * with the JobManager killed during a job and a new one started, the new one must recover the job from its last
 * checkpoint, again exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterITCase {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
    /** TaskManagers killed during the failover job. */
    private static final int KILLS = 3;
    private static StandaloneCluster cluster;
    private static FlinkRest rest;
    private static String jarId;

    @TempDir
    static Path data;

    @BeforeAll
    static void startCluster() throws Exception {
        Path jar = Path.of(System.getProperty("vyre.jobs.jar"));
        assertThat(jar).as("the thin job jar (built by flink-jobs)").exists();
        assertThat(Files.size(jar)).as("the job jar leaves Flink to the cluster").isLessThan(20L << 20);
        String classpath = Files.readString(Path.of(System.getProperty("flink.cluster.classpath.file"))).trim();
        Path work = Path.of(System.getProperty("flink.cluster.work.dir"));
        cluster = new StandaloneCluster(work, classpath, System.getProperty("flink.cluster.jvm.flags"), 2, 2, true);
        rest = new FlinkRest(cluster.restUrl());
        awaitTaskManagers(2);
        jarId = rest.uploadJar(jar);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void shouldScanLikeTheNaiveReference() throws Exception {
        Path in = Files.createDirectories(data.resolve("plain/in"));
        List<String> patterns = List.of("abc", "bca", "cab", "aa", "abcabc");
        writeRandomFiles(in, 4, 300_000, 11);
        Path patternsFile = writePatterns(data.resolve("plain/patterns.txt"), patterns);
        Path out = data.resolve("plain/out");

        String job = rest.run(jarId, List.of("scan", "--input", in.toString(), "--patterns", patternsFile.toString(),
            "--output", out.toString(), "--backend", "cpu", "--checkpoint-interval", "1s"), 2);
        awaitState(job, "FINISHED");

        assertSameLines(committed(out), naiveScan(in, patterns));
        // the connector is inside the job jar: each TaskManager ran one runtime for the job, whose tenants were
        // the sources and sinks of its subtasks
        int hosting = 0;
        for (Map.Entry<String, Path> log : cluster.taskManagerLogs().entrySet()) {
            String text = Files.readString(log.getValue(), StandardCharsets.UTF_8);
            long runtimes = occurrences(text, "vyre-cpu0: runtime open");
            long tenants = occurrences(text, "vyre-cpu0: tenant ");
            if (tenants > 0) {
                hosting++;
                assertThat(runtimes).as("runtimes opened on %s", log.getKey()).isEqualTo(1);
                assertThat(tenants).as("tenants on %s: a source and a sink per subtask", log.getKey())
                    .isGreaterThanOrEqualTo(2).isEven();
            }
        }
        assertThat(hosting).as("TaskManagers that ran the job's subtasks").isPositive();
    }

    private static long occurrences(String text, String what) {
        long n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    @Test
    @Order(2)
    void shouldRecoverFromThreeKilledTaskManagersWithExactlyOnceOutput() throws Exception {
        // throttled so the job is still running at the third kill: about 45 s at full speed
        ThrottledJob scan = ThrottledJob.start("failover", List.of("abc", "bca", "aa", "cc"), 23, 45);
        String job = scan.id();
        awaitState(job, "RUNNING");
        for (int kill = 1; kill <= KILLS; kill++) {
            awaitCompletedCheckpoint(job, checkpoints(job).path("completed").asInt());
            String victim = taskManagerRunningATaskOf(job);
            cluster.kill(victim);
            assertThat(cluster.alive(victim)).isFalse();
            cluster.startTaskManager("tm-" + (2 + kill));
            awaitRestores(job, kill);
        }

        awaitState(job, "FINISHED");
        assertThat(checkpoints(job).path("restored").asInt()).as("checkpoints restored, one per kill")
            .isGreaterThanOrEqualTo(KILLS);
        assertSameLines(committed(scan.out()), scan.expected());
    }

    @Test
    @Order(3)
    void shouldRecoverFromAKilledJobManagerWithExactlyOnceOutput() throws Exception {
        // about 40 s at full speed: the kill lands mid-job
        ThrottledJob scan = ThrottledJob.start("jobmanager", List.of("abc", "cab", "aa", "bb"), 29, 40);
        String job = scan.id();
        awaitState(job, "RUNNING");
        awaitCompletedCheckpoint(job, checkpoints(job).path("completed").asInt());
        awaitCompletedCheckpoint(job, checkpoints(job).path("completed").asInt());
        cluster.killJobManager();
        cluster.startJobManager();

        // the new JobManager takes the leadership once the dead one's ZooKeeper session ends, finds the job in the
        // HA store and restores it from its last checkpoint on the TaskManagers that reconnect to it
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String state = "";
        while (System.nanoTime() < deadline && !state.equals("RUNNING") && !state.equals("FINISHED")) {
            Thread.sleep(500);
            try {
                state = rest.get("/jobs/" + job).path("state").asText();
            } catch (IOException notYet) {
                state = "";  // no leader yet, or the job not recovered yet
            }
        }
        assertThat(state).as("the job under the new JobManager\n%s", cluster.logTails()).isIn("RUNNING", "FINISHED");
        awaitState(job, "FINISHED");
        assertThat(checkpoints(job).path("restored").asInt()).as("the new JobManager restored a checkpoint")
            .isGreaterThanOrEqualTo(1);
        assertSameLines(committed(scan.out()), scan.expected());
    }

    /**
     * A scan job over random files, throttled to last about {@code seconds}, as one subtask (source, writer and
     * committer chained): the TaskManager running it is the one whose death the job must recover from; with two, one
     * may finish its share of the files early, and killing its TaskManager then fails nothing (a run did exactly that).
     */
    private record ThrottledJob(String id, Path out, List<String> expected) {
        static ThrottledJob start(String name, List<String> patterns, long seed, int seconds) throws Exception {
            Path in = Files.createDirectories(data.resolve(name + "/in"));
            writeRandomFiles(in, 4, 40_000, seed);
            Path patternsFile = writePatterns(data.resolve(name + "/patterns.txt"), patterns);
            Path out = data.resolve(name + "/out");
            List<String> expected = naiveScan(in, patterns);
            long perSecond = Math.max(1, expected.size() / seconds);
            String id = rest.run(jarId, List.of("scan", "--input", in.toString(), "--patterns", patternsFile.toString(),
                "--output", out.toString(), "--backend", "cpu", "--checkpoint-interval", "500ms",
                "--max-records-per-second", Long.toString(perSecond), "--restart-attempts", "10"), 1);
            return new ThrottledJob(id, out, expected);
        }
    }

    private static JsonNode checkpoints(String job) throws IOException, InterruptedException {
        return rest.get("/jobs/" + job + "/checkpoints").path("counts");
    }

    /** Waits until the job has restored a checkpoint {@code restores} times (a kill is seen by heartbeat). */
    private static void awaitRestores(String job, int restores) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (checkpoints(job).path("restored").asInt() >= restores) {
                awaitState(job, "RUNNING");
                return;
            }
            String state = rest.get("/jobs/" + job).path("state").asText();
            if (state.equals("FAILED") || state.equals("FINISHED")) {
                fail("job " + job + " is " + state + " before restore " + restores + ": "
                    + rest.get("/jobs/" + job + "/exceptions") + "\n" + cluster.logTails());
            }
            Thread.sleep(200);
        }
        fail("job " + job + " did not restore a checkpoint " + restores + " times within 90 s\n" + cluster.logTails());
    }

    private static void awaitTaskManagers(int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (rest.get("/overview").path("taskmanagers").asInt() >= count) {
                    return;
                }
            } catch (IOException e) {
                // the JobManager's REST endpoint is not up yet
            }
            Thread.sleep(250);
        }
        fail("the cluster did not come up with " + count + " TaskManagers:\n" + cluster.logTails());
    }

    private static void awaitState(String job, String state) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        String now = "";
        while (System.nanoTime() < deadline) {
            now = rest.get("/jobs/" + job).path("state").asText();
            if (now.equals(state)) {
                return;
            }
            if (now.equals("FAILED") || now.equals("CANCELED")) {
                fail("job " + job + " is " + now + ": " + rest.get("/jobs/" + job + "/exceptions") + "\n"
                    + cluster.logTails());
            }
            Thread.sleep(200);
        }
        fail("job " + job + " did not reach " + state + " in " + JOB_TIMEOUT + " (it is " + now + ")\n"
            + cluster.logTails());
    }

    /** Waits for a checkpoint to complete after the {@code before} that had. */
    private static void awaitCompletedCheckpoint(String job, int before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (checkpoints(job).path("completed").asInt() > before) {
                return;
            }
            assertThat(rest.get("/jobs/" + job).path("state").asText()).as("still running").isEqualTo("RUNNING");
            Thread.sleep(100);
        }
        fail("no checkpoint completed within 60 s\n" + cluster.logTails());
    }

    /**
     * A TaskManager (by resource id) on which one of the job's subtasks is RUNNING now, read per subtask: a
     * vertex's TaskManager list also names TaskManagers whose subtasks of it have finished (a bounded source's),
     * and killing one of those fails nothing.
     */
    private static String taskManagerRunningATaskOf(String job) throws Exception {
        // after a restore the job is RUNNING while its subtask may still be INITIALIZING (its state restoring), and
        // the REST API's views may lag a moment: wait for a RUNNING subtask instead of failing on the first look
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            seen.clear();
            for (JsonNode vertex : rest.get("/jobs/" + job).path("vertices")) {
                for (JsonNode subtask : rest.get("/jobs/" + job + "/vertices/" + vertex.path("id").asText())
                    .path("subtasks")) {
                    String id = subtask.path("taskmanager-id").asText();
                    String status = subtask.path("status").asText();
                    seen.add(vertex.path("name").asText() + "#" + subtask.path("subtask").asInt() + " " + status
                        + " on " + id);
                    if (id.startsWith("tm-") && status.equals("RUNNING") && cluster.alive(id)) {
                        return id;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no TaskManager ran a subtask of " + job + " within 60 s: " + seen);
    }

    private static void writeRandomFiles(Path dir, int files, int bytes, long seed) throws IOException {
        Random rnd = new Random(seed);
        for (int f = 0; f < files; f++) {
            byte[] data = new byte[bytes + rnd.nextInt(1000)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) "abc\n".charAt(rnd.nextInt(4));
            }
            Files.write(dir.resolve("log-" + f + ".txt"), data);
        }
    }

    private static Path writePatterns(Path file, List<String> patterns) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, patterns, StandardCharsets.US_ASCII);
    }

    /** Every occurrence of every pattern, overlaps included, by trying each pattern at every index. */
    private static List<String> naiveScan(Path dir, List<String> patterns) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f, StandardCharsets.US_ASCII);
                for (int id = 0; id < patterns.size(); id++) {
                    for (int at = text.indexOf(patterns.get(id)); at >= 0; at = text.indexOf(patterns.get(id), at + 1)) {
                        lines.add(f.toAbsolutePath() + "\t" + at + "\t" + id);
                    }
                }
            }
        }
        return lines;
    }

    private static List<String> committed(Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path f : walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                .toList()) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    private static void assertSameLines(List<String> got, List<String> expected) {
        assertThat(new HashSet<>(got)).as("no line twice").hasSize(got.size());
        List<String> a = new ArrayList<>(got);
        List<String> b = new ArrayList<>(expected);
        a.sort(null);
        b.sort(null);
        assertThat(a.size()).as("occurrences").isEqualTo(b.size());
        assertThat(a.equals(b)).as("the committed lines equal the naive scan's").isTrue();
    }
}
