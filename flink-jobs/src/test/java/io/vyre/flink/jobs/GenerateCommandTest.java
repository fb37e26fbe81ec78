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
    void shouldRefuseAPatternCountOutsideTheSupportedRange() {
        CliRun run = CliRun.of("generate", "--output", dir.toString(), "--patterns", "0");
        assertThat(run.exitCode()).isEqualTo(VyreJobs.EXIT_USAGE);
        assertThat(run.err()).startsWith("error:").contains("[1, 1048576]");
    }
}
