package io.vyre.benchmarks;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import java.util.concurrent.TimeUnit;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GPU machine only. Latency of one small op through the CUDA megakernel's ring (publish, the
 * scheduler warp sees the doorbell, a worker block runs it, DONE comes back), against the baseline of one
 * cuLaunchKernel + cuStreamSynchronize per op. Each benchmark runs in its own fork, so the persistent
 * kernel never shares the GPU with the baseline's launches.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CudaRingRoundTripBenchmark {

    @State(Scope.Benchmark)
    public static class Ring {
        VyreRuntime rt;
        final Instruction add = Instruction.of(Opcode.ATOMIC_ADD, 256, 1);

        @Setup(Level.Trial)
        public void setUp() {
            rt = VyreRuntime.open(new VyreRuntimeContext().name("bench-cuda-ring").backend(BackendKind.CUDA).lanes(1)
                .ingestBufferBytes(4096).outputRegionWords(16));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            rt.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Launch {
        CudaBaseline cuda;
        CUfunction op;
        CUstream stream;
        CUdeviceptr word;
        Pointer params;

        @Setup(Level.Trial)
        public void setUp() {
            cuda = new CudaBaseline();
            op = cuda.function("vyre_single_op");
            stream = new CUstream();
            JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
            word = new CUdeviceptr();
            JCudaDriver.cuMemAlloc(word, 4);
            params = Pointer.to(Pointer.to(word), Pointer.to(new int[] {1}));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            JCudaDriver.cuMemFree(word);
            JCudaDriver.cuStreamDestroy(stream);
            cuda.close();
        }
    }

    @Benchmark
    public int megakernelRingRoundTrip(Ring s) {
        return s.rt.execute(s.add).result();
    }

    @Benchmark
    public int baselineLaunchAndSynchronizePerOp(Launch s) {
        JCudaDriver.cuLaunchKernel(s.op, 1, 1, 1, 32, 1, 1, 0, s.stream, s.params, null);
        return JCudaDriver.cuStreamSynchronize(s.stream);
    }
}
