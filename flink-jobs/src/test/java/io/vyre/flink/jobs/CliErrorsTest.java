package io.vyre.flink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.backend.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every user mistake ends with a non-zero exit code and exactly one 'error:' line naming it, no stack trace. */
class CliErrorsTest {
    @TempDir
    Path dir;
    Path input;
    Path patterns;

    @BeforeEach
    void files() throws Exception {
        input = Files.writeString(dir.resolve("in.log"), "some text\n");
        patterns = Files.writeString(dir.resolve("patterns.txt"), "text\n");
    }

    private static void assertOneErrorLine(CliRun run, int exitCode, String... mentions) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        assertThat(run.err().lines().toList()).as("stderr").hasSize(1);
        assertThat(run.err()).startsWith("error: ").contains(mentions).doesNotContain("\tat ", "Exception");
    }

    @Test
    void shouldNameAMissingInput() {
        assertOneErrorLine(CliRun.of("scan", "--input", dir.resolve("nope").toString(), "--patterns", patterns.toString(),
            "--output", dir.resolve("out").toString()), 1, "input not found", "nope");
        assertOneErrorLine(CliRun.of("scan", "--patterns", patterns.toString(), "--output", dir.toString()), 2,
            "no input", "--input");
    }

    @Test
    void shouldNameAnUnreadableOrEmptyPatternsFile() throws Exception {
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", dir.resolve("missing").toString(),
            "--output", dir.resolve("out").toString()), 1, "patterns file not found", "missing");
        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n\r\n\n");
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", blank.toString(),
            "--output", dir.resolve("out").toString()), 1, "has no patterns", "blank.txt");
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", dir.toString(),
            "--output", dir.resolve("out").toString()), 1, "patterns file", dir.toString());
    }

    @Test
    void shouldNameAnOutputFolderThatCannotBeWritten() {
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", patterns.toString(),
            "--output", input.resolve("sub").toString()), 1, "output folder not writable", "in.log");
    }

    @Test
    void shouldRefuseCudaWhereNoGpuAnswers() {
        String reason = Backends.cudaUnavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(reason != null, "a GPU answers here");
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", patterns.toString(),
            "--output", dir.resolve("out").toString(), "--backend", "cuda"), 1, "--backend cuda", "--backend auto");
    }

    @Test
    void shouldExplainBadArguments() {
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--backend", "tpu"), 2, "unknown backend 'tpu'");
        assertOneErrorLine(CliRun.of("scan", "--frobnicate"), 2, "--frobnicate", "--help");
        assertOneErrorLine(CliRun.of(), 2, "no command", "scan");
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", patterns.toString(),
            "--output", dir.toString(), "--checkpoint-interval", "soon"), 2, "'soon' is not a duration");
    }

    @Test
    void shouldShowTheStackTraceOnlyWithVerbose() {
        CliRun run = CliRun.of("scan", "--input", dir.resolve("nope").toString(), "--patterns", patterns.toString(),
            "--output", dir.toString(), "--verbose");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: input not found").contains("\tat ");
    }

    @Test
    void shouldPrintUsageWithHelp() {
        CliRun run = CliRun.of("scan", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--input", "--patterns", "--output", "--backend", "--parallelism",
            "--ignore-case", "--demo");
    }
}
