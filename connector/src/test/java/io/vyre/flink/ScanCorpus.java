package io.vyre.flink;

import io.vyre.flink.program.ScanMatch;
import io.vyre.runtime.testing.NaiveScan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Input for the failover ITCases: random files over a small alphabet, random patterns over a smaller one
 * (so they occur often and overlap), the naive scan's expected output lines, the committed output, and the
 * environment the jobs run in.
 */
final class ScanCorpus {
    private static final ObjectMapper JSON = new ObjectMapper();
    final List<byte[]> patterns = new ArrayList<>();
    final List<String> expected = new ArrayList<>();

    /** {@code patternCount} patterns of 3 to 5 letters of 'a'..'c', and {@code files} files of {@code bytes} letters of 'a'..'d'. */
    ScanCorpus(Random rnd, Path in, int patternCount, int files, int bytes) throws IOException {
        for (int i = 0; i < patternCount; i++) {
            byte[] p = new byte[3 + rnd.nextInt(3)];
            for (int k = 0; k < p.length; k++) {
                p[k] = (byte) ('a' + rnd.nextInt(3));
            }
            patterns.add(p);
        }
        Files.createDirectories(in);
        for (int f = 0; f < files; f++) {
            byte[] data = new byte[bytes];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + rnd.nextInt(4));
            }
            Path file = in.resolve("log-" + f);
            Files.write(file, data);
            for (NaiveScan.Match m : NaiveScan.find(data, patterns, false)) {
                expected.add(new ScanMatch(file.toString(), m.offset(), m.patternId()).toLine());
            }
        }
        expected.sort(null);
    }

    /**
     * Replaces each file of the corpus with its gzip-compressed copy ({@code NAME.gz}); the expected lines name
     * the compressed files, with the same (decompressed) offsets.
     */
    void compress(Path in) throws IOException {
        try (Stream<Path> files = Files.list(in)) {
            for (Path f : files.toList()) {
                try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(Path.of(f + ".gz")))) {
                    Files.copy(f, out);
                }
                Files.delete(f);
            }
        }
        expected.replaceAll(line -> line.replaceFirst("\t", ".gz\t"));
        expected.sort(null);
    }

    /** {@code parallelism} subtasks, restarted up to three times, 100 ms apart. */
    static StreamExecutionEnvironment restartingEnvironment(int parallelism) {
        return restartingEnvironment(parallelism, 3);
    }

    /** {@code parallelism} subtasks, restarted up to {@code attempts} times, 100 ms apart. */
    static StreamExecutionEnvironment restartingEnvironment(int parallelism, int attempts) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /**
     * The lines of the committed part files under {@code out} (in-progress files, hidden, left out), sorted; none
     * while the sink has not created the folder yet.
     */
    static List<String> committed(Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        if (!Files.isDirectory(out)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        lines.sort(null);
        return lines;
    }

    /** The hidden in-progress part files left in {@code out} (none once every attempt's files were committed or cleaned). */
    static List<String> inProgress(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".inprogress")).sorted().toList();
        }
    }

    /**
     * Waits up to 90 s for {@code job} to finish (a failover job here takes seconds), and throws its failure if it
     * failed. A job still running by then fails the test, before JUnit's 120 s, with what it was doing (its state, each
     * task's subtasks and their attempts, its checkpoints, its last failure), since a hang otherwise shows only as the
     * test's timeout, and is cancelled.
     */
    static JobExecutionResult awaitJob(ClusterClient<?> client, JobID job) throws Exception {
        Duration timeout = Duration.ofSeconds(90);
        try {
            return client.requestJobResult(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .toJobExecutionResult(ScanCorpus.class.getClassLoader());
        } catch (TimeoutException e) {
            String seen;
            try {
                seen = describe(client, job);
            } catch (IOException | RuntimeException described) {
                seen = "(its state could not be read: " + described + ")";
            }
            try {
                client.cancel(job).get(30, TimeUnit.SECONDS);  // the class's cluster outlives the test: free its slots
            } catch (ExecutionException | TimeoutException | RuntimeException cancelFailed) {
                seen += " (cancelling it failed: " + cancelFailed + ")";
            }
            throw new AssertionError("job " + job + " did not end within " + timeout + ": " + seen, e);
        }
    }

    /** One line: the job's state, its tasks' subtasks (state and attempt), checkpoints, and its last failure. */
    private static String describe(ClusterClient<?> client, JobID job) throws IOException, InterruptedException {
        JsonNode details = JSON.readTree(rest(client, "/jobs/" + job));
        StringBuilder line = new StringBuilder(details.path("state").asText("?"));
        for (JsonNode vertex : details.path("vertices")) {
            line.append("; ").append(vertex.path("name").asText()).append(": ");
            JsonNode subtasks = JSON.readTree(rest(client, "/jobs/" + job + "/vertices/" + vertex.path("id").asText()))
                .path("subtasks");
            List<String> states = new ArrayList<>();
            subtasks.forEach(s -> states.add(s.path("status").asText() + "#" + s.path("attempt").asInt()));
            line.append(states);
        }
        JsonNode counts = JSON.readTree(rest(client, "/jobs/" + job + "/checkpoints")).path("counts");
        line.append("; checkpoints completed ").append(counts.path("completed").asInt()).append(", failed ")
            .append(counts.path("failed").asInt()).append(", in progress ").append(counts.path("in_progress").asInt());
        JsonNode history = JSON.readTree(rest(client, "/jobs/" + job + "/exceptions")).path("exceptionHistory")
            .path("entries");
        line.append("; failures ").append(history.size());
        if (history.size() > 0) {
            String last = history.get(0).path("stacktrace").asText();
            line.append(", the last: ").append(last.lines().findFirst().orElse(""));
        }
        return line.toString();
    }

    /** The body of a GET of the cluster's REST API ({@code /jobs/ID/exceptions}, ...). */
    static String rest(ClusterClient<?> client, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(client.getWebInterfaceURL() + path))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
