package io.vyre.flink.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The SQL connector on a MiniCluster: DDL, LIKE push-down onto the kernel, scan tables, a redacting sink. */
class VyreTableITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;
    TableEnvironment tEnv;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("a.log"), "10:00 INFO started\n10:01 ERROR disk full\n10:02 WARN slow\n"
            + "10:03 ERROR timeout talking to db\n");
        Files.writeString(dir.resolve("b.log"), "11:00 INFO ok\n11:01 ERROR token=abc123 leaked\n");
        tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tEnv.getConfig().getConfiguration().setString("parallelism.default", "2");
    }

    private List<Row> collect(String sql) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql(sql).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void shouldPushLikeFiltersOntoTheKernel() throws Exception {
        tEnv.executeSql("CREATE TABLE logs (path STRING, `offset` BIGINT, line STRING) WITH ('connector' = 'vyre',"
            + " 'path' = '" + dir + "', 'backend' = 'cpu', 'tail.final-after' = '2 s')");  // accepted, unused when bounded
        String query = "SELECT line, `offset` FROM logs WHERE line LIKE '%ERROR%' AND NOT line LIKE '%timeout%'";
        String plan = tEnv.explainSql(query);
        String physical = plan.substring(plan.indexOf("== Optimized Physical Plan =="));
        assertThat(physical).as("both predicates are pushed into the scan").contains("filter=[and(LIKE(line")
            .contains("timeout").doesNotContain("where=");
        List<String> lines = collect(query).stream().map(r -> r.getField(0) + "@" + r.getField(1)).sorted().toList();
        assertThat(lines).containsExactly("10:01 ERROR disk full@19", "11:01 ERROR token=abc123 leaked@14");
    }

    @Test
    void shouldLeaveFiltersTheKernelCannotRunToFlink() throws Exception {
        tEnv.executeSql("CREATE TABLE logs (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir + "',"
            + " 'backend' = 'cpu')");
        String query = "SELECT line FROM logs WHERE line LIKE '%slow' OR CHAR_LENGTH(line) < 14";
        String plan = tEnv.explainSql(query);
        String physical = plan.substring(plan.indexOf("== Optimized Physical Plan =="));
        assertThat(physical).as("suffix LIKE and CHAR_LENGTH stay with Flink").contains("where=")
            .contains("filter=[]]");
        assertThat(collect(query).stream().map(r -> (String) r.getField(0)).sorted().toList())
            .containsExactly("10:02 WARN slow", "11:00 INFO ok");
    }

    @Test
    void shouldScanPatternsIntoRows() throws Exception {
        tEnv.executeSql("CREATE TABLE hits (path STRING, `offset` BIGINT, pattern_id INT) WITH ('connector' = 'vyre',"
            + " 'path' = '" + dir + "', 'program' = 'scan', 'patterns' = 'ERROR;token=;o', 'backend' = 'cpu')");
        List<Row> rows = collect("SELECT pattern_id, COUNT(*) FROM hits GROUP BY pattern_id");
        List<String> counts = rows.stream().filter(r -> r.getKind() == org.apache.flink.types.RowKind.INSERT
                || r.getKind() == org.apache.flink.types.RowKind.UPDATE_AFTER)
            .map(r -> r.getField(0) + "=" + r.getField(1)).toList();
        assertThat(counts).contains("0=3", "1=1");
        String all = Files.readString(dir.resolve("a.log")) + Files.readString(dir.resolve("b.log"));
        long os = all.chars().filter(c -> c == 'o').count();
        assertThat(counts).contains("2=" + os);
    }

    @Test
    void shouldWriteRedactedLinesThroughTheKernel() throws Exception {
        Path out = dir.resolve("out");
        tEnv.executeSql("CREATE TABLE logs (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir.resolve("b.log")
            + "', 'backend' = 'cpu')");
        tEnv.executeSql("CREATE TABLE clean (line STRING) WITH ('connector' = 'vyre', 'path' = '" + out + "',"
            + " 'backend' = 'cpu', 'redact.patterns' = 'abc123;ERROR')");
        TableResult result = tEnv.executeSql("INSERT INTO clean SELECT line FROM logs");
        result.await();
        List<String> written = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                written.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        assertThat(written).containsExactlyInAnyOrder("11:00 INFO ok", "11:01 ***** token=****** leaked");
    }

    @Test
    void shouldNameWrongOptionsAndColumns() {
        tEnv.executeSql("CREATE TABLE bad (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir + "',"
            + " 'program' = 'scan')");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM bad")).hasStackTraceContaining("needs patterns");
        tEnv.executeSql("CREATE TABLE badcol (text STRING) WITH ('connector' = 'vyre', 'path' = '" + dir + "')");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM badcol")).hasStackTraceContaining("'text' is none of them");
        tEnv.executeSql("CREATE TABLE badbackend (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir + "',"
            + " 'backend' = 'tpu')");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM badbackend")).hasStackTraceContaining("unknown backend 'tpu'");
    }
}
