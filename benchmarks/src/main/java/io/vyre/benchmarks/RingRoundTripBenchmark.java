package io.vyre.benchmarks;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import java.util.concurrent.TimeUnit;
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
 * Latency of one small op through the ring: publish a slot, a CPU worker claims and runs it, the host
 * sees DONE and takes it. Baseline in the same run: the same op done directly on the control block, the
 * floor any ring hand-over adds to. SampleTime mode gives p50/p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RingRoundTripBenchmark {
    private VyreRuntime rt;
    private Instruction add;

    @Setup(Level.Trial)
    public void setUp() {
        rt = VyreRuntime.open(new VyreRuntimeContext().name("bench-ring").backend(BackendKind.CPU).cpuWorkers(1)
            .lanes(1).ingestBufferBytes(4096).outputRegionWords(16));
        add = Instruction.of(Opcode.ATOMIC_ADD, 256, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rt.close();
    }

    @Benchmark
    public int ringRoundTrip() {
        return rt.execute(add).result();
    }

    @Benchmark
    public int baselineDirectAtomicAdd() {
        return rt.control().buffer().getAndAddInt(1024, 1);
    }
}
