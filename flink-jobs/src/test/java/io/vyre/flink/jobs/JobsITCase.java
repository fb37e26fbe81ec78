package io.vyre.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.jobs.scan.DemoData;
import io.vyre.runtime.testing.NaiveScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs run end to end on the embedded cluster, checked against naive references. */
class JobsITCase {
    @TempDir
    Path dir;

    private static List<String> committedLines(Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path f : walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                .sorted().toList()) {
                lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    private static List<String> expectedScan(Path file, List<byte[]> patterns, boolean ignoreCase) throws IOException {
        List<String> lines = new ArrayList<>();
        for (NaiveScan.Match m : NaiveScan.find(Files.readAllBytes(file), patterns, ignoreCase)) {
            lines.add(file.toAbsolutePath() + "\t" + m.offset() + "\t" + m.patternId());
        }
        return lines;
    }

    private static List<byte[]> bytes(String... patterns) {
        List<byte[]> list = new ArrayList<>();
        for (String p : patterns) {
            list.add(p.getBytes(StandardCharsets.UTF_8));
        }
        return list;
    }

    @Test
    void shouldWriteEveryOccurrenceExactlyOnceAcrossChunksFilesAndSubtasks() throws Exception {
        Random rnd = new Random(5);
        Path in = Files.createDirectories(dir.resolve("in/nested"));
        List<Path> files = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            byte[] data = new byte[f == 0 ? (5 << 20) + 123 : 70_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) "abc\n".charAt(rnd.nextInt(4));
            }
            files.add(Files.write((f == 0 ? in : in.getParent()).resolve("part" + f + ".log"), data));
        }
        Files.writeString(in.resolve(".hidden.log"), "aaaa aaaa");
        Path patterns = Files.writeString(dir.resolve("patterns.txt"), "aa\naaa\n\nabca\r\nc\nb\n");
        List<byte[]> ids = bytes("aa", "aaa", "abca", "c", "b");
        Path out = dir.resolve("out");

