package io.vyre.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate}: seeded benchmark data, the same bytes for the same arguments. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheSameLogsAndPatternsForTheSameArguments() throws Exception {
        CliRun first = CliRun.of("generate", "--output", dir.resolve("a").toString(), "--megabytes", "2", "--patterns",
            "10,300");
        CliRun second = CliRun.of("generate", "--output", dir.resolve("b").toString(), "--megabytes", "2", "--patterns",
            "10,300");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        List<String> patterns = Files.readAllLines(dir.resolve("a/patterns-300.txt"), StandardCharsets.US_ASCII);
        assertThat(patterns).hasSize(300).doesNotHaveDuplicates()
            .startsWith(Files.readAllLines(dir.resolve("a/patterns-10.txt")).toArray(String[]::new));
        long bytes = 0;
        try (Stream<Path> logs = Files.list(dir.resolve("a/logs"))) {
            for (Path log : logs.toList()) {
                assertThat(Files.mismatch(log, dir.resolve("b/logs").resolve(log.getFileName()))).isEqualTo(-1L);
                bytes += Files.size(log);
            }
        }
        assertThat(bytes).isBetween(2L << 20, (2L << 20) + 8 * 512);
        assertThat(new HashSet<>(Files.readAllLines(dir.resolve("b/patterns-300.txt")))).containsAll(patterns);
    }

    @Test
    void shouldWriteAFeedOfIndicatorsOfEveryKindNoneOfWhichOccursInTheLogs() throws Exception {
        CliRun run = CliRun.of("generate", "--output", dir.toString(), "--megabytes", "2", "--patterns",
            "10,feed-2000");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> feed = Files.readAllLines(dir.resolve("patterns-feed-2000.txt"), StandardCharsets.US_ASCII);
        assertThat(feed).hasSize(2000).doesNotHaveDuplicates()
            .startsWith(Files.readAllLines(dir.resolve("patterns-10.txt")).toArray(String[]::new));
        List<String> added = feed.subList(10, feed.size());
        assertThat(added.stream().filter(p -> p.matches("\\d{1,3}(\\.\\d{1,3}){3}")).count()).isBetween(600L, 1000L);
        assertThat(added.stream().filter(p -> p.matches("[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}")).count())
            .isBetween(250L, 550L);
        assertThat(added.stream().filter(p -> p.startsWith("http://")).count()).isBetween(100L, 300L);
        assertThat(added.stream().filter(p -> p.matches("[a-z0-9-]+\\.[a-z]{2,4}")).count()).isBetween(400L, 800L);
        String text = logsText();
        assertThat(added.stream().filter(text::contains).toList()).isEmpty();
        assertThat(feed.subList(0, 10).stream().filter(text::contains).count()).isEqualTo(10L);
    }

    @Test
    void shouldRefuseAPatternsEntryThatIsNotACountOrAFeed() {
        CliRun run = CliRun.of("generate", "--output", dir.toString(), "--patterns", "10,feeds-100");
        assertThat(run.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(run.err()).startsWith("error:").contains("N, feed-N or dense-N").contains("feeds-100");
        for (String notAFileName : new String[] {"+10", "010", "feed-", "dense-"}) {
            CliRun odd = CliRun.of("generate", "--output", dir.toString(), "--patterns", notAFileName);
            assertThat(odd.exitCode()).as(notAFileName).isEqualTo(VyreJobs.EXIT_USAGE);
            assertThat(odd.err()).contains("N, feed-N or dense-N").contains("'" + notAFileName + "'");
        }
        CliRun zero = CliRun.of("generate", "--output", dir.toString(), "--patterns", "feed-0");
        assertThat(zero.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(zero.err()).contains("[1, 1048576]").contains("'feed-0'");
    }

    @Test
    void shouldWriteADenseSetWhoseFrequentWordsOccurAboutOncePerHundredBytes() throws Exception {
        CliRun run = CliRun.of("generate", "--output", dir.toString(), "--megabytes", "2", "--patterns",
            "1000,dense-1000");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> dense = Files.readAllLines(dir.resolve("patterns-dense-1000.txt"), StandardCharsets.US_ASCII);
        List<String> decoys = Files.readAllLines(dir.resolve("patterns-1000.txt"), StandardCharsets.US_ASCII);
        assertThat(dense).hasSize(1000).doesNotHaveDuplicates().startsWith(decoys.subList(0, 10).toArray(String[]::new));
        assertThat(dense.subList(10, 16)).containsExactly("HTTP/1.1", "publickey", "web-01", "/login", "upstream",
            "cache miss");
        String text = logsText();
        assertThat(dense.subList(16, dense.size()).stream().filter(text::contains).toList())
            .as("the decoys after the frequent words").isEmpty();
        long frequent = dense.subList(10, 16).stream().mapToLong(w -> occurrences(text, w)).sum();
        assertThat(text.length() / (double) frequent).as("bytes per occurrence of the frequent words")
            .isBetween(80.0, 130.0);
    }

    @Test
    void shouldRefuseADenseSetWithoutRoomForItsFrequentWords() {
        CliRun run = CliRun.of("generate", "--output", dir.toString(), "--patterns", "dense-15");
        assertThat(run.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(run.err()).contains("[16, 1048576] for a dense set").contains("'dense-15'");
    }

    /** All the generated log files' text, one after another. */
    private String logsText() throws Exception {
        StringBuilder logs = new StringBuilder();
        try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
            for (Path log : files.toList()) {
                logs.append(Files.readString(log, StandardCharsets.US_ASCII));
            }
        }
        return logs.toString();
    }

    private static long occurrences(String text, String word) {
        long n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void shouldRefuseAPatternCountOutsideTheSupportedRange() {
        CliRun run = CliRun.of("generate", "--output", dir.toString(), "--patterns", "0");
        assertThat(run.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(run.err()).startsWith("error:").contains("[1, 1048576]");
    }
}
