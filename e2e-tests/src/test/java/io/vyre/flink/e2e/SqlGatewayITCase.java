package io.vyre.flink.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL connector jar as a Flink user deploys it: in the classpath ('lib/') of a real standalone session
 * cluster and of Flink's SQL gateway, with statements sent through the gateway's REST API. The connector comes
 * only from that jar (no job jar is uploaded), so this proves the shaded, relocated jar holds everything it needs.
 */
class SqlGatewayITCase {
    private static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(3);
    private static final String EXPORT = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    private static StandaloneCluster cluster;
    private static SqlGateway gateway;

    @TempDir
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        Path sqlJar = Path.of(System.getProperty("vyre.sql.jar"));
        assertThat(sqlJar).as("the SQL connector jar (built by sql-connector)").exists();
        String lib = Files.readString(Path.of(System.getProperty("flink.cluster.classpath.file"))).trim()
            + java.io.File.pathSeparator + sqlJar;
        Path work = Path.of(System.getProperty("flink.cluster.work.dir") + "-sql");
        cluster = new StandaloneCluster(work, lib, System.getProperty("flink.cluster.jvm.flags"), 1, 2);
        // the gateway's config.yaml is the cluster's as far as the connector looks: task managers get the export
        gateway = new SqlGateway(cluster, lib, "env.java.opts.all: " + EXPORT + "\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldRunVyreTablesThroughTheSqlGateway() throws Exception {
        Path in = Files.createDirectories(data.resolve("in"));
        Files.writeString(in.resolve("a.log"), "GET /login 200\nPOST /login 401 password=hunter2\nGET / 200\n");
        Files.writeString(in.resolve("b.log"), "GET /health 200\nPOST /admin 403\n");
        Path patterns = Files.writeString(data.resolve("patterns.txt"), "GET\nPOST\n200\n");
        Path out = data.resolve("out");
        String session = gateway.openSession(Map.of("execution.runtime-mode", "batch", "parallelism.default", "2"));

        assertThat(gateway.execute(session, "CREATE TABLE hits (path STRING, `offset` BIGINT, pattern_id INT) WITH ("
            + "'connector' = 'vyre', 'path' = '" + in + "', 'program' = 'scan', 'patterns.file' = '" + patterns + "',"
            + " 'backend' = 'cpu')", STATEMENT_TIMEOUT)).containsExactly(List.of("OK"));
        List<List<Object>> counts = gateway.execute(session, "SELECT pattern_id, COUNT(*) AS n FROM hits"
            + " GROUP BY pattern_id", STATEMENT_TIMEOUT);
        Map<Integer, Long> byPattern = new TreeMap<>();
        counts.forEach(r -> byPattern.put(((Number) r.get(0)).intValue(), ((Number) r.get(1)).longValue()));
        assertThat(byPattern).isEqualTo(naiveCounts(in, List.of("GET", "POST", "200")));

        gateway.execute(session, "CREATE TABLE logs (line STRING) WITH ('connector' = 'vyre', 'path' = '" + in + "',"
            + " 'backend' = 'cpu')", STATEMENT_TIMEOUT);
        gateway.execute(session, "CREATE TABLE clean (line STRING) WITH ('connector' = 'vyre', 'path' = '" + out + "',"
            + " 'backend' = 'cpu', 'redact.patterns' = 'hunter2')", STATEMENT_TIMEOUT);
        gateway.execute(session, "INSERT INTO clean SELECT line FROM logs WHERE line LIKE 'POST%'", STATEMENT_TIMEOUT);
        assertThat(awaitCommitted(out, 2)).containsExactlyInAnyOrder("POST /login 401 password=*******",
            "POST /admin 403");

        gateway.execute(session, "CREATE TABLE wrong (line STRING) WITH ('connector' = 'vyre', 'path' = '" + in + "',"
            + " 'ignore-case' = 'true')", STATEMENT_TIMEOUT);
        assertThatThrownBy(() -> gateway.execute(session, "SELECT * FROM wrong", STATEMENT_TIMEOUT))
            .hasMessageContaining("vyre option 'ignore-case' does not apply to a source table with 'program' = 'lines'");
    }

    private static Map<Integer, Long> naiveCounts(Path dir, List<String> patterns) throws IOException {
        Map<Integer, Long> counts = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                for (int id = 0; id < patterns.size(); id++) {
                    for (int at = text.indexOf(patterns.get(id)); at >= 0; at = text.indexOf(patterns.get(id), at + 1)) {
                        counts.merge(id, 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** The committed part files' lines, once the INSERT's job committed {@code lines} of them (batch: at its end). */
    private static List<String> awaitCommitted(Path out, int lines) throws Exception {
        long deadline = System.nanoTime() + STATEMENT_TIMEOUT.toNanos();
        List<String> committed = List.of();
        while (System.nanoTime() < deadline) {
            committed = new ArrayList<>();
            if (Files.isDirectory(out)) {
                try (Stream<Path> files = Files.list(out)) {
                    for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                        committed.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
                    }
                }
            }
            if (committed.size() >= lines) {
                return committed;
            }
            Thread.sleep(200);
        }
        return committed;
    }
}
