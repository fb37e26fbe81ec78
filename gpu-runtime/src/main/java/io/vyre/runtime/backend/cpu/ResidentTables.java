package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.program.ResidentConstant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The CPU megakernel's resident forms of loaded programs and pattern tables. */
final class ResidentTables {
    private final Map<Integer, CpuProgram> programs = new ConcurrentHashMap<>();
    private final Map<Integer, CpuDfa> dfas = new ConcurrentHashMap<>();

    void add(LoadedProgram program) {
        programs.put(program.handle(), new CpuProgram(program));
        for (ResidentConstant c : program.constants()) {
            if (c.dfa() != null) {
                dfas.put(c.handle(), new CpuDfa(c.dfa()));
            }
        }
    }

    void remove(LoadedProgram program) {
        programs.remove(program.handle());
        for (ResidentConstant c : program.constants()) {
            dfas.remove(c.handle());
        }
    }

    CpuProgram program(int handle) {
        return programs.get(handle);
    }

    CpuDfa dfa(ResidentConstant constant) {
        CpuDfa dfa = dfas.get(constant.handle());
        return dfa != null ? dfa : dfas.computeIfAbsent(constant.handle(), h -> new CpuDfa(constant.dfa()));
    }
}
