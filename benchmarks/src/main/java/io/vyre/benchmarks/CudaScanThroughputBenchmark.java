package io.vyre.benchmarks;

import static io.vyre.runtime.bytecode.Vir0Program.Reg.r;

import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.SlotResult;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GPU machine only. Scan throughput from page-locked memory through the CUDA megakernel: 256 lanes of
 * 1 MiB of log text (256 MiB per op) already in the runtime's page-locked ingest buffers, each scanned by
 * a CALL of INPUT, MATCH (1,000 literal patterns of 8-32 bytes), COUNT. Baseline in the same run:
 * cuMemcpyHtoD of 256 MiB from page-locked memory, in a fork of its own. GB/s = 0.268 / (seconds per op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx4g"})
public class CudaScanThroughputBenchmark {
    static final int LANES = 256;
    static final int LANE_BYTES = 1 << 20;

    @State(Scope.Benchmark)
    public static class Scan {
        /** 0: one block per multiprocessor (the default and the most); 66: half of a 132-SM H100/H200. */
        @Param({"0", "66"})
        int gpuBlocks;

        VyreRuntime rt;
        LoadedProgram program;
        List<Lane> lanes;
        final long[] seqs = new long[LANES];

        @Setup(Level.Trial)
        public void setUp() {
            List<byte[]> patterns = BenchmarkData.patterns(1000, 7);
            byte[] text = BenchmarkData.logText(8 * LANE_BYTES, patterns, 50, 11);
            rt = VyreRuntime.open(new VyreRuntimeContext().name("bench-cuda-scan").backend(BackendKind.CUDA).gpuBlocks(gpuBlocks)
                .ringCapacity(512).lanes(LANES).ingestBufferBytes(LANE_BYTES).outputRegionWords(16)
                .nativeMemoryLimit(2L << 30));
            Vir0Program.Builder b = Vir0Program.builder();
            int c = b.constant(new PatternsConstant(patterns, false));
            program = rt.load(b.op(Opcode.INPUT, r(1), r(2)).op(Opcode.MATCH, c, StandardPrograms.NO_LIMIT)
                .op(Opcode.COUNT).build());
            lanes = rt.lanes();
            for (int i = 0; i < LANES; i++) {
                lanes.get(i).ingest().buffer().putBytes(0, text, (i % 8) * LANE_BYTES, LANE_BYTES);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            rt.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Copy {
        CudaBaseline cuda;
        Pointer host;
        CUdeviceptr device;

        @Setup(Level.Trial)
        public void setUp() {
            cuda = new CudaBaseline();
            host = new Pointer();
            CudaBaseline.check(JCudaDriver.cuMemHostAlloc(host, (long) LANES * LANE_BYTES, 0), "cuMemHostAlloc");
            device = new CUdeviceptr();
            CudaBaseline.check(JCudaDriver.cuMemAlloc(device, (long) LANES * LANE_BYTES), "cuMemAlloc");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            JCudaDriver.cuMemFree(device);
            JCudaDriver.cuMemFreeHost(host);
            cuda.close();
        }
    }

    @Benchmark
    public long megakernelScan256MiB(Scan s) {
        for (int i = 0; i < LANES; i++) {
            s.seqs[i] = s.rt.publishCall(s.program, 0, 0, s.lanes.get(i).ingestHandle(), LANE_BYTES);
        }
        long matches = 0;
        for (long seq : s.seqs) {
            SlotResult r = s.rt.await(seq);
            if (!r.ok()) {
                throw new IllegalStateException(r.describe());
            }
            matches += r.detail();
        }
        return matches;
    }

    @Benchmark
    public int baselineMemcpyHtoD256MiB(Copy s) {
        return JCudaDriver.cuMemcpyHtoD(s.device, s.host, (long) LANES * LANE_BYTES);
    }
}
