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

    @Test
    void shouldRefuseContradictoryOrOutOfRangeOptions() {
        assertOneErrorLine(CliRun.of("scan", "--demo", "--input", input.toString()), 2, "--demo generates its own input");
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", patterns.toString(), "--output",
            dir.resolve("out").toString(), "--max-records-per-second", "-5"), 2, "--max-records-per-second");
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", patterns.toString(), "--output",
            dir.resolve("out").toString(), "--lanes", "0"), 2, "--lanes must be in [1, 64]");
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", patterns.toString(), "--output",
            dir.resolve("out").toString(), "--warmup-runs", "-1"), 2, "--warmup-runs must be in [0, 10]");
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", patterns.toString(), "--output",
            dir.resolve("out").toString(), "--chunk-mib", "1000"), 2, "--chunk-mib must be in [1, 256]");
        assertOneErrorLine(CliRun.of("redact", "--input", input.toString(), "--patterns", patterns.toString(), "--output",
            dir.resolve("out").toString(), "--mask", "\u00e9"), 2, "--mask must be one ASCII character");
        assertOneErrorLine(CliRun.of("sql", "--input", input.toString(), "--patterns", patterns.toString(),
            "--parallelism", "0"), 2, "--parallelism must be at least 1");
        assertOneErrorLine(CliRun.of("redact", "--input", dir.resolve("empty-dir").toFile().mkdir() ? dir.resolve(
            "empty-dir").toString() : "x", "--patterns", patterns.toString(), "--output", dir.resolve("out").toString()),
            1, "no files to read");
    }

    @Test
    void shouldRefuseAPatternsFileThatIsReallyAnInput() throws Exception {
        Path huge = dir.resolve("huge.log");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(io.vyre.flink.program.PatternsFile.MAX_BYTES + 1);
        }
        assertOneErrorLine(CliRun.of("scan", "--input", input.toString(), "--patterns", huge.toString(), "--output",
            dir.resolve("out").toString()), 1, "huge.log", "is it the input rather than the patterns?");
    }

    @Test
    void shouldDescribeAFailureByTheMessageThatNamesTheFix() {
        IllegalStateException ours = new IllegalStateException("cannot allocate 8 bytes of direct memory: raise"
            + " taskmanager.memory.task.off-heap.size");
        ours.setStackTrace(new StackTraceElement[] {new StackTraceElement("io.vyre.runtime.memory.NativeMemory",
            "allocate", "NativeMemory.java", 1)});
        OutOfMemoryError jdk = new OutOfMemoryError("Cannot reserve 8 bytes of direct buffer memory");
        jdk.setStackTrace(new StackTraceElement[] {new StackTraceElement("java.nio.Bits", "reserveMemory", "Bits.java",
            1)});
        ours.initCause(jdk);
        RuntimeException flink = new RuntimeException("Job execution failed", new RuntimeException("Recovery is"
            + " suppressed", ours));
        assertThat(VyreJobs.describe(flink)).contains("taskmanager.memory.task.off-heap.size");
        java.nio.file.NoSuchFileException missing = new java.nio.file.NoSuchFileException("/x/y");
        missing.setStackTrace(new StackTraceElement[] {new StackTraceElement("sun.nio.fs.UnixException",
            "translateToIOException", "UnixException.java", 1)});
        RuntimeException flinkWrapper = new RuntimeException("wrapped", missing);
        flinkWrapper.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.apache.flink.Task", "run",
            "Task.java", 1)});
        assertThat(VyreJobs.describe(flinkWrapper)).isEqualTo("NoSuchFileException: /x/y");
        assertThat(VyreJobs.describe(new RuntimeException("first line\nsecond"))).isEqualTo("first line");
    }
}
