package io.vyre.runtime.program;

import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.bytecode.Vir0Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Programs and constants a runtime has loaded, by handle. Loading validates the program and compiles its
 * constants; a handle the host never loaded resolves to {@code null}, which the kernel reports as
 * UNKNOWN_HANDLE.
 */
public final class ProgramTable {
    private final Map<Integer, LoadedProgram> programs = new ConcurrentHashMap<>();
    private final Map<Integer, ResidentConstant> constants = new ConcurrentHashMap<>();
    private int nextProgram = 1;
    private int nextConstant = 1;

    public synchronized LoadedProgram load(Vir0Program program) {
        Vir0Validator.validate(program);
        int base = nextConstant;
        List<ResidentConstant> resident = new ArrayList<>();
        for (int i = 0; i < program.constants().size(); i++) {
            resident.add(new ResidentConstant(base + i, program.constant(i)));
        }
        nextConstant += program.constants().size();
        LoadedProgram loaded = new LoadedProgram(nextProgram++, program, base, resident);
        for (ResidentConstant c : resident) {
            constants.put(c.handle(), c);
        }
        programs.put(loaded.handle(), loaded);
        return loaded;
    }

    public synchronized void unload(int handle) {
        LoadedProgram p = programs.remove(handle);
        if (p != null) {
            for (ResidentConstant c : p.constants()) {
                constants.remove(c.handle());
            }
        }
    }

    public LoadedProgram program(int handle) {
        return programs.get(handle);
    }

    public ResidentConstant constant(int handle) {
        return constants.get(handle);
    }

    public int programCount() {
        return programs.size();
    }

    public List<LoadedProgram> programs() {
        return new ArrayList<>(programs.values());
    }
}
