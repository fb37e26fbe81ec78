package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.program.ResidentConstant;
import io.vyre.runtime.program.SharedCompilations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CPU megakernel's resident forms of loaded programs and pattern tables: when MATCH runs on Vectorscan,
 * each literal set's compiled database; otherwise (or for a set Vectorscan's literal API refuses, one with a
 * literal starting with NUL) its Java DFA. Equal sets share one compiled form: Java DFAs within a runtime,
 * Vectorscan databases across every CPU runtime of the JVM (a task manager may hold several when one is
 * full, and compiling a million patterns takes most of a minute). A database no program holds any more is
 * freed once every kernel that ever scanned with it has stopped (a worker of any of them may still be
 * scanning with it).
 */
final class ResidentTables {
    private static final SharedCompilations<LiteralDatabase> DATABASES = new SharedCompilations<>();
    /** Databases no program holds any more, and the kernels not yet stopped (guarded by RETIRED). */
    private static final List<LiteralDatabase> RETIRED = new ArrayList<>();
    private static final List<ResidentTables> RUNNING = new ArrayList<>();

    private final boolean vectorscan;
    private final Map<Integer, CpuProgram> programs = new ConcurrentHashMap<>();
    private final SharedCompilations<CpuDfa> dfas = new SharedCompilations<>();
    /** The resident forms by constant handle, read by the workers on every MATCH without a lock. */
    private final Map<Integer, CpuDfa> dfaOf = new ConcurrentHashMap<>();
    private final Map<Integer, LiteralDatabase> databaseOf = new ConcurrentHashMap<>();
    /** Every database this kernel's workers could have scanned with (guarded by RETIRED). */
    private final Set<LiteralDatabase> used = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean freed;

    /** @param vectorscan whether MATCH runs on Vectorscan (databases are compiled as programs load) */
    ResidentTables(boolean vectorscan) {
        this.vectorscan = vectorscan;
        synchronized (RETIRED) {
            RUNNING.add(this);
        }
    }

    void add(LoadedProgram program) {
        for (ResidentConstant c : program.constants()) {
            if (c.hasDfa()) {
                if (vectorscan && LiteralDatabase.accepts(c.patterns().patternsUnsafe())) {
                    LiteralDatabase d = DATABASES.acquire(key(c), c.patterns(),
                        set -> LiteralDatabase.compile(set.patternsUnsafe(), set.ignoreCase()));
                    synchronized (RETIRED) {
                        used.add(d);
                    }
                    databaseOf.put(c.handle(), d);
                } else {
                    dfaOf.put(c.handle(), dfas.acquire(c.handle(), c.patterns(), set -> new CpuDfa(c.dfa())));
                }
            }
        }
        programs.put(program.handle(), new CpuProgram(program));
    }

    /** Lets go of a program's tables; also of the part an {@link #add} that failed midway took. */
    void remove(LoadedProgram program) {
        programs.remove(program.handle());
        for (ResidentConstant c : program.constants()) {
            dfaOf.remove(c.handle());
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
        CpuDfa dfa = dfaOf.get(constant.handle());
        if (dfa == null) {
            dfa = dfas.acquire(constant.handle(), constant.patterns(), set -> new CpuDfa(constant.dfa()));
            dfaOf.put(constant.handle(), dfa);
        }
        return dfa;
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
     * This kernel stopped (no worker runs): lets go of the tables of the programs still loaded, then frees every
     * database no program holds that no running kernel could be scanning with.
     */
    void free() {
        synchronized (RETIRED) {
            if (freed) {
                return;
            }
            freed = true;
        }
        for (CpuProgram p : programs.values()) {
            remove(p.loaded);
        }
        synchronized (RETIRED) {
            RUNNING.remove(this);
            for (Iterator<LiteralDatabase> it = RETIRED.iterator(); it.hasNext(); ) {
                LiteralDatabase d = it.next();
                if (RUNNING.stream().noneMatch(k -> k.used.contains(d))) {
                    d.free();
                    it.remove();
                }
            }
            used.clear();
        }
    }
}
