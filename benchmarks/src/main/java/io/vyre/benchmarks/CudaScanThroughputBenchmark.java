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
 * GPU machine only. Scan throughput of the CUDA megakernel over 256 MiB of log text per op, with literal
 * pattern sets of 8-32 bytes, against cuMemcpyHtoD of 256 MiB from page-locked memory (the link's limit)
 * in a fork of its own.
 * <ul>
 *   <li>{@code streamingScan256MiB}: the data starts in page-locked host memory; each lane (1 MiB or 4 MiB, the
 *   connector's default chunk) is staged (copy engine into device memory) and scanned by a CALL of INPUT,
 *   MATCH, COUNT, all in flight at once, so copies and scans overlap. GB/s = 0.268 / (seconds per op).</li>
 *   <li>{@code deviceResidentScan256MiB}: 16 lanes of 16 MiB staged once per op, then scanned
 *   {@code scansPerCopy} times by one program (INPUT, then that many MATCHes): with 1 and 33 in the same
 *   run, 32 x 0.268 GB / (t33 - t1) is the scan rate from device memory, the copy cancelled out.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx6g"})
public class CudaScanThroughputBenchmark {
    static final long TOTAL_BYTES = 256L << 20;

    /** A runtime whose lanes hold 256 MiB of log text with planted patterns. */
    abstract static class Lanes {
        VyreRuntime rt;
        List<Lane> lanes;
        LoadedProgram program;
        long[] seqs;
        int bytesPerLane;

        void open(String name, int lanes, int laneBytes, int patternCount, int scans) {
            bytesPerLane = laneBytes;
            List<byte[]> patterns = BenchmarkData.patterns(patternCount, 7);
            byte[] text = BenchmarkData.logText(8 << 20, patterns, 50, 11);
            rt = VyreRuntime.open(new VyreRuntimeContext().name(name).backend(BackendKind.CUDA).ringCapacity(512)
                .lanes(lanes).ingestBufferBytes(laneBytes).outputRegionWords(16).nativeMemoryLimit(2L << 30)
                .deviceArenaBytes(1L << 30));
            Vir0Program.Builder b = Vir0Program.builder();
            int c = b.constant(new PatternsConstant(patterns, false));
            b.op(Opcode.INPUT, r(1), r(2));
            for (int i = 0; i < scans; i++) {
                b.op(Opcode.MATCH, c, StandardPrograms.NO_LIMIT);
            }
            program = rt.load(b.op(Opcode.COUNT).build());
            this.lanes = rt.lanes();
            seqs = new long[lanes];
            for (Lane lane : this.lanes) {
                for (int at = 0; at < laneBytes; at += text.length) {
                    lane.ingest().buffer().putBytes(at, text, 0, Math.min(text.length, laneBytes - at));
                }
            }
        }

        /** Stages every lane, publishes one CALL per lane, waits for all; returns the matches found. */
        long scanAll() {
            for (int i = 0; i < lanes.size(); i++) {
                Lane lane = lanes.get(i);
                rt.stageInput(lane, bytesPerLane);
                seqs[i] = rt.publishCall(program, 0, 0, lane.ingestHandle(), bytesPerLane);
            }
            long matches = 0;
            for (long seq : seqs) {
                SlotResult r = rt.await(seq);
                if (!r.ok()) {
                    throw new IllegalStateException(r.describe());
                }
                matches += r.detail();
            }
            return matches;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            rt.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Streaming extends Lanes {
        @Param({"1000", "10000"})
        int patterns;

        @Param({"1048576", "4194304"})
        int laneBytes;

        @Setup(Level.Trial)
        public void setUp() {
            open("bench-cuda-stream", (int) (TOTAL_BYTES / laneBytes), laneBytes, patterns, 1);
        }
    }

    @State(Scope.Benchmark)
    public static class Resident extends Lanes {
        static final int LANES = 16;
        static final int LANE_BYTES = (int) (TOTAL_BYTES / LANES);

        @Param({"1000", "10000", "100000"})
        int patterns;

        @Param({"1", "33"})
        int scansPerCopy;

        @Setup(Level.Trial)
        public void setUp() {
            open("bench-cuda-resident", LANES, LANE_BYTES, patterns, scansPerCopy);
        }
    }

    @State(Scope.Benchmark)
    public static class Copy {
        CudaBaseline cuda;
        Pointer host;
        CUdeviceptr device;
        CUdeviceptr device2;

        @Setup(Level.Trial)
        public void setUp() {
            cuda = new CudaBaseline();
            host = new Pointer();
            CudaBaseline.check(JCudaDriver.cuMemHostAlloc(host, TOTAL_BYTES, 0), "cuMemHostAlloc");
            device = new CUdeviceptr();
            CudaBaseline.check(JCudaDriver.cuMemAlloc(device, TOTAL_BYTES), "cuMemAlloc");
            device2 = new CUdeviceptr();
            CudaBaseline.check(JCudaDriver.cuMemAlloc(device2, TOTAL_BYTES), "cuMemAlloc");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            JCudaDriver.cuMemFree(device2);
            JCudaDriver.cuMemFree(device);
            JCudaDriver.cuMemFreeHost(host);
            cuda.close();
        }
    }

    @Benchmark
    public long streamingScan256MiB(Streaming s) {
        return s.scanAll();
    }

    @Benchmark
    public long deviceResidentScan256MiB(Resident s) {
        return s.scanAll();
    }

    @Benchmark
    public int baselineMemcpyHtoD256MiB(Copy s) {
        return JCudaDriver.cuMemcpyHtoD(s.device, s.host, TOTAL_BYTES);
    }

    /** Device memory to device memory (HBM read and write): what a scan of resident data could at most stream. */
    @Benchmark
    public int baselineMemcpyDtoD256MiB(Copy s) {
        JCudaDriver.cuMemcpyDtoD(s.device2, s.device, TOTAL_BYTES);
        return JCudaDriver.cuCtxSynchronize();
    }
}
