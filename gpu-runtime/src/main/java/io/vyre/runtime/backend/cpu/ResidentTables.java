package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.program.ResidentConstant;
import io.vyre.runtime.program.SharedCompilations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CPU megakernel's resident forms of loaded programs and pattern tables: when MATCH runs on Vectorscan,
 * each literal set's compiled database; otherwise (or for a set Vectorscan's literal API refuses, one with a
 * literal starting with NUL) its Java DFA. Equal sets share one compiled form (the tenants of a job each load
 * the same set). A database no program holds any more is kept until every CPU kernel of the JVM has stopped
 * (a worker of any of them may still be scanning with it), then freed.
 */
final class ResidentTables {
    private final boolean vectorscan;
    private final Map<Integer, CpuProgram> programs = new ConcurrentHashMap<>();
    private final SharedCompilations<CpuDfa> dfas = new SharedCompilations<>();
    /**
     * Vectorscan databases are shared by every CPU runtime of the JVM (a task manager may hold several when one
     * is full: compiling a million patterns takes most of a minute); each runtime frees the ones it held last.
     */
    private static final SharedCompilations<LiteralDatabase> DATABASES = new SharedCompilations<>();
    /** Databases no program holds any more, and the CPU kernels running (under the same lock). */
    private static final List<LiteralDatabase> RETIRED = new ArrayList<>();
    private static int running;
    /** This runtime's constants' databases by handle, read by the workers on every MATCH without a lock. */
    private final Map<Integer, LiteralDatabase> databaseOf = new ConcurrentHashMap<>();
    private boolean freed;

    /** @param vectorscan whether MATCH runs on Vectorscan (databases are compiled as programs load) */
    ResidentTables(boolean vectorscan) {
        this.vectorscan = vectorscan;
        synchronized (RETIRED) {
            running++;
        }
    }

    void add(LoadedProgram program) {
        for (ResidentConstant c : program.constants()) {
            if (c.hasDfa()) {
                if (vectorscan && LiteralDatabase.accepts(c.patterns().patternsUnsafe())) {
                    databaseOf.put(c.handle(), DATABASES.acquire(key(c), c.patterns(),
                        set -> LiteralDatabase.compile(set.patternsUnsafe(), set.ignoreCase())));
                } else {
                    dfas.acquire(c.handle(), c.patterns(), set -> new CpuDfa(c.dfa()));
                }
            }
        }
        programs.put(program.handle(), new CpuProgram(program));
    }

    void remove(LoadedProgram program) {
        programs.remove(program.handle());
        for (ResidentConstant c : program.constants()) {
            dfas.release(c.handle());
            databaseOf.remove(c.handle());
            LiteralDatabase d = DATABASES.release(key(c));
            if (d != null) {
                synchronized (RETIRED) {
                    RETIRED.add(d);
                }
            }
        }
    }

    CpuProgram program(int handle) {
        return programs.get(handle);
    }

    /** The constant's Java DFA, compiled (or shared) on first use. */
    CpuDfa dfa(ResidentConstant constant) {
        CpuDfa dfa = dfas.get(constant.handle());
        return dfa != null ? dfa : dfas.acquire(constant.handle(), constant.patterns(), set -> new CpuDfa(constant.dfa()));
    }

    /** The constant's Vectorscan database, or null when MATCH runs on the Java DFA. */
    LiteralDatabase database(ResidentConstant constant) {
        return vectorscan ? databaseOf.get(constant.handle()) : null;
    }

    /** This runtime's hold on a constant's database. */
    private Object key(ResidentConstant c) {
        return List.of(this, c.handle());
    }

    /**
     * Lets go of the databases of the programs still loaded; once no worker of this kernel runs. The last CPU
     * kernel of the JVM to stop frees every database no program holds.
     */
    void free() {
        if (freed) {
            return;
        }
        freed = true;
        for (CpuProgram p : programs.values()) {
            remove(p.loaded);
        }
        synchronized (RETIRED) {
            if (--running == 0) {
                RETIRED.forEach(LiteralDatabase::free);
                RETIRED.clear();
            }
        }
    }
}
