package io.vyre.runtime.bytecode;

import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;

/**
 * Prints a program as VIR0 assembly that {@link Vir0Assembler} reads back to an equal program:
 * constants first ({@code .patterns}, {@code .bytes}, {@code .expr}), then one op per line.
 */
public final class Vir0Disassembler {
    private Vir0Disassembler() {
    }

    public static String disassemble(Vir0Program program) {
        StringBuilder out = new StringBuilder();
        out.append(".vir0 ").append(Vir0Codec.VERSION).append('\n');
        for (int c = 0; c < program.constants().size(); c++) {
            Constant constant = program.constant(c);
            if (constant instanceof PatternsConstant p) {
                out.append(".patterns c").append(c);
                if (p.ignoreCase()) {
                    out.append(" ignore_case");
                }
                for (byte[] pattern : p.patternsUnsafe()) {
                    out.append(' ').append(Vir0Text.quote(pattern));
                }
                out.append('\n');
            } else if (constant instanceof BytesConstant b) {
                out.append(".bytes c").append(c).append(' ').append(Vir0Text.quote(b.bytes())).append('\n');
            } else {
                appendExpr(out, c, ((ExprConstant) constant).expr());
            }
        }
        for (Instruction op : program.ops()) {
            out.append(op).append('\n');
        }
        return out.toString();
    }

    private static void appendExpr(StringBuilder out, int c, Expr expr) {
        out.append(".expr c").append(c).append(" {\n");
        for (int l = 0; l < expr.literalCount(); l++) {
            out.append("    .literal l").append(l).append(' ').append(Vir0Text.quote(expr.literalsUnsafe().get(l)))
                .append('\n');
        }
        for (int i = 0; i < expr.instructionCount(); i++) {
            ExprOp op = ExprOp.fromCode(expr.word(i, 0));
            if (op == null) {
                throw new IllegalArgumentException("expression c" + c + " instruction " + i + " has unknown op "
                    + expr.word(i, 0) + ": validate the program before disassembling it");
            }
            out.append("    ").append(op.name());
            int dst = expr.word(i, 1);
            int a = expr.word(i, 2);
            int b = expr.word(i, 3);
            if (op == ExprOp.RET) {
                out.append(" r").append(a);
            } else {
                out.append(" r").append(dst);
                appendArg(out, op.a(), a);
                appendArg(out, op.b(), b);
            }
            out.append('\n');
        }
        out.append("}\n");
    }

    private static void appendArg(StringBuilder out, ExprOp.Arg arg, int value) {
        switch (arg) {
            case NONE:
                return;
            case IMMEDIATE:
                out.append(", ").append(value);
                return;
            case FIELD_SPEC:
                out.append(", ").append(value & 0xFF).append(", ").append(value >>> 8);
                return;
            case LITERAL:
                out.append(", l").append(value);
                return;
            default:
                out.append(", r").append(value);
        }
    }
}
