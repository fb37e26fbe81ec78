package io.vyre.benchmarks;

import static io.vyre.runtime.bytecode.Vir0Program.Reg.r;

import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.MatchEngine;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralScanner;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.memory.NativeMemory;
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
 * Multi-pattern scan of the same 8 MiB of log text, one core each, every occurrence reported (overlaps
 * included), the count returned so nothing is dead code:
 * <ul>
 *   <li>{@code cpuMegakernel}: the CPU megakernel (one worker, the data already in its ingest buffer: INPUT,
 *   MATCH, COUNT through the ring), MATCH on the Java DFA or on Vectorscan;</li>
 *   <li>{@code vectorscanLibrary}: Vectorscan called directly on the same bytes (no ring, no runtime): the
 *   ceiling for the megakernel's Vectorscan engine;</li>
 *   <li>{@code ahoCorasickLibrary}: robert-bor's org.ahocorasick Trie over the bytes as a Latin-1 string, the
 *   common Java choice.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
public class ScanBenchmark {
    static final int BYTES = 8 << 20;

    @State(Scope.Benchmark)
    public static class Megakernel {
        @Param({"100", "1000"})
        int patternCount;

        @Param({"JAVA_DFA", "VECTORSCAN"})
        MatchEngine engine;

        VyreRuntime rt;
        LoadedProgram program;
        Lane lane;

        @Setup(Level.Trial)
        public void setUp() throws InterruptedException {
            List<byte[]> patterns = BenchmarkData.patterns(patternCount, 7);
            byte[] data = BenchmarkData.logText(BYTES, patterns, 50, 11);
            rt = VyreRuntime.open(new VyreRuntimeContext().name("bench-scan").backend(BackendKind.CPU).cpuWorkers(1)
                .cpuMatchEngine(engine).lanes(1).ingestBufferBytes(BYTES).outputRegionWords(1 << 16));
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
    }

    @State(Scope.Benchmark)
    public static class Libraries {
        @Param({"100", "1000"})
        int patternCount;

        String text;
        Trie trie;
        NativeMemory memory;
        NativeBuffer bytes;
        LiteralDatabase database;
        LiteralScanner scanner;
        int found;

        @Setup(Level.Trial)
        public void setUp() {
            List<byte[]> patterns = BenchmarkData.patterns(patternCount, 7);
            byte[] data = BenchmarkData.logText(BYTES, patterns, 50, 11);
            text = new String(data, StandardCharsets.ISO_8859_1);
            Trie.TrieBuilder builder = Trie.builder();
            for (byte[] p : patterns) {
                builder.addKeyword(new String(p, StandardCharsets.ISO_8859_1));
            }
            trie = builder.build();
            memory = new NativeMemory(1L << 30);
            bytes = memory.allocate("text", BYTES);
            bytes.buffer().putBytes(0, data);
            database = LiteralDatabase.compile(patterns, false);
            scanner = new LiteralScanner();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scanner.close();
            database.free();
            memory.close();
        }
    }

    @Benchmark
    public int cpuMegakernel(Megakernel s) {
        SlotResult r = s.rt.call(s.program, s.lane.ingestHandle(), BYTES);
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r.detail();
    }

    @Benchmark
    public int vectorscanLibrary(Libraries s) {
        s.found = 0;
        s.scanner.scan(s.database, s.bytes.address(), BYTES, Long.MAX_VALUE, (start, id, length) -> {
            s.found++;
            return true;
        });
        return s.found;
    }

    @Benchmark
    public int ahoCorasickLibrary(Libraries s) {
        int n = 0;
        for (Emit ignored : s.trie.parseText(s.text)) {
            n++;
        }
        return n;
    }
}
