package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.program.LoadedProgram;

/** A loaded program in the form the CPU interpreter runs: flat arrays, no allocation per op. */
final class CpuProgram {
    final LoadedProgram loaded;
    final Opcode[] opcodes;
    final int[] masks;
    final int[][] operands;

    CpuProgram(LoadedProgram loaded) {
        this.loaded = loaded;
        int n = loaded.program().ops().size();
        opcodes = new Opcode[n];
        masks = new int[n];
        operands = new int[n][];
        for (int i = 0; i < n; i++) {
            Instruction op = loaded.program().op(i);
            opcodes[i] = op.opcode();
            masks[i] = op.registerMask();
            operands[i] = op.operands();
        }
    }
}
