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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;
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
 * Multi-pattern scan of the same bytes, one core each: the CPU megakernel (one worker thread, the
 * data already in its ingest buffer: INPUT, MATCH, COUNT through the ring) against robert-bor's
 * org.ahocorasick Trie (the well-known Java library) over the same bytes as a Latin-1 string. Both
 * report every occurrence, overlaps included; the count of matches is returned so neither is dead code.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
public class ScanBenchmark {
    static final int BYTES = 8 << 20;

    @Param({"100", "1000"})
    int patternCount;

    private byte[] data;
    private String text;
    private Trie trie;
    private VyreRuntime rt;
    private LoadedProgram program;
    private Lane lane;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        List<byte[]> patterns = BenchmarkData.patterns(patternCount, 7);
        data = BenchmarkData.logText(BYTES, patterns, 50, 11);
        text = new String(data, StandardCharsets.ISO_8859_1);
        Trie.TrieBuilder builder = Trie.builder();
        for (byte[] p : patterns) {
            builder.addKeyword(new String(p, StandardCharsets.ISO_8859_1));
        }
        trie = builder.build();
        rt = VyreRuntime.open(new VyreRuntimeContext().name("bench-scan").backend(BackendKind.CPU).cpuWorkers(1)
            .lanes(1).ingestBufferBytes(BYTES).outputRegionWords(1 << 16));
        Vir0Program.Builder b = Vir0Program.builder();
        int c = b.constant(new PatternsConstant(patterns, false));
        program = rt.load(b.op(Opcode.INPUT, r(1), r(2)).op(Opcode.MATCH, c, StandardPrograms.NO_LIMIT)
            .op(Opcode.COUNT).build());
        lane = rt.acquireLane();
        lane.ingest().buffer().putBytes(0, data);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rt.close();
    }

    @Benchmark
    public int cpuMegakernel() {
        SlotResult r = rt.call(program, lane.ingestHandle(), BYTES);
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r.detail();
    }

    @Benchmark
    public int ahoCorasickLibrary() {
        int n = 0;
        for (Emit ignored : trie.parseText(text)) {
            n++;
        }
        return n;
    }
}
