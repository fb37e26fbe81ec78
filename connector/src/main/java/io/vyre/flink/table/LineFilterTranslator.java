package io.vyre.flink.table;

import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.functions.FunctionDefinition;

/**
 * Turns SQL predicates on the {@code line} column into the megakernel's per-record expression VM, so
 * FILTER drops lines on the GPU. Exactly equivalent predicates only: {@code line LIKE '%lit%'} (CONTAINS)
 * and {@code line LIKE 'lit%'} (STARTS_WITH), with {@code AND}, {@code OR} and {@code NOT} over them.
 * Suffix and equality tests are left to Flink: a CRLF file's lines end in '\r' on the kernel's side. So are
 * literals the kernel cannot compare byte for byte with what Flink sees: Flink decodes invalid UTF-8 as U+FFFD,
 * which no byte sequence of the file equals, and a literal with an unpaired surrogate has no UTF-8 form.
 */
final class LineFilterTranslator {
    private final String lineColumn;
    private final Expr.Builder builder = Expr.builder();
    private int nextRegister = 1;
    private int instructions = 1;
    private int literals;

    LineFilterTranslator(String lineColumn) {
        this.lineColumn = lineColumn;
        builder.record(0);
    }

    /** One expression that is true when every filter is, or empty when one of them cannot run on the kernel. */
    static Optional<Expr> conjunction(List<ResolvedExpression> filters, String lineColumn) {
        LineFilterTranslator t = new LineFilterTranslator(lineColumn);
        int result = -1;
        for (ResolvedExpression e : filters) {
            Optional<Integer> emitted = t.emit(e);
            if (emitted.isEmpty()) {
                return Optional.empty();
            }
            int r = emitted.get();
            if (result < 0) {
                result = r;
            } else {
                t.builder.op(ExprOp.AND, result, result, r);
                t.nextRegister = result + 1;
            }
        }
        return result < 0 ? Optional.empty() : Optional.of(t.builder.ret(result).build());
    }

    private Optional<Integer> emit(ResolvedExpression e) {
        if (!(e instanceof CallExpression call) || ++instructions > Expr.MAX_INSTRUCTIONS - 2) {
            return Optional.empty();
        }
        FunctionDefinition f = call.getFunctionDefinition();
        List<ResolvedExpression> args = call.getResolvedChildren();
        if (f == BuiltInFunctionDefinitions.LIKE && args.size() == 2 && isLine(args.get(0))) {
            return literal(args.get(1)).flatMap(this::like);
        }
        if (f == BuiltInFunctionDefinitions.NOT && args.size() == 1) {
            return emit(args.get(0)).map(r -> {
                builder.op(ExprOp.NOT, r, r, 0);
                return r;
            });
        }
        if ((f == BuiltInFunctionDefinitions.AND || f == BuiltInFunctionDefinitions.OR) && args.size() >= 2) {
            Optional<Integer> acc = emit(args.get(0));
            for (int i = 1; i < args.size() && acc.isPresent(); i++) {
                Optional<Integer> next = emit(args.get(i));
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                int a = acc.get();
                builder.op(f == BuiltInFunctionDefinitions.AND ? ExprOp.AND : ExprOp.OR, a, a, next.get());
                nextRegister = a + 1;
            }
            return acc;
        }
        return Optional.empty();
    }

    private Optional<Integer> like(String pattern) {
        if (pattern.indexOf('_') >= 0 || pattern.indexOf('\r') >= 0 || pattern.indexOf('\n') >= 0
            || pattern.indexOf('\\') >= 0 || pattern.indexOf('\uFFFD') >= 0) {
            return Optional.empty();
        }
        boolean leading = pattern.startsWith("%");
        boolean trailing = pattern.endsWith("%") && pattern.length() > (leading ? 1 : 0);
        String body = pattern.substring(leading ? 1 : 0, pattern.length() - (trailing ? 1 : 0));
        if (body.isEmpty() || body.indexOf('%') >= 0 || !trailing) {
            return Optional.empty();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!new String(bytes, StandardCharsets.UTF_8).equals(body)) {
            return Optional.empty();  // an unpaired surrogate: encoded as '?', which would match what Flink does not
        }
        if (nextRegister >= Expr.REGISTERS || ++literals > Expr.MAX_LITERALS) {
            return Optional.empty();
        }
        int r = nextRegister++;
        builder.test(leading ? ExprOp.CONTAINS : ExprOp.STARTS_WITH, r, 0, bytes);
        return Optional.of(r);
    }

    private boolean isLine(ResolvedExpression e) {
        return e instanceof FieldReferenceExpression ref && ref.getName().equals(lineColumn);
    }

    private static Optional<String> literal(ResolvedExpression e) {
        return e instanceof ValueLiteralExpression v && !v.isNull() ? v.getValueAs(String.class) : Optional.empty();
    }
}
