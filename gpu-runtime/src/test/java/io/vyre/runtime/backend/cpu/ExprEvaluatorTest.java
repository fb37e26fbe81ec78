package io.vyre.runtime.backend.cpu;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import io.vyre.runtime.bytecode.expr.ExprType;
import io.vyre.runtime.bytecode.expr.ExprValidator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The expression VM's reference semantics, record by record. */
class ExprEvaluatorTest {
    private static final byte[] ROW = "2026-11-26,WARN,disk 91% full,host-7".getBytes(US_ASCII);

    private static int eval(Expr e) {
        ExprValidator.validate(e);
        return new ExprEvaluator(e, new UnsafeBuffer(ROW)).evaluate(0, ROW.length);
    }

    @Test
    void shouldSplitFieldsAndCompareThem() {
        Expr level = Expr.builder().record(0).field(1, 0, (byte) ',', 1).test(ExprOp.EQUALS, 2, 1, "WARN".getBytes(US_ASCII))
            .ret(2).build();
        assertThat(ExprValidator.validate(level)).isEqualTo(ExprType.BOOL);
        assertThat(eval(level)).isEqualTo(1);
        Expr missing = Expr.builder().record(0).field(1, 0, (byte) ',', 9).length(2, 1).ret(2).build();
        assertThat(eval(missing)).as("a field past the last is empty").isZero();
        Expr last = Expr.builder().record(0).field(1, 0, (byte) ',', 3).length(2, 1).ret(2).build();
        assertThat(eval(last)).isEqualTo("host-7".length());
    }

    @Test
    void shouldTestPrefixSuffixAndContainment() {
        assertThat(eval(Expr.builder().record(0).test(ExprOp.STARTS_WITH, 1, 0, "2026".getBytes(US_ASCII)).ret(1).build())).isEqualTo(1);
        assertThat(eval(Expr.builder().record(0).test(ExprOp.ENDS_WITH, 1, 0, "host-7".getBytes(US_ASCII)).ret(1).build())).isEqualTo(1);
        assertThat(eval(Expr.builder().record(0).test(ExprOp.ENDS_WITH, 1, 0, "host-8".getBytes(US_ASCII)).ret(1).build())).isZero();
        assertThat(eval(Expr.builder().record(0).test(ExprOp.CONTAINS, 1, 0, "91%".getBytes(US_ASCII)).ret(1).build())).isEqualTo(1);
        assertThat(eval(Expr.builder().record(0).test(ExprOp.CONTAINS, 1, 0, new byte[0]).ret(1).build())).isEqualTo(1);
    }

    @Test
    void shouldCombineComparisonsWithLogic() {
        Expr e = Expr.builder().record(0).length(1, 0).constInt(2, 10).op(ExprOp.GT, 3, 1, 2)
            .test(ExprOp.CONTAINS, 4, 0, "ERROR".getBytes(US_ASCII)).op(ExprOp.NOT, 5, 4, 0)
            .op(ExprOp.AND, 6, 3, 5).op(ExprOp.OR, 7, 4, 6).ret(7).build();
        assertThat(eval(e)).isEqualTo(1);
        Expr le = Expr.builder().record(0).length(1, 0).constInt(2, ROW.length).op(ExprOp.LE, 3, 1, 2)
            .op(ExprOp.LT, 4, 1, 2).op(ExprOp.AND, 5, 3, 4).ret(5).build();
        assertThat(eval(le)).isZero();
    }
}
