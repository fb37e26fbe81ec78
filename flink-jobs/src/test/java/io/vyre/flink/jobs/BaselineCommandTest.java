package io.vyre.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.backend.cpu.vectorscan.Vectorscan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baseline}: Vectorscan on its own counts every occurrence once, also those that straddle its chunks,
 * whatever the thread count.
 */
class BaselineCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldCountEveryOccurrenceOnceAcrossChunksAndThreads() throws Exception {
        assumeThat(Vectorscan.unavailableReason()).as("Vectorscan is unavailable here").isNull();
        Random rnd = new Random(11);
        List<String> patterns = List.of("ab", "abab", "bba", "aaaaaaa");
        Files.write(dir.resolve("patterns.txt"), patterns, StandardCharsets.US_ASCII);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        long expected = 0;
        for (int f = 0; f < 3; f++) {
            byte[] data = new byte[(3 << 20) + rnd.nextInt(1 << 20)];  // each file spans chunks of 1 MiB
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (rnd.nextInt(3) == 0 ? 'b' : 'a');
            }
            Files.write(logs.resolve("log-" + f), data);
            String text = new String(data, StandardCharsets.US_ASCII);
            for (String p : patterns) {
                for (int at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) {
                    expected++;
                }
            }
        }
        for (String threads : List.of("1", "3")) {
            CliRun run = CliRun.of("baseline", "--input", logs.toString(), "--patterns",
                dir.resolve("patterns.txt").toString(), "--threads", threads, "--chunk-mib", "1");
            assertThat(run.exitCode()).as(run.err()).isZero();
            Matcher m = Pattern.compile("on " + threads + " threads read and scanned .* ([0-9,]+) occurrences")
                .matcher(run.out());
            assertThat(m.find()).as(run.out()).isTrue();
            assertThat(Long.parseLong(m.group(1).replace(",", ""))).isEqualTo(expected);
        }
    }

    @Test
    void shouldMeasureReadingAloneIntoTheResultsFile() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.write(logs.resolve("a"), new byte[3 << 20]);
        Files.write(logs.resolve("b"), new byte[1 << 20]);
        Path results = dir.resolve("results.tsv");
        CliRun run = CliRun.of("baseline", "--read-only", "--input", logs.toString(), "--threads", "2", "--chunk-mib", "1",
            "--results", results.toString(), "--label", "four MiB");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("read only: 2 threads read 0\\.00 GiB in .* s").contains("cores busy");
        List<String> rows = Files.readAllLines(results);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).split("\t")).startsWith("four MiB", "page-cache-read", "0", "false", "2",
            Long.toString(4L << 20));
    }
}
