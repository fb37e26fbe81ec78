package io.vyre.runtime.program;

import io.vyre.runtime.bytecode.Vir0Program;
import java.util.List;

/**
 * A validated program resident in a runtime: published as {@code CALL handle, ...}. Its constant
 * {@code cK} is the global constant handle {@code constantBase + K}.
 */
public record LoadedProgram(int handle, Vir0Program program, int constantBase, List<ResidentConstant> constants) {

    public LoadedProgram {
        constants = List.copyOf(constants);
    }

    public int constantHandle(int index) {
        return constantBase + index;
    }

    public ResidentConstant constant(int index) {
        return constants.get(index);
    }
}
