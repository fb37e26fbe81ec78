package io.vyre.flink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command as a user types it: {@code java -jar vyre-flink-jobs-embedded.jar scan --demo} on a
 * plain JVM (no flags: the jar's manifest adds what Flink and the runtime need), running on its embedded cluster.
 */
class RunnableJarITCase {
    @TempDir
    Path work;

    @Test
    void shouldRunTheDemoScanWithAPlainJavaDashJar() throws Exception {
        Path jar = Path.of(System.getProperty("vyre.jobs.embedded.jar"));
        assertThat(jar).as("the runnable jar (built by flink-jobs-embedded)").exists();
        Path log = work.resolve("run.out");
        Process p = new ProcessBuilder(StandaloneCluster.java(), "-Djava.io.tmpdir=" + work, "-jar", jar.toString(),
            "scan", "--demo", "--demo-megabytes", "8", "--backend", "cpu", "--parallelism", "2")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("the demo's summary: the planted indicators found").contains("mimikatz")
            .contains("/etc/passwd").doesNotContain("error:");
    }
}
