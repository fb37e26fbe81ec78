package io.vyre.runtime.backend.cuda;

import static io.vyre.runtime.bytecode.Vir0Program.Reg.r;
import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.ExprConstant;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.SlotResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random data, random pattern sets: the CUDA megakernel must produce byte-identical results to the CPU
 * megakernel (the reference), for scans across random ranges and for framed, filtered, hashed records.
 */
class CudaDifferentialTest {
    private static VyreRuntime cpu;
    private static VyreRuntime cuda;

    @TempDir
    static Path dir;

    @BeforeAll
    static void open() {
        CudaTests.assumeCuda();
        VyreRuntimeContext base = new VyreRuntimeContext().lanes(2).ingestBufferBytes(1 << 20).outputRegionWords(1 << 20);
        cpu = VyreRuntime.open(base.name("diff-cpu").backend(BackendKind.CPU));
        cuda = VyreRuntime.open(new VyreRuntimeContext().name("diff-cuda").backend(BackendKind.CUDA).lanes(2)
            .ingestBufferBytes(1 << 20).outputRegionWords(1 << 20));
    }

    @AfterAll
    static void close() {
        if (cuda != null) {
            cuda.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    static List<String> run(VyreRuntime rt, LoadedProgram p, int[] params, boolean records) throws Exception {
        Lane lane = rt.acquireLane();
        try {
            lane.output().reset();
            int[] args = params.clone();
            args[4] = lane.ingestHandle();
            args[6] = lane.output().handle();
            SlotResult r = rt.call(p, args);
            List<String> out = new ArrayList<>();
            out.add("result " + r.ok() + " " + r.errorWord() + " " + r.result() + " " + r.detail());
            if (records) {
                lane.output().forEachRecord((o, l, v) -> out.add(o + ":" + l + ":" + v));
            } else {
                List<String> matches = new ArrayList<>();
                lane.output().forEachMatch((o, id) -> matches.add(String.format("%010d:%d", o, id)));
                matches.sort(null);
                out.addAll(matches);
            }
            return out;
        } finally {
            rt.releaseLane(lane);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void scansAreIdentical(long seed) throws Exception {
        Random rnd = new Random(seed);
        int alphabet = 2 + rnd.nextInt(20);
        byte[] data = new byte[1 + rnd.nextInt(1 << 20)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + rnd.nextInt(alphabet));
        }
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0, n = 1 + rnd.nextInt(300); i < n; i++) {
            byte[] p = new byte[1 + rnd.nextInt(12)];
            for (int k = 0; k < p.length; k++) {
                p[k] = (byte) ('a' + rnd.nextInt(alphabet));
            }
            patterns.add(p);
        }
        boolean ignoreCase = rnd.nextBoolean();
        Path f = dir.resolve("scan-" + seed);
        Files.write(f, data);
        LoadedProgram pc = cpu.load(StandardPrograms.scan(patterns, ignoreCase));
        LoadedProgram pg = cuda.load(StandardPrograms.scan(patterns, ignoreCase));
        int hc = cpu.registerFileForRead(f);
        int hg = cuda.registerFileForRead(f);
        for (int round = 0; round < 5; round++) {
            int start = rnd.nextInt(data.length);
            int length = 1 + rnd.nextInt(data.length - start);
            int limit = rnd.nextBoolean() ? StandardPrograms.NO_LIMIT : rnd.nextInt(length + 1);
            int[] c = {hc, start, 0, length, 0, limit, 0};
            int[] g = {hg, start, 0, length, 0, limit, 0};
            assertThat(run(cuda, pg, g, false)).as("seed %d round %d", seed, round).isEqualTo(run(cpu, pc, c, false));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14})
    void framedFilteredHashedRecordsAreIdentical(long seed) throws Exception {
        Random rnd = new Random(seed);
        StringBuilder text = new StringBuilder();
        while (text.length() < 300_000) {
            int n = rnd.nextInt(80);
            for (int i = 0; i < n; i++) {
                text.append((char) ('a' + rnd.nextInt(6)));
            }
            text.append(rnd.nextInt(10) == 0 ? "ERROR" : "").append('\n');
        }
        byte[] data = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path f = dir.resolve("lines-" + seed);
        Files.write(f, data);
        Expr errors = Expr.builder().record(0).test(ExprOp.CONTAINS, 1, 0, "ERROR".getBytes()).length(2, 0)
            .constInt(3, 40).op(ExprOp.GT, 4, 2, 3).op(ExprOp.OR, 5, 1, 4).ret(5).build();
        Expr fieldLen = Expr.builder().record(0).field(1, 0, (byte) 'a', 2).length(2, 1).ret(2).build();
        List<Vir0Program> programs = new ArrayList<>();
        for (int flags : new int[] {0, 1, 2, 3, 4, 5, 6, 7}) {
            Vir0Program.Builder b = Vir0Program.builder();
            int filter = b.constant(new ExprConstant(errors));
            int project = b.constant(new ExprConstant(fieldLen));
            programs.add(b.op(Opcode.LOAD_MISS, r(1), r(2), r(3), r(4), r(5)).op(Opcode.FRAME_DELIM, 10, r(6), flags)
                .op(Opcode.FILTER, filter).op(Opcode.PROJECT, project).op(Opcode.EMIT_RECORDS, r(7)).build());
        }
        Vir0Program.Builder hb = Vir0Program.builder();
        hb.constant(new PatternsConstant(List.of("ab".getBytes()), false));
        programs.add(hb.op(Opcode.LOAD_MISS, r(1), r(2), r(3), r(4), r(5)).op(Opcode.FRAME_FIXED, 37, r(6), 2)
            .op(Opcode.HASH, 99).op(Opcode.EMIT_RECORDS, r(7)).build());
        int hc = cpu.registerFileForRead(f);
        int hg = cuda.registerFileForRead(f);
        for (Vir0Program program : programs) {
            LoadedProgram pc = cpu.load(program);
            LoadedProgram pg = cuda.load(program);
            for (int round = 0; round < 3; round++) {
                int start = rnd.nextInt(data.length);
                int length = 1 + rnd.nextInt(Math.min(data.length - start, 1 << 20));
                int own = rnd.nextBoolean() ? StandardPrograms.NO_LIMIT : rnd.nextInt(length + 1);
                int[] c = {hc, start, 0, length, 0, own, 0};
                int[] g = {hg, start, 0, length, 0, own, 0};
                assertThat(run(cuda, pg, g, true)).as("program %s round %d", program.ops(), round)
                    .isEqualTo(run(cpu, pc, c, true));
            }
        }
    }
}
