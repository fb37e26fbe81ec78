package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.program.LoadedProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runtimes on one GPU, as two Flink subtasks of a task manager with one GPU: each loads fresh
 * programs and calls them at once while the other does the same. Every result must equal the CPU
 * megakernel's (a program table entry published too late shows up as UNKNOWN_HANDLE or wrong matches).
 */
class CudaSharedDeviceTest {
    private static final int PROGRAMS = 24;

    @TempDir
    Path dir;

    @Test
    void shouldServeFreshProgramsCorrectlyWhileAnotherRuntimeSharesTheDevice() throws Exception {
        CudaTests.assumeCuda();
        Random rnd = new Random(99);
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + rnd.nextInt(5));
        }
        Path file = Files.write(dir.resolve("shared.bin"), data);
        List<List<byte[]>> patternSets = new ArrayList<>();
        for (int s = 0; s < PROGRAMS; s++) {
            List<byte[]> set = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(40); i < n; i++) {
                byte[] p = new byte[2 + rnd.nextInt(6)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = (byte) ('a' + rnd.nextInt(5));
                }
                set.add(p);
            }
            patternSets.add(set);
        }
        List<List<String>> expected = new ArrayList<>();
        VyreRuntimeContext shape = new VyreRuntimeContext().lanes(2).ingestBufferBytes(1 << 19).outputRegionWords(1 << 19);
        try (VyreRuntime cpu = VyreRuntime.open(shape.name("shared-cpu").backend(BackendKind.CPU))) {
            int h = cpu.registerFileForRead(file);
            for (List<byte[]> set : patternSets) {
                expected.add(CudaDifferentialTest.run(cpu, cpu.load(StandardPrograms.scan(set, false)),
                    new int[] {h, 0, 0, data.length, 0, StandardPrograms.NO_LIMIT, 0}, false));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (VyreRuntime a = openCuda("shared-cuda-a"); VyreRuntime b = openCuda("shared-cuda-b")) {
            List<Future<?>> runs = new ArrayList<>();
            for (VyreRuntime rt : List.of(a, b)) {
                runs.add(pool.submit(() -> {
                    int h = rt.registerFileForRead(file);
                    for (int s = 0; s < PROGRAMS; s++) {
                        LoadedProgram p = rt.load(StandardPrograms.scan(patternSets.get(s), false));
                        List<String> got = CudaDifferentialTest.run(rt, p,
                            new int[] {h, 0, 0, data.length, 0, StandardPrograms.NO_LIMIT, 0}, false);
                        assertThat(got).as("%s, program %d", rt.context().name(), s).isEqualTo(expected.get(s));
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(5, TimeUnit.MINUTES);
            }
            // one subtask ends (or fails over) while the other goes on: closing must not wait for the other
            // kernel, and the other runtime must keep working
            assertTimeoutPreemptively(Duration.ofSeconds(30), b::close);
            int h = a.registerFileForRead(file);
            LoadedProgram p = a.load(StandardPrograms.scan(patternSets.get(0), false));
            assertThat(CudaDifferentialTest.run(a, p, new int[] {h, 0, 0, data.length, 0, StandardPrograms.NO_LIMIT, 0},
                false)).isEqualTo(expected.get(0));
            assertTimeoutPreemptively(Duration.ofSeconds(30), a::close);
        } finally {
            pool.shutdownNow();
        }
    }

    private static VyreRuntime openCuda(String name) {
        return VyreRuntime.open(new VyreRuntimeContext().name(name).backend(BackendKind.CUDA).lanes(2)
            .ingestBufferBytes(1 << 19).outputRegionWords(1 << 19).gpuBlocks(16));
    }
}
