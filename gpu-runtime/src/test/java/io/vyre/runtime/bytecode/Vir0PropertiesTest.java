package io.vyre.runtime.bytecode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Properties of the VIR0 tool chain over random programs. */
class Vir0PropertiesTest {

    @Property(tries = 300)
    void generatedProgramsAreValid(@ForAll long seed) {
        Vir0Validator.validate(new ProgramGenerator(seed).program());
    }

    @Property(tries = 300)
    void disassemblyAssemblesBackToTheSameProgram(@ForAll long seed) {
        Vir0Program p = new ProgramGenerator(seed).program();
        String text = Vir0Disassembler.disassemble(p);
        assertThat(Vir0Assembler.assemble(text)).isEqualTo(p);
    }

    @Property(tries = 300)
    void bytesDecodeBackToTheSameProgram(@ForAll long seed) {
        Vir0Program p = new ProgramGenerator(seed).program();
        byte[] bytes = p.encode();
        assertThat(Vir0Program.fromBytes(bytes)).isEqualTo(p);
        assertThat(Vir0Codec.decode(bytes).encode()).isEqualTo(bytes);
    }

    /** Mutations that always make a program invalid, each applied at a random place. */
    enum Mutation { MAGIC, VERSION, OP_COUNT, TRUNCATE, EXTEND, UNKNOWN_OPCODE, RESERVED_OPCODE, RESERVED_BITS,
        UNUSED_OPERAND, REGISTER_RANGE, CONTROL_WRITE, CONSTANT_INDEX, BYTE_RANGE, CONSTANT_KIND }

    @Property
    void validationNeverAcceptsAMutatedInvalidProgram(@ForAll long seed, @ForAll Mutation mutation,
                                                       @ForAll @IntRange(min = 0, max = 1 << 20) int where) {
        Vir0Program p = new ProgramGenerator(seed).program();
        byte[] mutated = mutate(p, p.encode(), mutation, where);
        if (mutated == null) {
            return;
        }
        assertThatThrownBy(() -> Vir0Program.fromBytes(mutated)).isInstanceOf(Vir0Exception.class);
    }

    @Property
    void decodingRandomCorruptionFailsOnlyWithVir0Exception(@ForAll long seed, @ForAll @IntRange(min = 0) int position,
                                                           @ForAll byte value) {
        byte[] bytes = new ProgramGenerator(seed).program().encode();
        bytes[position % bytes.length] = value;
        try {
            Vir0Program decoded = Vir0Program.fromBytes(bytes);
            assertThat(decoded.encode()).isEqualTo(bytes);
        } catch (Vir0Exception expected) {
            assertThat(expected.getMessage()).startsWith("VIR0 ");
        }
    }

    /** The mutated bytes, or {@code null} when the mutation does not apply to this program. */
    private static byte[] mutate(Vir0Program p, byte[] bytes, Mutation m, int where) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int opIndex = where % p.ops().size();
        int opAt = Vir0Codec.HEADER_BYTES + opIndex * Vir0Codec.OP_WORDS * 4;
        Instruction op = p.op(opIndex);
        switch (m) {
            case MAGIC -> b.putInt(0, b.getInt(0) ^ (1 << (where % 32)));
            case VERSION -> b.putInt(4, 2 + where);
            case OP_COUNT -> b.putInt(8, p.ops().size() + 1 + where % 5);
            case TRUNCATE -> {
                return Arrays.copyOf(bytes, bytes.length - 1 - where % (bytes.length - 1));
            }
            case EXTEND -> {
                return Arrays.copyOf(bytes, bytes.length + 1 + where % 64);
            }
            case UNKNOWN_OPCODE -> b.putInt(opAt, 0x0100 + where % 0xFE00);
            case RESERVED_OPCODE -> b.putInt(opAt, 0xFF00 + where % 0xFC | (where % 2 == 0 ? 0 : 0xFE));
            case RESERVED_BITS -> b.putInt(opAt, b.getInt(opAt) | (1 + where % 255) << 24);
            case UNUSED_OPERAND -> {
                if (op.arity() >= Vir0Codec.MAX_OPERANDS) {
                    return null;
                }
                b.putInt(opAt + 4 + 4 * op.arity(), 1 + where);
            }
            case REGISTER_RANGE -> {
                int k = firstOperand(op, true, null);
                if (k < 0) {
                    return null;
                }
                b.putInt(opAt + 4 + 4 * k, Instruction.REGISTERS + where);
            }
            case CONTROL_WRITE -> {
                int k = firstOperand(op, false, OperandKind.CONTROL_WRITE);
                if (k < 0) {
                    return null;
                }
                b.putInt(opAt + 4 + 4 * k, where % 256);
            }
            case CONSTANT_INDEX -> {
                int k = firstConstantOperand(op);
                if (k < 0) {
                    return null;
                }
                b.putInt(opAt + 4 + 4 * k, p.constants().size() + where);
            }
            case BYTE_RANGE -> {
                int k = firstOperand(op, false, OperandKind.BYTE);
                if (k < 0) {
                    return null;
                }
                b.putInt(opAt + 4 + 4 * k, 256 + where);
            }
            case CONSTANT_KIND -> {
                if (p.constants().isEmpty()) {
                    return null;
                }
                int at = Vir0Codec.HEADER_BYTES + p.ops().size() * Vir0Codec.OP_WORDS * 4;
                b.putInt(at, 4 + where);
            }
            default -> throw new IllegalStateException();
        }
        if (m == Mutation.RESERVED_OPCODE && (b.getInt(opAt) & 0xFFFF) >= 0xFFFC && (b.getInt(opAt) & 0xFFFF) <= 0xFFFD) {
            b.putInt(opAt, 0xFFFE);
        }
        return bytes;
    }

    private static int firstOperand(Instruction op, boolean register, OperandKind kind) {
        for (int k = 0; k < op.arity(); k++) {
            if (op.isRegister(k) == register && (kind == null || op.opcode().operands().get(k) == kind)) {
                return k;
            }
        }
        return -1;
    }

    private static int firstConstantOperand(Instruction op) {
        for (int k = 0; k < op.arity(); k++) {
            if (op.opcode().operands().get(k).isConstant()) {
                return k;
            }
        }
        return -1;
    }
}
