package io.vyre.runtime.backend.cpu;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralScanner;
import io.vyre.runtime.backend.cpu.vectorscan.Vectorscan;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.program.ProgramTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tenants that load the same literal set (every subtask of a job does) share one compiled form of it. */
class ResidentTablesTest {
    private static final List<byte[]> SET = List.of("foo".getBytes(US_ASCII), "bar".getBytes(US_ASCII));

    @Test
    void shouldCompileAnEqualSetOnceAcrossRuntimesAndKeepItForItsLastHolder() {
        assumeThat(Vectorscan.unavailableReason()).as("Vectorscan is unavailable here").isNull();
        ProgramTable table = new ProgramTable();
        ResidentTables one = new ResidentTables(true);
        ResidentTables two = new ResidentTables(true);  // a second runtime of the same JVM
        LoadedProgram first = table.load(StandardPrograms.scan(SET, false));
        LoadedProgram second = table.load(StandardPrograms.scan(List.of(SET.get(0).clone(), SET.get(1).clone()), false));
        LoadedProgram otherCase = table.load(StandardPrograms.scan(SET, true));
        one.add(first);
        two.add(second);
        one.add(otherCase);
        LiteralDatabase shared = one.database(first.constants().get(0));
        assertThat(shared).isNotNull().isSameAs(two.database(second.constants().get(0)))
            .isNotSameAs(one.database(otherCase.constants().get(0)));

        one.remove(first);
        one.free();  // the first runtime stops: the second still scans with the database
        assertThat(one.database(first.constants().get(0))).isNull();
        assertThat(one.database(otherCase.constants().get(0))).isNull();
        assertThat(two.database(second.constants().get(0))).isSameAs(shared);
        Invocation inv = new Invocation(16, 16);
        try (NativeMemory memory = new NativeMemory(1 << 20); LiteralScanner scanner = new LiteralScanner()) {
            NativeBuffer input = memory.allocate("input", 4096);
            input.buffer().putBytes(0, "xfoobar".getBytes(US_ASCII));
            inv.setInput(input, 1, 7);
            MatchOp.match(scanner, shared, inv, 7);
            assertThat(inv.matchCount).isEqualTo(2);
        }
        two.remove(second);
        two.free();
        assertThat(two.database(second.constants().get(0))).isNull();
    }

    @Test
    void shouldShareTheJavaDfaOfAnEqualSet() {
        ProgramTable table = new ProgramTable();
        ResidentTables tables = new ResidentTables(false);
        LoadedProgram first = table.load(StandardPrograms.scan(SET, false));
        LoadedProgram second = table.load(StandardPrograms.scan(SET, false));
        tables.add(first);
        tables.add(second);
        assertThat(tables.dfa(second.constants().get(0))).isSameAs(tables.dfa(first.constants().get(0)));
        assertThat(tables.database(first.constants().get(0))).isNull();
        tables.free();
    }
}
