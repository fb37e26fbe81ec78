package io.vyre.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.backend.BackendKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM whose direct memory is too small for a runtime (a Flink task manager without task off-heap
 * memory) gets an error naming the setting to raise, not an OutOfMemoryError, and keeps running.
 */
class DirectMemoryLimitTest {

    /** Opens a runtime that needs ~40 MiB in a JVM allowed 16 MiB of direct memory. */
    public static void main(String[] args) {
        VyreRuntimeContext ctx = new VyreRuntimeContext().name("too-big").backend(BackendKind.CPU).cpuWorkers(1)
            .lanes(4).ingestBufferBytes(8 << 20).outputRegionWords(1 << 18);
        try (VyreRuntime rt = VyreRuntime.open(ctx)) {
            System.out.println("opened");
        } catch (VyreRuntimeException e) {
            System.out.println("refused: " + e.getMessage());
        }
        // still alive, and the memory of the partly built runtime was given back
        System.out.println("after: " + io.vyre.runtime.memory.NativeMemory.globalOutstandingBytes());
    }

    @Test
    void shouldNameTheSettingToRaiseWhenDirectMemoryRunsOut() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:MaxDirectMemorySize=16m", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), DirectMemoryLimitTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("refused: too-big: cannot allocate", "-XX:MaxDirectMemorySize",
            "taskmanager.memory.task.off-heap.size", "this runtime needs about").contains("after: 0")
            .doesNotContain("OutOfMemoryError");
    }
}
