package io.vyre.runtime.bytecode;

import io.vyre.runtime.bytecode.Vir0Exception.Location;
import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads VIR0 assembly into a validated program.
 *
 * <pre>
 *   ; comments run to the end of the line
 *   .vir0 1                                   optional version line
 *   .patterns c0 [ignore_case] "abc" "x\x00y"  a PATTERNS constant (constants are numbered in order)
 *   .bytes c1 "literal"                        a BYTES constant
 *   .expr c2 {                                 an EXPR constant
 *       .literal l0 "ERROR"
 *       RECORD r0
 *       CONTAINS r1, r0, l0
 *       RET r1
 *   }
 *   LOAD_MISS r1, r2, r3, r4, r5               ops: registers rN, constants cN, numbers (decimal, 0x hex, negative)
 *   MATCH c0, r6
 *   EMIT_MATCHES r7
 * </pre>
 */
public final class Vir0Assembler {
    private final String[] lines;
    private int line;
    private final List<Instruction> ops = new ArrayList<>();
    private final List<Constant> constants = new ArrayList<>();

    private Vir0Assembler(String source) {
        this.lines = source.split("\n", -1);
    }

    public static Vir0Program assemble(String source) {
        Vir0Assembler a = new Vir0Assembler(source);
        a.parse();
        Vir0Program program = new Vir0Program(a.ops, a.constants);
        Vir0Validator.validate(program);
        return program;
    }

    private void parse() {
        for (line = 0; line < lines.length; line++) {
            String text = strip(lines[line]);
            if (text.isEmpty()) {
                continue;
            }
            if (text.startsWith(".vir0")) {
                String v = text.substring(5).trim();
                if (!v.equals(String.valueOf(Vir0Codec.VERSION))) {
                    throw error("this assembler reads .vir0 " + Vir0Codec.VERSION + ", not " + v);
                }
            } else if (text.startsWith(".patterns")) {
                parsePatterns(text);
            } else if (text.startsWith(".bytes")) {
                List<byte[]> strings = new ArrayList<>();
                String rest = declare(text, ".bytes");
                parseStrings(rest, strings);
                if (strings.size() != 1) {
                    throw error(".bytes takes exactly one string");
                }
                constants.add(new BytesConstant(strings.get(0)));
            } else if (text.startsWith(".expr")) {
                String rest = declare(text, ".expr");
                if (!rest.equals("{")) {
                    throw error(".expr cN must be followed by { on the same line");
                }
                constants.add(new ExprConstant(parseExpr()));
            } else if (text.startsWith(".")) {
                throw error("unknown directive " + text.split("\\s+")[0] + "; directives are .vir0 .patterns .bytes .expr");
            } else {
                ops.add(parseOp(text));
            }
        }
    }

    private void parsePatterns(String text) {
        String rest = declare(text, ".patterns");
        boolean ignoreCase = false;
        if (rest.startsWith("ignore_case")) {
            ignoreCase = true;
            rest = rest.substring("ignore_case".length()).trim();
        }
        List<byte[]> patterns = new ArrayList<>();
        parseStrings(rest, patterns);
        if (patterns.isEmpty()) {
            throw error(".patterns needs at least one quoted pattern");
        }
        constants.add(new PatternsConstant(patterns, ignoreCase));
    }

    /** Checks that the directive declares the next constant index and returns what follows it. */
    private String declare(String text, String directive) {
        String rest = text.substring(directive.length()).trim();
        String label = rest.split("\\s+", 2)[0];
        String want = "c" + constants.size();
        if (!label.equals(want)) {
            throw error(directive + " must declare " + want + " next (constants are numbered in order), found '" + label + "'");
        }
        return rest.substring(label.length()).trim();
    }