        CliRun run = CliRun.of("scan", "--input", in.getParent().toString(), "--patterns", patterns.toString(),
            "--output", out.toString(), "--parallelism", "2", "--backend", "cpu");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> expected = new ArrayList<>();
        for (Path f : files) {
            expected.addAll(expectedScan(f, ids, false));
        }
        List<String> got = committedLines(out);
        got.sort(null);
        expected.sort(null);
        assertThat(got).hasSameSizeAs(expected);
        assertThat(got.equals(expected)).as("the committed lines equal the naive scan's").isTrue();
        assertThat(run.out()).contains("matches: " + String.format("%,d", expected.size()), "backend cpu");
        assertThat(run.out()).containsPattern("\\s2\\s+[\\d,]+\\s+abca");
    }

    @Test
    void shouldMatchRegardlessOfCaseWhenAsked() throws Exception {
        Path file = Files.writeString(dir.resolve("mixed.log"), "Error ERROR error eRRoR errors\n");
        Path patterns = Files.writeString(dir.resolve("p.txt"), "error\n");
        Path out = dir.resolve("out");
        CliRun run = CliRun.of("scan", "--input", file.toString(), "--patterns", patterns.toString(), "--output",
            out.toString(), "--ignore-case", "--backend", "cpu", "--parallelism", "1", "--lanes", "2", "--chunk-mib", "1",
            "--warmup-runs", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("the warm-up ran first, into its own folder").contains("warm-up run 1 of 1");
        assertThat(committedLines(out)).containsExactlyInAnyOrderElementsOf(expectedScan(file, bytes("error"), true))
            .hasSize(5);
    }

    @Test
    void shouldRefuseAnOutputFolderInUseUnlessToldToOverwriteOrAppend() throws Exception {
        Path file = Files.writeString(dir.resolve("x.log"), "xx x\n");
        Path patterns = Files.writeString(dir.resolve("p.txt"), "x\n");
        Path out = dir.resolve("out");
        String[] scan = {"scan", "--input", file.toString(), "--patterns", patterns.toString(), "--output", out.toString(),
            "--backend", "cpu"};
        CliRun first = CliRun.of(scan);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(committedLines(out)).hasSize(3);

        CliRun again = CliRun.of(scan);  // a re-run into the same folder used to double every occurrence
        assertThat(again.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(again.err()).contains("already holds").contains("--overwrite").contains("--append");
        assertThat(committedLines(out)).hasSize(3);

        CliRun appended = CliRun.of(with(scan, "--append"));
        assertThat(appended.exitCode()).as(appended.err()).isZero();
        assertThat(appended.out()).as("only what this run wrote is counted").contains("matches: 3 ");
        assertThat(committedLines(out)).hasSize(6);

        Files.writeString(out.resolve("notes.txt"), "the user's own file\n");
        CliRun overwritten = CliRun.of(with(scan, "--overwrite"));
        assertThat(overwritten.exitCode()).as(overwritten.err()).isZero();
        assertThat(committedLines(out)).as("the earlier part files are gone, the user's file stays")
            .containsExactlyInAnyOrderElementsOf(with(expectedScan(file, bytes("x"), false), "the user's own file"));

        CliRun ownInput = CliRun.of("scan", "--input", out.toString(), "--patterns", patterns.toString(), "--output",
            out.toString(), "--backend", "cpu", "--overwrite");
        assertThat(ownInput.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(ownInput.err()).contains("would delete part files of the input");
        assertThat(committedLines(out)).hasSize(4);

        CliRun both = CliRun.of(with(scan, "--overwrite", "--append"));
        assertThat(both.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(both.err()).contains("contradict");
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    private static List<String> with(List<String> lines, String more) {
        List<String> all = new ArrayList<>(lines);
        all.add(more);
        return all;
    }

    @Test
    void shouldRunTheDemoAndReportWhatItFound() throws Exception {
        Path out = dir.resolve("demo-out");
        CliRun run = CliRun.of("scan", "--demo", "--demo-megabytes", "4", "--output", out.toString(), "--backend", "cpu");
        assertThat(run.exitCode()).as(run.err()).isZero();

        Path sample = dir.resolve("sample");
        DemoData.generate(sample, 4L << 20);
        List<byte[]> indicators = new ArrayList<>();
        DemoData.INDICATORS.forEach(s -> indicators.add(s.getBytes(StandardCharsets.US_ASCII)));
        long[] perPattern = new long[indicators.size()];
        long total = 0;
        try (Stream<Path> logs = Files.list(sample)) {
            for (Path f : logs.toList()) {
                for (NaiveScan.Match m : NaiveScan.find(Files.readAllBytes(f), indicators, false)) {
                    perPattern[m.patternId()]++;
                    total++;
                }
            }
        }
        assertThat(committedLines(out)).hasSize((int) total);
        assertThat(run.out()).contains("generated 4 MiB", "scanned 4.0 MiB in 8 files with 10 patterns on backend cpu",
            String.format("matches: %,d", total));
        for (int id = 0; id < indicators.size(); id++) {
            assertThat(run.out()).containsPattern("\\s" + id + "\\s+" + String.format("%,d", perPattern[id])
                + "\\s+" + java.util.regex.Pattern.quote(DemoData.INDICATORS.get(id)));
        }
        assertThat(java.util.Arrays.stream(perPattern).min().getAsLong()).as("every indicator planted").isPositive();
    }

    @Test
    void shouldRedactEveryOccurrenceKeepingEachFilesLinesInOrder() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        StringBuilder text = new StringBuilder();
        Random rnd = new Random(3);
        for (int i = 0; i < 2000; i++) {
            text.append("user=u").append(i).append(rnd.nextBoolean() ? " password=hunter2" : " ok")
                .append(rnd.nextInt(10) == 0 ? " AKIAEXAMPLE" : "").append(" passpassword=\n");
        }
        Files.writeString(in.resolve("app.log"), text);
        String other = "db password=x\nAKIA again\n".repeat(700);
        Files.writeString(Files.createDirectories(in.resolve("db")).resolve("db.log"), other);
        Path patterns = Files.writeString(dir.resolve("secrets.txt"), "password=\nAKIA\nsspa\n");
        Path out = dir.resolve("out");
        CliRun run = CliRun.of("redact", "--input", in.toString(), "--patterns", patterns.toString(), "--output",
            out.toString(), "--backend", "cpu", "--parallelism", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();

        // each input file's lines, redacted and in order, in a folder named after the file
        assertThat(committedLines(out.resolve("in/app.log"))).containsExactlyElementsOf(redacted(text.toString()));
        assertThat(committedLines(out.resolve("in/db/db.log"))).containsExactlyElementsOf(redacted(other));

        // again into the same folder with --overwrite: the earlier run's part files, in their folders, are gone
        CliRun again = CliRun.of("redact", "--input", in.toString(), "--patterns", patterns.toString(), "--output",
            out.toString(), "--backend", "cpu", "--parallelism", "2", "--overwrite");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(committedLines(out.resolve("in/app.log"))).containsExactlyElementsOf(redacted(text.toString()));
        assertThat(committedLines(out.resolve("in/db/db.log"))).containsExactlyElementsOf(redacted(other));
    }

    /** The lines of {@code text} with every password=, AKIA and sspa masked, as the redact job's example does. */
    private static List<String> redacted(String text) {
        byte[] expected = text.getBytes(StandardCharsets.US_ASCII);
        byte[] original = expected.clone();
        for (NaiveScan.Match m : NaiveScan.find(original, bytes("password=", "AKIA", "sspa"), false)) {
            int len = List.of(9, 4, 4).get(m.patternId());
            for (int k = 0; k < len; k++) {
                expected[(int) m.offset() + k] = '*';
            }
        }
        return new String(expected, StandardCharsets.US_ASCII).lines().toList();
    }

    @Test
    void shouldCountPatternsWithTheSqlExample() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.log"), "GET /login\nPOST /login\nGET /\n");
        Files.writeString(in.resolve("b.log"), "GET /health\n");
        Path patterns = Files.writeString(dir.resolve("p.txt"), "GET\nPOST\n");
        CliRun run = CliRun.of("sql", "--input", in.toString(), "--patterns", patterns.toString(), "--backend", "cpu");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("'connector' = 'vyre'", "GROUP BY pattern_id")
            .contains("pattern_id\toccurrences\tfiles\n0\t3\t2\n1\t1\t1\n");
    }

    @Test
    void shouldRunTheStatementsOfASqlFile() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.log"), "GET /login\nPOST /login;x\nGET /\n");
        Path out = dir.resolve("out");
        Path script = Files.writeString(dir.resolve("query.sql"), String.join("\n",
            "-- lines of the logs; a ';' inside a string or a comment does not end a statement",
            "CREATE TABLE logs (path STRING, `offset` BIGINT, line STRING)",
            "  WITH ('connector' = 'vyre', 'path' = '" + in + "', 'backend' = 'cpu');",
            "CREATE TABLE posts (line STRING) WITH ('connector' = 'vyre', 'path' = '" + out + "', 'backend' = 'cpu');",
            "INSERT INTO posts SELECT line FROM logs WHERE line LIKE 'POST%';",
            "SELECT `offset`, line FROM logs WHERE line LIKE '%;%' /* ; */;",
            ""));
        CliRun run = CliRun.of("sql", "-f", script.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("INSERT INTO posts SELECT line FROM logs WHERE line LIKE 'POST%';\n(done)")
            .contains("offset\tline\n11\tPOST /login;x\n");
        assertThat(committedLines(out)).containsExactly("POST /login;x");

        CliRun both = CliRun.of("sql", "-f", script.toString(), "--input", in.toString());
        assertThat(both.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(both.err()).contains("--input and --patterns belong in its CREATE TABLE options");
    }

    @Test
    void shouldFindWhatScanFindsWithTheFlinkPeers() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        java.util.Random random = new java.util.Random(5);
        for (int f = 0; f < 3; f++) {
            StringBuilder text = new StringBuilder();
            while (text.length() < 3_000_000) {
                text.append("ab".charAt(random.nextInt(2))).append(random.nextInt(10) == 0 ? "\n" : "");
                if (random.nextInt(5_000) == 0) {
                    text.append("Needle");
                }
            }
            Files.writeString(in.resolve("f" + f + ".log"), text);
        }
        Path patterns = Files.writeString(dir.resolve("p.txt"), "abab\nbaab\naaaaaa\nneedle\nab\n");
        Path results = dir.resolve("results.tsv");
        List<String> reference = null;
        for (String[] run : List.of(new String[] {"scan", "--backend", "cpu"}, new String[] {"peer", "--engine",
            "vectorscan"}, new String[] {"peer", "--engine", "ahocorasick"})) {
            Path out = dir.resolve("out-" + run[0] + "-" + run[2]);
            List<String> args = new java.util.ArrayList<>(List.of(run));
            args.addAll(List.of("--input", in.toString(), "--patterns", patterns.toString(), "--output", out.toString(),
                "--ignore-case", "--parallelism", "2", "--results", results.toString(), "--label", "test"));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<String> lines = committedLines(out).stream().sorted().toList();
            if (reference == null) {
                reference = lines;
                assertThat(reference).hasSizeGreaterThan(100_000);
            } else {
                assertThat(lines).as(String.join(" ", run) + ": the scan job's output, line for line").isEqualTo(reference);
                assertThat(r.out()).contains("on peer " + run[2] + " (FileSource, FileSink)").contains("cores busy");
            }
        }
        int occurrences = reference.size();
        List<String> rows = Files.readAllLines(results);
        assertThat(rows.get(0)).startsWith("label\tengine\tpatterns");
        assertThat(rows.subList(1, rows.size())).extracting(row -> row.split("\t")[1])
            .containsExactly("vyre-cpu", "flink-vectorscan", "flink-ahocorasick");
        assertThat(rows.subList(1, rows.size())).allSatisfy(row -> assertThat(row.split("\t")[10])
            .isEqualTo(Integer.toString(occurrences)));
    }

    @Test
    void shouldRedactByteExactlyKeepingCarriageReturnsAndBytesThatAreNotUtf8() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            text.writeBytes(("line " + i + " password=hunter2").getBytes(StandardCharsets.US_ASCII));
            if (i % 7 == 0) {
                text.writeBytes(new byte[] {' ', (byte) 0xFF, (byte) 0xC3, ' '});  // not UTF-8
            }
            text.writeBytes(i % 3 == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        }
        byte[] original = text.toByteArray();
        Files.write(in.resolve("crlf.log"), original);
        Path patterns = Files.writeString(dir.resolve("secrets.txt"), "password=\n");
        Path out = dir.resolve("out");
        CliRun run = CliRun.of("redact", "--input", in.toString(), "--patterns", patterns.toString(), "--output",
            out.toString(), "--backend", "cpu", "--parallelism", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();

        byte[] expected = original.clone();
        for (NaiveScan.Match m : NaiveScan.find(original, bytes("password="), false)) {
            java.util.Arrays.fill(expected, (int) m.offset(), (int) m.offset() + 9, (byte) '*');
        }
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        try (var files = Files.list(out.resolve("in/crlf.log"))) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("."))
                .sorted(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString()
                    .substring(p.getFileName().toString().lastIndexOf('-') + 1)))).toList()) {
                written.writeBytes(Files.readAllBytes(f));
            }
        }
        assertThat(written.toByteArray()).as("every byte that is not masked is the input's").isEqualTo(expected);
    }
}
