package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.testing.RuntimeThreads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 100 open/use/close cycles on the GPU: device memory, pinned memory and threads all come back. */
class CudaLifecycleTest {
    @TempDir
    Path dir;

    private static long freeDeviceBytes() {
        CUdevice dev = new CUdevice();
        JCudaDriver.cuDeviceGet(dev, 0);
        CUcontext ctx = new CUcontext();
        JCudaDriver.cuCtxCreate(ctx, 0, dev);
        long[] free = {0};
        long[] total = {0};
        JCudaDriver.cuMemGetInfo(free, total);
        JCudaDriver.cuCtxDestroy(ctx);
        return free[0];
    }

    @Test
    void shouldReleaseEverythingOverOneHundredCycles() throws Exception {
        CudaTests.assumeCuda();
        Path f = dir.resolve("f.txt");
        Files.writeString(f, "the needle and another needle and a third needle");
        long hostBefore = NativeMemory.globalOutstandingBytes();
        long deviceBefore = freeDeviceBytes();
        for (int cycle = 0; cycle < 100; cycle++) {
            try (VyreRuntime rt = VyreRuntime.open(new VyreRuntimeContext().name("cycle").backend(BackendKind.CUDA)
                .gpuBlocks(8).lanes(2).ingestBufferBytes(1 << 16).outputRegionWords(1 << 10))) {
                LoadedProgram scan = rt.load(StandardPrograms.scan(List.of("needle".getBytes(StandardCharsets.US_ASCII)), false));
                int h = rt.registerFileForRead(f);
                Lane lane = rt.acquireLane();
                lane.output().reset();
                assertThat(rt.call(scan, h, 0, 0, (int) Files.size(f), lane.ingestHandle(), StandardPrograms.NO_LIMIT,
                    lane.output().handle()).result()).isEqualTo(3);
            }
            assertThat(NativeMemory.globalOutstandingBytes()).as("pinned bytes after cycle %d", cycle).isEqualTo(hostBefore);
            assertThat(RuntimeThreads.alive()).as("threads after cycle %d", cycle).isEmpty();
        }
        long deviceAfter = freeDeviceBytes();
        assertThat(deviceBefore - deviceAfter).as("device bytes not given back after 100 cycles").isLessThan(64L << 20);
    }
}
