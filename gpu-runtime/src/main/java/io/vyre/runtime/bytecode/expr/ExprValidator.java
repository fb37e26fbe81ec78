package io.vyre.runtime.bytecode.expr;

/**
 * Type-checks an expression: every op known, registers in range, every read of a register that holds
 * a value of the expected type, literals in range, RET exactly once and last.
 */
public final class ExprValidator {
    private ExprValidator() {
    }

    /**
     * @return the type of the expression's value
     * @throws ExprException naming the instruction and what is wrong
     */
    public static ExprType validate(Expr expr) {
        int n = expr.instructionCount();
        if (expr.code().length % Expr.WORDS_PER_INSTRUCTION != 0) {
            throw new ExprException(-1, "code is not a whole number of 4-word instructions");
        }
        if (n == 0 || n > Expr.MAX_INSTRUCTIONS) {
            throw new ExprException(-1, n + " instructions: an expression needs 1.." + Expr.MAX_INSTRUCTIONS
                + ", the last a RET");
        }
        if (expr.literalCount() > Expr.MAX_LITERALS) {
            throw new ExprException(-1, expr.literalCount() + " literals exceed the limit of " + Expr.MAX_LITERALS);
        }
        for (int i = 0; i < expr.literalCount(); i++) {
            if (expr.literalsUnsafe().get(i).length > Expr.MAX_LITERAL_LENGTH) {
                throw new ExprException(-1, "literal " + i + " is longer than " + Expr.MAX_LITERAL_LENGTH + " bytes");
            }
        }
        ExprType[] regs = new ExprType[Expr.REGISTERS];
        for (int i = 0; i < n; i++) {
            int code = expr.word(i, 0);
            ExprOp op = ExprOp.fromCode(code);
            if (op == null) {
                throw new ExprException(i, "unknown expression op " + code);
            }
            int dst = expr.word(i, 1);
            if (op == ExprOp.RET) {
                if (i != n - 1) {
                    throw new ExprException(i, "RET must be the last instruction");
                }
                if (dst != 0 || expr.word(i, 3) != 0) {
                    throw new ExprException(i, "RET takes only register a; dst and b must be 0");
                }
                int a = checkRegister(i, "a", expr.word(i, 2));
                if (regs[a] == null) {
                    throw new ExprException(i, "RET reads r" + a + ", which no earlier instruction wrote");
                }
                return regs[a];
            }
            checkRegister(i, "dst", dst);
            checkArg(expr, i, op, op.a(), expr.word(i, 2), "a", regs);
            checkArg(expr, i, op, op.b(), expr.word(i, 3), "b", regs);
            regs[dst] = op.result();
        }
        throw new ExprException(n - 1, "the expression does not end with RET");
    }

    private static void checkArg(Expr expr, int i, ExprOp op, ExprOp.Arg arg, int value, String name, ExprType[] regs) {
        switch (arg) {
            case NONE:
                if (value != 0) {
                    throw new ExprException(i, op + " does not use " + name + "; it must be 0, is " + value);
                }
                return;
            case IMMEDIATE:
                return;
            case FIELD_SPEC:
                if ((value >>> 8) > 0xFFFF) {
                    throw new ExprException(i, op + " field index " + (value >>> 8) + " exceeds 65535");
                }
                return;
            case LITERAL:
                if (value < 0 || value >= expr.literalCount()) {
                    throw new ExprException(i, op + " names literal " + value + " but the expression has "
                        + expr.literalCount());
                }
                return;
            default:
                int r = checkRegister(i, name, value);
                ExprType have = regs[r];
                if (have == null) {
                    throw new ExprException(i, op + " reads r" + r + " (" + name + "), which no earlier instruction wrote");
                }
                if (arg.type() != null && arg.type() != have) {
                    throw new ExprException(i, op + " needs " + arg.type() + " in r" + r + " (" + name + ") but it holds "
                        + have);
                }
        }
    }

    private static int checkRegister(int i, String name, int r) {
        if (r < 0 || r >= Expr.REGISTERS) {
            throw new ExprException(i, "register " + name + " = " + r + " is outside r0..r" + (Expr.REGISTERS - 1));
        }
        return r;
    }
}
