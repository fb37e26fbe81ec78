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
import org.apache.flink.table.api.ExplainDetail;
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
            + " 'path' = '" + dir + "', 'backend' = 'cpu')");
        String query = "SELECT line, `offset` FROM logs WHERE line LIKE '%ERROR%' AND NOT line LIKE '%timeout%'";
        String plan = tEnv.explainSql(query);
        String physical = plan.substring(plan.indexOf("== Optimized Physical Plan =="));
        assertThat(physical).as("both predicates are pushed into the scan").contains("filter=[and(LIKE(line")
            .contains("timeout").doesNotContain("where=");
        assertThat(tEnv.explainSql(query, ExplainDetail.JSON_EXECUTION_PLAN)).as("EXPLAIN names what runs on the"
            + " megakernel, and where").contains("vyre megakernel: FRAME lines, FILTER [").contains("backend cpu");
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

    @Test
    void shouldNotCopyOrDecodeLinesTheQueryDoesNotRead() throws Exception {
        tEnv.executeSql("CREATE TABLE logs (path STRING, `offset` BIGINT, line STRING) WITH ('connector' = 'vyre',"
            + " 'path' = '" + dir + "', 'backend' = 'cpu')");
        String query = "SELECT path, `offset` FROM logs WHERE line LIKE '%ERROR%'";
        String plan = tEnv.explainSql(query);
        assertThat(plan).as("the projection is pushed: the scan produces path and offset only")
            .contains("project=[path, offset]");
        assertThat(tEnv.explainSql(query, ExplainDetail.JSON_EXECUTION_PLAN)).contains("offsets only");
        assertThat(collect(query).stream().map(r -> Path.of((String) r.getField(0)).getFileName() + "@" + r.getField(1))
            .sorted().toList()).containsExactly("a.log@19", "a.log@57", "b.log@14");
    }

    @Test
    void shouldReadFileMetadataColumns() throws Exception {
        tEnv.executeSql("CREATE TABLE logs (line STRING, file_path STRING METADATA FROM 'file.path' VIRTUAL,"
            + " file_size BIGINT METADATA FROM 'file.size' VIRTUAL,"
            + " modified TIMESTAMP_LTZ(3) METADATA FROM 'file.modification-time' VIRTUAL)"
            + " WITH ('connector' = 'vyre', 'path' = '" + dir + "', 'backend' = 'cpu')");
        List<Row> rows = collect("SELECT line, file_path, file_size, modified FROM logs WHERE line LIKE '%ERROR%'");
        assertThat(rows).hasSize(3);
        for (Row r : rows) {
            Path file = Path.of((String) r.getField(1));
            assertThat(file.getParent()).isEqualTo(dir);
            assertThat(Files.readString(file)).contains((String) r.getField(0));
            assertThat(r.getField(2)).isEqualTo(Files.size(file));
            assertThat(((java.time.Instant) r.getField(3)).toEpochMilli())
                .isEqualTo(Files.getLastModifiedTime(file).toMillis());
        }
        tEnv.executeSql("CREATE TABLE badmeta (line STRING, x STRING METADATA FROM 'file.owner' VIRTUAL)"
            + " WITH ('connector' = 'vyre', 'path' = '" + dir + "')");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM badmeta")).hasStackTraceContaining("file.owner");
    }

    @Test
    void shouldStopReadingAtAPushedLimit() throws Exception {
        tEnv.executeSql("CREATE TABLE logs (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir + "',"
            + " 'backend' = 'cpu')");
        String query = "SELECT line FROM logs LIMIT 2";
        assertThat(tEnv.explainSql(query)).contains("limit=[2]");
        assertThat(tEnv.explainSql(query, ExplainDetail.JSON_EXECUTION_PLAN)).contains("limit 2 per reader");
        List<String> lines = collect(query).stream().map(r -> (String) r.getField(0)).toList();
        assertThat(lines).hasSize(2);
        String all = Files.readString(dir.resolve("a.log")) + Files.readString(dir.resolve("b.log"));
        assertThat(all.lines().toList()).containsAll(lines);
    }

    @Test
    void shouldLeaveLiteralsTheKernelCannotCompareByteForByteToFlink() throws Exception {
        // an invalid UTF-8 byte: Flink sees U+FFFD in the line, no byte of the file equals it
        Files.write(dir.resolve("c.log"), new byte[] {'b', 'a', 'd', ' ', (byte) 0xFF, ' ', 'x', '\n'});
        tEnv.executeSql("CREATE TABLE logs (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir + "',"
            + " 'backend' = 'cpu')");
        String query = "SELECT line FROM logs WHERE line LIKE U&'%\\FFFD%'";
        String plan = tEnv.explainSql(query);
        assertThat(plan.substring(plan.indexOf("== Optimized Physical Plan =="))).contains("filter=[]]").contains("where=");
        assertThat(collect(query).stream().map(r -> (String) r.getField(0)).toList()).containsExactly("bad \uFFFD x");
    }

    @Test
    void shouldRefuseOptionsThatDoNotApplyToTheTable() throws Exception {
        String path = "'path' = '" + dir + "'";
        tEnv.executeSql("CREATE TABLE t1 (line STRING) WITH ('connector' = 'vyre', " + path + ", 'ignore-case' = 'true')");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM t1")).hasStackTraceContaining(
            "vyre option 'ignore-case' does not apply to a source table with 'program' = 'lines'")
            .hasStackTraceContaining("the options that do: [backend, chunk-bytes, devices, lanes, monitor-interval, path,"
                + " program, skip-unreadable-files, split-bytes]");
        tEnv.executeSql("CREATE TABLE t2 (line STRING) WITH ('connector' = 'vyre', " + path + ", 'redact.mask' = '#')");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM t2")).hasStackTraceContaining("'redact.mask' does not"
            + " apply to a source table");
        tEnv.executeSql("CREATE TABLE t3 (line STRING) WITH ('connector' = 'vyre', " + path + ", 'tail.final-after' = '1 s')");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM t3")).hasStackTraceContaining("'tail.final-after' does"
            + " not apply to a source table with 'program' = 'lines' and no 'monitor-interval'");
        tEnv.executeSql("CREATE TABLE s1 (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir.resolve("o1") + "',"
            + " 'program' = 'scan')");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO s1 VALUES ('x')")).hasStackTraceContaining(
            "'program' does not apply to a sink table without 'redact.patterns'");
        tEnv.executeSql("CREATE TABLE s2 (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir.resolve("o2") + "',"
            + " 'chunk-bytes' = '4194304')");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO s2 VALUES ('x')")).hasStackTraceContaining(
            "'chunk-bytes' is 4194304 on a sink table; a sink writes chunks of at most 1048576 bytes");
        tEnv.executeSql("CREATE TABLE s3 (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir.resolve("o3") + "',"
            + " 'sink.rolling-policy.inactivity-interval' = '0 s')");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO s3 VALUES ('x')")).hasStackTraceContaining(
            "'sink.rolling-policy.inactivity-interval' must be a positive duration");
        tEnv.executeSql("CREATE TABLE s4 (line STRING) WITH ('connector' = 'vyre', 'path' = '" + dir.resolve("o4") + "',"
            + " 'sink.rolling-policy.rollover-interval' = '1 h', 'sink.rolling-policy.inactivity-interval' = '10 min')");
        tEnv.executeSql("INSERT INTO s4 VALUES ('x'), ('y')").await();
        try (Stream<Path> files = Files.list(dir.resolve("o4"))) {
            assertThat(files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()).hasSize(1);
        }
    }

    @Test
    void shouldRollPartFilesBySize() throws Exception {
        Path in = Files.createDirectories(dir.resolve("big"));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("line ").append(i).append(" of a log that is long enough to need several part files\n");
        }
        Files.writeString(in.resolve("big.log"), text);
        Path out = dir.resolve("rolled");
        tEnv.executeSql("CREATE TABLE src (line STRING) WITH ('connector' = 'vyre', 'path' = '" + in + "',"
            + " 'backend' = 'cpu')");
        tEnv.executeSql("CREATE TABLE dst (line STRING) WITH ('connector' = 'vyre', 'path' = '" + out + "',"
            + " 'backend' = 'cpu', 'chunk-bytes' = '16384', 'sink.rolling-policy.file-size' = '64kb')");
        tEnv.executeSql("INSERT INTO dst SELECT line FROM src").await();
        List<String> written = new ArrayList<>();
        List<Path> parts;
        try (Stream<Path> files = Files.list(out)) {
            parts = files.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
        for (Path f : parts) {
            assertThat(Files.size(f)).as(f.getFileName().toString()).isLessThanOrEqualTo(64 << 10);
            written.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
        assertThat(parts).as("about 1.2 MB in parts of at most 64 KiB").hasSizeGreaterThanOrEqualTo(19);
        assertThat(written).containsExactlyInAnyOrderElementsOf(text.toString().lines().toList());
    }
}