    private void parseStrings(String rest, List<byte[]> out) {
        int i = 0;
        int[] end = new int[1];
        while (i < rest.length()) {
            char c = rest.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                out.add(Vir0Text.unquote(rest, i, end, line + 1));
                i = end[0];
            } else {
                throw error("expected a quoted string at '" + rest.substring(i) + "'");
            }
        }
    }

    private Expr parseExpr() {
        List<Integer> words = new ArrayList<>();
        List<byte[]> literals = new ArrayList<>();
        for (line++; line < lines.length; line++) {
            String text = strip(lines[line]);
            if (text.isEmpty()) {
                continue;
            }
            if (text.equals("}")) {
                int[] code = new int[words.size()];
                for (int i = 0; i < code.length; i++) {
                    code[i] = words.get(i);
                }
                return new Expr(code, literals);
            }
            if (text.startsWith(".literal")) {
                String rest = text.substring(".literal".length()).trim();
                String label = rest.split("\\s+", 2)[0];
                if (!label.equals("l" + literals.size())) {
                    throw error(".literal must declare l" + literals.size() + " next, found '" + label + "'");
                }
                List<byte[]> strings = new ArrayList<>();
                parseStrings(rest.substring(label.length()).trim(), strings);
                if (strings.size() != 1) {
                    throw error(".literal takes exactly one string");
                }
                literals.add(strings.get(0));
                continue;
            }
            String[] parts = splitOp(text);
            ExprOp op = ExprOp.fromMnemonic(parts[0]);
            if (op == null) {
                throw error("unknown expression op " + parts[0]);
            }
            String[] args = parts.length > 1 ? splitArgs(parts[1]) : new String[0];
            int dst = 0;
            int a = 0;
            int b = 0;
            if (op == ExprOp.RET) {
                expectArgs(op.name(), args, 1);
                a = register(args[0]);
            } else {
                int want = 1 + argWords(op.a()) + argWords(op.b());
                expectArgs(op.name(), args, want);
                dst = register(args[0]);
                int k = 1;
                if (op.a() != ExprOp.Arg.NONE) {
                    a = exprArg(op.a(), args, k);
                    k += argWords(op.a());
                }
                if (op.b() != ExprOp.Arg.NONE) {
                    b = exprArg(op.b(), args, k);
                }
            }
            words.add(op.code());
            words.add(dst);
            words.add(a);
            words.add(b);
        }
        throw error(".expr is missing its closing }");
    }

    private static int argWords(ExprOp.Arg arg) {
        return arg == ExprOp.Arg.NONE ? 0 : arg == ExprOp.Arg.FIELD_SPEC ? 2 : 1;
    }

    private int exprArg(ExprOp.Arg arg, String[] args, int k) {
        switch (arg) {
            case IMMEDIATE:
                return number(args[k]);
            case FIELD_SPEC: {
                int sep = number(args[k]);
                int index = number(args[k + 1]);
                if (sep < 0 || sep > 0xFF || index < 0 || index > 0xFFFF) {
                    throw error("FIELD takes a separator byte 0..255 and a field index 0..65535");
                }
                return sep | index << 8;
            }
            case LITERAL:
                if (!args[k].startsWith("l")) {
                    throw error("expected a literal lN, found " + args[k]);
                }
                return number(args[k].substring(1));
            default:
                return register(args[k]);
        }
    }

    private Instruction parseOp(String text) {
        String[] parts = splitOp(text);
        Opcode opcode = Opcode.fromMnemonic(parts[0]);
        if (opcode == null) {
            throw error("unknown mnemonic " + parts[0] + "; see Opcode for the instruction set");
        }
        String[] args = parts.length > 1 ? splitArgs(parts[1]) : new String[0];
        expectArgs(opcode.name(), args, opcode.arity());
        int mask = 0;
        int[] values = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            OperandKind kind = opcode.operands().get(i);
            if (arg.startsWith("r")) {
                mask |= 1 << i;
                values[i] = register(arg);
            } else if (arg.startsWith("c")) {
                if (!kind.isConstant()) {
                    throw error(opcode + " operand " + i + " is a " + kind.description() + ", not a constant");
                }
                values[i] = number(arg.substring(1));
            } else {
                values[i] = number(arg);
            }
        }
        return new Instruction(opcode, mask, values);
    }

    private void expectArgs(String name, String[] args, int want) {
        if (args.length != want) {
            throw error(name + " takes " + want + " operand" + (want == 1 ? "" : "s") + ", found " + args.length);
        }
    }

    private int register(String arg) {
        if (!arg.startsWith("r")) {
            throw error("expected a register rN, found " + arg);
        }
        return number(arg.substring(1));
    }

    private int number(String s) {
        try {
            String t = s.toLowerCase(Locale.ROOT);
            long v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL) {
                throw error("number " + s + " does not fit 32 bits");
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw error("expected a number, found '" + s + "'");
        }
    }

    private static String[] splitOp(String text) {
        return text.split("\\s+", 2);
    }

    private static String[] splitArgs(String text) {
        String[] args = text.split(",");
        for (int i = 0; i < args.length; i++) {
            args[i] = args[i].trim();
        }
        return args;
    }

    /** Removes a comment (outside strings) and surrounding blanks. */
    private static String strip(String raw) {
        boolean inString = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && inString) {
                i++;
            } else if (c == '"') {
                inString = !inString;
            } else if (c == ';' && !inString) {
                return raw.substring(0, i).trim();
            }
        }
        return raw.trim();
    }

    private Vir0Exception error(String problem) {
        return new Vir0Exception(Location.line(line + 1), problem);
    }
}
