package io.vyre.runtime.bytecode;

import io.vyre.runtime.bytecode.Vir0Exception.Location;
import io.vyre.runtime.bytecode.expr.Expr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The VIR0 binary format, little-endian u32 words throughout.
 *
 * <pre>
 *   header   word 0  MAGIC       0x30524956, the bytes "VIR0"
 *            word 1  VERSION     1
 *            word 2  OP_COUNT    1 .. Vir0Program.MAX_OPS
 *            word 3  CONST_COUNT 0 .. Vir0Program.MAX_CONSTANTS
 *            word 4  BYTE_LENGTH the whole program's length in bytes
 *   ops      OP_WORDS words each: [opcode | registerMask &lt;&lt; 16, operand 0 .. operand 6]
 *            bits 24-31 of the opcode word and operand words past the op's arity are zero
 *   consts   each: [kind, payloadBytes, payload padded with zeros to a word]
 *            PATTERNS payload: [flags (bit 0 ignore case), count, then per pattern: length, bytes padded]
 *            BYTES payload:    the bytes
 *            EXPR payload:     [instructionCount, literalCount, instructions (4 words each),
 *                               then per literal: length, bytes padded]
 * </pre>
 *
 * {@link #decode} checks structure only (every byte accounted for, every opcode known); semantic
 * checks are {@link Vir0Validator}'s.
 */
public final class Vir0Codec {
    public static final int MAGIC = 0x30524956;
    public static final int VERSION = 1;
    public static final int HEADER_WORDS = 5;
    public static final int HEADER_BYTES = HEADER_WORDS * 4;
    public static final int OP_WORDS = 8;
    public static final int MAX_OPERANDS = OP_WORDS - 1;
    public static final int MAX_PROGRAM_BYTES = 128 << 20;

    private Vir0Codec() {
    }

    public static byte[] encode(Vir0Program program) {
        List<byte[]> constants = new ArrayList<>();
        int length = HEADER_BYTES + program.ops().size() * OP_WORDS * 4;
        for (Constant c : program.constants()) {
            byte[] payload = payload(c);
            constants.add(payload);
            length += 8 + pad(payload.length);
        }
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(VERSION).putInt(program.ops().size()).putInt(program.constants().size()).putInt(length);
        for (Instruction op : program.ops()) {
            if (op.arity() > MAX_OPERANDS) {
                throw new IllegalArgumentException(op.opcode() + " has " + op.arity() + " operands; a program op holds at most "
                    + MAX_OPERANDS + " (it is a slot-only op)");
            }
            out.putInt(op.opcode().code() | op.registerMask() << 16);
            for (int i = 0; i < MAX_OPERANDS; i++) {
                out.putInt(i < op.arity() ? op.operand(i) : 0);
            }
        }
        for (int i = 0; i < constants.size(); i++) {
            byte[] payload = constants.get(i);
            out.putInt(program.constant(i).kind()).putInt(payload.length).put(payload);
            out.position(out.position() + pad(payload.length) - payload.length);
        }
        return out.array();
    }

    private static byte[] payload(Constant c) {
        if (c instanceof BytesConstant b) {
            return b.bytes();
        }
        if (c instanceof PatternsConstant p) {
            int len = 8;
            for (byte[] pattern : p.patternsUnsafe()) {
                len += 4 + pad(pattern.length);
            }
            ByteBuffer out = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt(p.ignoreCase() ? 1 : 0).putInt(p.count());
            for (byte[] pattern : p.patternsUnsafe()) {
                out.putInt(pattern.length).put(pattern);
                out.position(out.position() + pad(pattern.length) - pattern.length);
            }
            return out.array();
        }
        Expr e = ((ExprConstant) c).expr();
        int[] code = e.code();
        int len = 8 + code.length * 4;
        for (byte[] l : e.literalsUnsafe()) {
            len += 4 + pad(l.length);
        }
        ByteBuffer out = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(e.instructionCount()).putInt(e.literalCount());
        for (int w : code) {
            out.putInt(w);
        }
        for (byte[] l : e.literalsUnsafe()) {
            out.putInt(l.length).put(l);
            out.position(out.position() + pad(l.length) - l.length);
        }
        return out.array();
    }

    static int pad(int n) {
        return (n + 3) & ~3;
    }

    public static Vir0Program decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new Vir0Exception(Location.bytes(bytes.length), "truncated: " + bytes.length
                + " bytes, the header alone needs " + HEADER_BYTES + "; encode programs with Vir0Codec.encode");
        }
        if (bytes.length > MAX_PROGRAM_BYTES) {
            throw new Vir0Exception(Location.bytes(0), bytes.length + " bytes exceed the " + MAX_PROGRAM_BYTES
                + "-byte limit on programs");
        }
        Reader in = new Reader(bytes);
        int magic = in.word();
        if (magic != MAGIC) {
            throw new Vir0Exception(Location.bytes(0), String.format("bad magic 0x%08x, expected 0x%08x (\"VIR0\"):"
                + " these bytes are not a VIR0 program", magic, MAGIC));
        }
        int version = in.word();
        if (version != VERSION) {
            throw new Vir0Exception(Location.bytes(4), "unsupported version " + Integer.toUnsignedString(version)
                + "; this runtime reads version " + VERSION + ": re-encode the program with this release");
        }
        int opCount = in.word();
        if (opCount < 1 || opCount > Vir0Program.MAX_OPS) {
            throw new Vir0Exception(Location.bytes(8), "op count " + Integer.toUnsignedString(opCount)
                + " is outside [1, " + Vir0Program.MAX_OPS + "]");
        }
        int constCount = in.word();
        if (constCount < 0 || constCount > Vir0Program.MAX_CONSTANTS) {
            throw new Vir0Exception(Location.bytes(12), "constant count " + Integer.toUnsignedString(constCount)
                + " is outside [0, " + Vir0Program.MAX_CONSTANTS + "]");
        }
        int declared = in.word();
        if (declared != bytes.length) {
            throw new Vir0Exception(Location.bytes(16), "the header declares " + Integer.toUnsignedString(declared)
                + " bytes but " + bytes.length + " arrived: "
                + (Integer.compareUnsigned(declared, bytes.length) > 0 ? "the program is truncated" : "trailing bytes follow it"));
        }
        List<Instruction> ops = new ArrayList<>(opCount);
        for (int i = 0; i < opCount; i++) {
            ops.add(decodeOp(in, i));
        }
        List<Constant> constants = new ArrayList<>(constCount);
        for (int i = 0; i < constCount; i++) {
            constants.add(decodeConstant(in, i));
        }
        if (in.position() != bytes.length) {
            throw new Vir0Exception(Location.bytes(in.position()), (bytes.length - in.position())
                + " bytes after the last constant are not part of the program");
        }
        return new Vir0Program(ops, constants);
    }

    private static Instruction decodeOp(Reader in, int index) {
        long at = in.position();
        if (in.remaining() < OP_WORDS * 4) {
            throw new Vir0Exception(new Location(index, -1, -1, at, -1), "truncated inside the op table");
        }
        int word = in.word();
        int code = word & 0xFFFF;
        int mask = (word >>> 16) & 0xFF;
        if ((word >>> 24) != 0) {
            throw new Vir0Exception(new Location(index, -1, -1, at, -1), String.format(
                "reserved bits 24-31 of the opcode word 0x%08x are set; they must be zero", word));
        }
        Opcode opcode = Opcode.fromCode(code);
        if (opcode == null) {
            throw new Vir0Exception(new Location(index, -1, -1, at, -1), String.format(
                Opcode.isSystemReserved(code)
                    ? "opcode 0x%04x is reserved for the system; use WRITE_BACK or LOAD_MISS or a user opcode"
                    : "unknown opcode 0x%04x; see Opcode for the instruction set", code));
        }
        if (opcode.arity() > MAX_OPERANDS) {
            throw new Vir0Exception(new Location(index, -1, -1, at, -1), opcode
                + " may only appear in a work-ring slot, not in a program");
        }
        if ((mask & ~((1 << opcode.arity()) - 1)) != 0) {
            throw new Vir0Exception(new Location(index, -1, -1, at, -1), String.format(
                "register mask 0x%02x marks operands that %s (%d operands) does not have", mask, opcode, opcode.arity()));
        }
        int[] operands = new int[opcode.arity()];
        for (int i = 0; i < MAX_OPERANDS; i++) {
            int value = in.word();
            if (i < operands.length) {
                operands[i] = value;
            } else if (value != 0) {
                throw new Vir0Exception(new Location(index, i, -1, at + 4 + 4L * i, -1), opcode + " has "
                    + opcode.arity() + " operands; unused operand word " + (i + 1) + " must be zero, is " + value);
            }
        }
        return new Instruction(opcode, mask, operands);
    }

    private static Constant decodeConstant(Reader in, int index) {
        long at = in.position();
        if (in.remaining() < 8) {
            throw new Vir0Exception(new Location(-1, -1, index, at, -1), "truncated constant header");
        }
        int kind = in.word();
        int length = in.word();
        if (length < 0 || pad(length) > in.remaining() || pad(length) < length) {
            throw new Vir0Exception(new Location(-1, -1, index, at + 4, -1), "payload of "
                + Integer.toUnsignedString(length) + " bytes runs past the end of the program (" + in.remaining()
                + " bytes left)");
        }
        byte[] payload = in.bytes(length);
        if (!in.skipZeros(pad(length) - length)) {
            throw new Vir0Exception(new Location(-1, -1, index, in.position(), -1), "padding after the payload must be zero");
        }
        try {
            switch (kind) {
                case Constant.KIND_BYTES:
                    return new BytesConstant(payload);
                case Constant.KIND_PATTERNS:
                    return decodePatterns(payload);
                case Constant.KIND_EXPR:
                    return new ExprConstant(decodeExpr(payload));
                default:
                    throw new Vir0Exception(new Location(-1, -1, index, at, -1), "unknown constant kind " + kind
                        + "; kinds are patterns 1, bytes 2, expr 3");
            }
        } catch (PayloadException e) {
            throw new Vir0Exception(new Location(-1, -1, index, at + 8 + e.offset, -1),
                Constant.kindName(kind) + " payload: " + e.getMessage());
        }
    }

    private static PatternsConstant decodePatterns(byte[] payload) {
        Reader in = new Reader(payload);
        int flags = in.payloadWord();
        if ((flags & ~1) != 0) {
            throw new PayloadException(0, "unknown flags 0x" + Integer.toHexString(flags) + "; only bit 0 (ignore case) is defined");
        }
        int count = in.payloadWord();
        if (count < 0 || count > PatternsConstant.MAX_PATTERNS) {
            throw new PayloadException(4, "pattern count " + Integer.toUnsignedString(count) + " exceeds "
                + PatternsConstant.MAX_PATTERNS);
        }
        List<byte[]> patterns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = in.position();
            int len = in.payloadWord();
            if (len < 0 || pad(len) > in.remaining() || pad(len) < len) {
                throw new PayloadException(at, "pattern " + i + " of " + Integer.toUnsignedString(len)
                    + " bytes runs past the payload");
            }
            patterns.add(in.bytes(len));
            if (!in.skipZeros(pad(len) - len)) {
                throw new PayloadException(in.position(), "padding after pattern " + i + " must be zero");
            }
        }
        if (in.remaining() != 0) {
            throw new PayloadException(in.position(), in.remaining() + " bytes follow the last pattern");
        }
        return new PatternsConstant(patterns, (flags & 1) != 0);
    }

    private static Expr decodeExpr(byte[] payload) {
        Reader in = new Reader(payload);
        int count = in.payloadWord();
        int literals = in.payloadWord();
        if (count < 0 || count > Expr.MAX_INSTRUCTIONS) {
            throw new PayloadException(0, "instruction count " + Integer.toUnsignedString(count) + " exceeds "
                + Expr.MAX_INSTRUCTIONS);
        }
        if (literals < 0 || literals > Expr.MAX_LITERALS) {
            throw new PayloadException(4, "literal count " + Integer.toUnsignedString(literals) + " exceeds "
                + Expr.MAX_LITERALS);
        }
        int[] code = new int[count * Expr.WORDS_PER_INSTRUCTION];
        for (int i = 0; i < code.length; i++) {
            code[i] = in.payloadWord();
        }
        List<byte[]> lits = new ArrayList<>(literals);
        for (int i = 0; i < literals; i++) {
            int at = in.position();
            int len = in.payloadWord();
            if (len < 0 || pad(len) > in.remaining() || pad(len) < len) {
                throw new PayloadException(at, "literal " + i + " of " + Integer.toUnsignedString(len)
                    + " bytes runs past the payload");
            }
            lits.add(in.bytes(len));
            if (!in.skipZeros(pad(len) - len)) {
                throw new PayloadException(in.position(), "padding after literal " + i + " must be zero");
            }
        }
        if (in.remaining() != 0) {
            throw new PayloadException(in.position(), in.remaining() + " bytes follow the last literal");
        }
        return new Expr(code, lits);
    }

    private static final class PayloadException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int offset;

        PayloadException(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    private static final class Reader {
        private final ByteBuffer buf;

        Reader(byte[] bytes) {
            this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        int word() {
            return buf.getInt();
        }

        int payloadWord() {
            if (buf.remaining() < 4) {
                throw new PayloadException(buf.position(), "truncated: a word is missing");
            }
            return buf.getInt();
        }

        byte[] bytes(int n) {
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        /** Skips {@code n} bytes; false when any of them is not zero (the format is canonical). */
        boolean skipZeros(int n) {
            boolean zero = true;
            for (int i = 0; i < n; i++) {
                zero &= buf.get() == 0;
            }
            return zero;
        }

        int position() {
            return buf.position();
        }

        int remaining() {
            return buf.remaining();
        }
    }
}
