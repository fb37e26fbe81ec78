package io.vyre.runtime.bytecode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Vir0AssemblerTest {
    private static final String SOURCE = String.join("\n",
        "; scan the lines that mention an error",
        ".vir0 1",
        ".patterns c0 ignore_case \"timeout\" \"ref\\x00used\"   ; two patterns",
        ".expr c1 {",
        "    .literal l0 \"ERROR;\"",
        "    RECORD r0",
        "    CONTAINS r1, r0, l0",
        "    RET r1",
        "}",
        "LOAD_MISS r1, r2, r3, r4, r5",
        "FRAME_DELIM 10, r6, 0x2",
        "FILTER c1",
        "MATCH c0, -1",
        "EMIT_MATCHES r7",
        "");

    @Test
    void shouldAssembleConstantsAndOps() {
        Vir0Program p = Vir0Assembler.assemble(SOURCE);
        assertThat(p.ops()).hasSize(5);
        PatternsConstant patterns = (PatternsConstant) p.constant(0);
        assertThat(patterns.ignoreCase()).isTrue();
        assertThat(patterns.pattern(1)).containsExactly('r', 'e', 'f', 0, 'u', 's', 'e', 'd');
        assertThat(((ExprConstant) p.constant(1)).expr().literal(0)).containsExactly('E', 'R', 'R', 'O', 'R', ';');
        assertThat(p.op(3).operand(1)).isEqualTo(-1);
        assertThat(p.op(1).isRegister(1)).isTrue();
        assertThat(p.op(1).isRegister(2)).isFalse();
    }

    @Test
    void shouldRoundTripThroughTheDisassembler() {
        Vir0Program p = Vir0Assembler.assemble(SOURCE);
        String text = Vir0Disassembler.disassemble(p);
        assertThat(Vir0Assembler.assemble(text)).isEqualTo(p);
        assertThat(Vir0Disassembler.disassemble(Vir0Assembler.assemble(text))).isEqualTo(text);
    }

    @Test
    void shouldNameTheLineOfAnUnknownMnemonic() {
        assertThatThrownBy(() -> Vir0Assembler.assemble("NOP\nFROB r1\n")).isInstanceOf(Vir0Exception.class)
            .hasMessageContaining("line 2").hasMessageContaining("unknown mnemonic FROB");
    }

    @Test
    void shouldNameTheLineOfAWrongOperandCount() {
        assertThatThrownBy(() -> Vir0Assembler.assemble("INPUT r1\n")).hasMessageContaining("line 1")
            .hasMessageContaining("INPUT takes 2 operands, found 1");
    }

    @Test
    void shouldRequireConstantsInOrder() {
        assertThatThrownBy(() -> Vir0Assembler.assemble(".bytes c1 \"x\"\nNOP\n"))
            .hasMessageContaining("must declare c0 next");
    }

    @Test
    void shouldRejectBadStrings() {
        assertThatThrownBy(() -> Vir0Assembler.assemble(".bytes c0 \"abc\nNOP\n")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Vir0Assembler.assemble(".bytes c0 \"\\q\"\n")).hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> Vir0Assembler.assemble(".bytes c0 \"\\x4\"\n")).hasMessageContaining("two hex digits");
    }

    @Test
    void shouldValidateWhatItAssembles() {
        assertThatThrownBy(() -> Vir0Assembler.assemble("MATCH c0, 1\n")).hasMessageContaining("constant c0 does not exist");
    }
}
