package io.vyre.runtime.backend.cpu;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.backend.cpu.vectorscan.Vectorscan;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.program.ProgramTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tenants that load the same literal set (every subtask of a job does) share one compiled form of it. */
class ResidentTablesTest {
    private static final List<byte[]> SET = List.of("foo".getBytes(US_ASCII), "bar".getBytes(US_ASCII));

    @Test
    void shouldCompileAnEqualSetOnceAndFreeItWithItsLastHolder() {
        assumeThat(Vectorscan.unavailableReason()).as("Vectorscan is unavailable here").isNull();
        ProgramTable table = new ProgramTable();
        ResidentTables tables = new ResidentTables(true);
        LoadedProgram first = table.load(StandardPrograms.scan(SET, false));
        LoadedProgram second = table.load(StandardPrograms.scan(List.of(SET.get(0).clone(), SET.get(1).clone()), false));
        LoadedProgram otherCase = table.load(StandardPrograms.scan(SET, true));
        tables.add(first);
        tables.add(second);
        tables.add(otherCase);
        assertThat(tables.databaseCount()).isEqualTo(2);
        assertThat(tables.database(second.constants().get(0))).isSameAs(tables.database(first.constants().get(0)))
            .isNotSameAs(tables.database(otherCase.constants().get(0)));

        tables.remove(first);
        assertThat(tables.database(second.constants().get(0))).isNotNull();
        assertThat(tables.database(first.constants().get(0))).isNull();
        tables.remove(second);
        assertThat(tables.databaseCount()).isEqualTo(1);
        tables.free();
        assertThat(tables.databaseCount()).isZero();
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
    }
}
