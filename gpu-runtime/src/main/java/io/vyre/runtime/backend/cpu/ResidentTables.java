package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.program.ResidentConstant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CPU megakernel's resident forms of loaded programs and pattern tables: the Java DFA of every literal
 * set and, when MATCH runs on Vectorscan, its compiled database (a set Vectorscan's literal API refuses, one
 * with a literal starting with NUL, keeps the Java DFA). A database of an unloaded program is kept until
 * the kernel stops (a worker may be scanning with it), then freed.
 */
final class ResidentTables {
    private final boolean vectorscan;
    private final Map<Integer, CpuProgram> programs = new ConcurrentHashMap<>();
    private final Map<Integer, CpuDfa> dfas = new ConcurrentHashMap<>();
    private final Map<Integer, LiteralDatabase> databases = new ConcurrentHashMap<>();
    private final List<LiteralDatabase> retired = new ArrayList<>();

    /** @param vectorscan whether MATCH runs on Vectorscan (databases are compiled as programs load) */
    ResidentTables(boolean vectorscan) {
        this.vectorscan = vectorscan;
    }

    void add(LoadedProgram program) {
        programs.put(program.handle(), new CpuProgram(program));
        for (ResidentConstant c : program.constants()) {
            if (c.dfa() != null) {
                dfas.put(c.handle(), new CpuDfa(c.dfa()));
                List<byte[]> literals = c.patterns().patternsUnsafe();
                if (vectorscan && LiteralDatabase.accepts(literals)) {
                    databases.put(c.handle(), LiteralDatabase.compile(literals, c.patterns().ignoreCase()));
                }
            }
        }
    }

    void remove(LoadedProgram program) {
        programs.remove(program.handle());
        for (ResidentConstant c : program.constants()) {
            dfas.remove(c.handle());
            LiteralDatabase d = databases.remove(c.handle());
            if (d != null) {
                synchronized (retired) {
                    retired.add(d);
                }
            }
        }
    }

    CpuProgram program(int handle) {
        return programs.get(handle);
    }

    CpuDfa dfa(ResidentConstant constant) {
        CpuDfa dfa = dfas.get(constant.handle());
        return dfa != null ? dfa : dfas.computeIfAbsent(constant.handle(), h -> new CpuDfa(constant.dfa()));
    }

    /** The constant's Vectorscan database, or null when MATCH runs on the Java DFA. */
    LiteralDatabase database(ResidentConstant constant) {
        return vectorscan ? databases.get(constant.handle()) : null;
    }

    /** Frees every database; only once no worker runs. */
    void free() {
        databases.values().forEach(LiteralDatabase::free);
        databases.clear();
        synchronized (retired) {
            retired.forEach(LiteralDatabase::free);
            retired.clear();
        }
    }
}
