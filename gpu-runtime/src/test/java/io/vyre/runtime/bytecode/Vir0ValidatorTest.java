package io.vyre.runtime.bytecode;

import static io.vyre.runtime.bytecode.Vir0Program.Reg.r;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Vir0ValidatorTest {
    private static final PatternsConstant PATTERNS = new PatternsConstant(List.of("ab".getBytes(US_ASCII)), false);

    private static Vir0Program.Builder builder() {
        return Vir0Program.builder();
    }

    @Test
    void shouldAcceptTheStandardPrograms() {
        List<byte[]> p = List.of("x".getBytes(US_ASCII));
        assertThatCode(() -> StandardPrograms.scan(p, false)).doesNotThrowAnyException();
        assertThatCode(() -> StandardPrograms.lines(null, StandardPrograms.FINAL)).doesNotThrowAnyException();
        assertThatCode(() -> StandardPrograms.redact(p, true, (byte) '*')).doesNotThrowAnyException();
    }

    @Test
    void shouldRejectDataOpsBeforeAnInputIsSelected() {
        Vir0Program.Builder b = builder();
        int c = b.constant(PATTERNS);
        assertThatThrownBy(() -> b.op(Opcode.MATCH, c, 5).build()).isInstanceOf(Vir0Exception.class)
            .hasMessageContaining("op 0").hasMessageContaining("INPUT or LOAD_MISS");
    }

    @Test
    void shouldRejectRedactBeforeMatch() {
        assertThatThrownBy(() -> builder().op(Opcode.INPUT, 1, 10).op(Opcode.REDACT, 42).build())
            .hasMessageContaining("op 1").hasMessageContaining("put MATCH before it");
    }

    @Test
    void shouldRejectAConstantOfTheWrongKind() {
        Vir0Program.Builder b = builder();
        int bytes = b.constant(new BytesConstant(new byte[] {1}));
        assertThatThrownBy(() -> b.op(Opcode.INPUT, 1, 10).op(Opcode.MATCH, bytes, 0).build())
            .hasMessageContaining("op 1 operand 0").hasMessageContaining("needs a patterns constant");
    }

    @Test
    void shouldRejectAMissingConstant() {
        assertThatThrownBy(() -> builder().op(Opcode.INPUT, 1, 10).op(Opcode.MATCH, 3, 0).build())
            .hasMessageContaining("constant c3 does not exist");
    }

    @Test
    void shouldRejectAConstantOperandGivenAsRegister() {
        Vir0Program.Builder b = builder();
        b.constant(PATTERNS);
        assertThatThrownBy(() -> b.op(Opcode.INPUT, 1, 10).op(Opcode.MATCH, r(0), 0).build())
            .hasMessageContaining("must be an immediate constant index");
    }

    @Test
    void shouldRejectRegistersThatDoNotExist() {
        assertThatThrownBy(() -> builder().op(Opcode.INPUT, r(16), 10).build())
            .hasMessageContaining("register r16 does not exist");
    }

    @Test
    void shouldRejectWritesOutsideTheObservableControlWords() {
        assertThatThrownBy(() -> builder().op(Opcode.STORE_U32, 1, 0).build())
            .hasMessageContaining("op 0 operand 1").hasMessageContaining("observable");
        assertThatThrownBy(() -> builder().op(Opcode.LOAD_U32, 320).build()).hasMessageContaining("past the control block");
        assertThatCode(() -> builder().op(Opcode.LOAD_U32, 0).build()).doesNotThrowAnyException();
    }

    @Test
    void shouldRejectBytesOutOfRange() {
        assertThatThrownBy(() -> builder().op(Opcode.INPUT, 1, 10).op(Opcode.FRAME_DELIM, 256, 0, 0).build())
            .hasMessageContaining("256 is outside [0, 255]");
    }

    @Test
    void shouldRejectFilterWithAnIntExpression() {
        Vir0Program.Builder b = builder();
        int e = b.constant(new ExprConstant(Expr.builder().record(0).length(1, 0).ret(1).build()));
        assertThatThrownBy(() -> b.op(Opcode.INPUT, 1, 10).op(Opcode.FILTER, e).build())
            .hasMessageContaining("FILTER needs an expression of type BOOL");
    }

    @Test
    void shouldRejectAnIllTypedExpressionNamingTheConstant() {
        Vir0Program.Builder b = builder();
        int e = b.constant(new ExprConstant(Expr.builder().constInt(0, 5).op(ExprOp.NOT, 1, 0, 0).ret(1).build()));
        assertThatThrownBy(() -> b.op(Opcode.INPUT, 1, 10).op(Opcode.FILTER, e).build())
            .hasMessageContaining("constant c0").hasMessageContaining("needs BOOL in r0");
    }

    @Test
    void shouldRejectEmptyPatternsAndEmptySets() {
        Vir0Program.Builder b = builder();
        b.constant(new PatternsConstant(List.of(new byte[0]), false));
        assertThatThrownBy(() -> b.op(Opcode.NOP).build()).hasMessageContaining("pattern 0 is 0 bytes");
        Vir0Program.Builder b2 = builder();
        b2.constant(new PatternsConstant(List.of(), false));
        assertThatThrownBy(() -> b2.op(Opcode.NOP).build()).hasMessageContaining("0 patterns");
    }

    @Test
    void shouldAcceptAMillionPatternsInOneSetAndNameTheLimitPastIt() {
        List<byte[]> million = new ArrayList<>(PatternsConstant.MAX_PATTERNS + 1);
        for (int i = 0; i <= PatternsConstant.MAX_PATTERNS; i++) {
            million.add(Integer.toString(i, 36).getBytes(US_ASCII));
        }
        Vir0Program.Builder atLimit = builder();
        int set = atLimit.constant(new PatternsConstant(million.subList(0, PatternsConstant.MAX_PATTERNS), false));
        Vir0Program program = atLimit.op(Opcode.INPUT, r(1), r(2)).op(Opcode.MATCH, set, StandardPrograms.NO_LIMIT).build();
        assertThat(Vir0Codec.decode(program.encode())).isEqualTo(program);
        Vir0Program.Builder past = builder();
        past.constant(new PatternsConstant(million, false));
        assertThatThrownBy(() -> past.op(Opcode.NOP).build())
            .hasMessageContaining(PatternsConstant.MAX_PATTERNS + 1 + " patterns: a set holds 1.." + PatternsConstant.MAX_PATTERNS);
    }

    @Test
    void shouldRejectSlotOnlyOpsInPrograms() {
        assertThatThrownBy(() -> builder().op(Opcode.CALL, 1, 0, 0, 0, 0, 0, 0, 0).build())
            .hasMessageContaining("only be published in a work-ring slot");
    }

    @Test
    void shouldValidateSlotInstructions() {
        assertThatThrownBy(() -> Vir0Validator.validateSlot(Instruction.of(Opcode.MATCH, 1, 0), 0, 0))
            .hasMessageContaining("load the program and publish CALL");
        assertThatThrownBy(() -> Vir0Validator.validateSlot(Instruction.of(Opcode.NOP), 30, 0))
            .hasMessageContaining("tenant 30");
        assertThatThrownBy(() -> Vir0Validator.validateSlot(Instruction.of(Opcode.NOP), 0, 6))
            .hasMessageContaining("priority 6");
        assertThatThrownBy(() -> Vir0Validator.validateSlot(Instruction.of(Opcode.STORE_U32, 1, 2), 0, 0))
            .hasMessageContaining("observable");
        assertThatCode(() -> Vir0Validator.validateSlot(Instruction.of(Opcode.STORE_U32, 1, 300), 29, 5))
            .doesNotThrowAnyException();
    }
}
