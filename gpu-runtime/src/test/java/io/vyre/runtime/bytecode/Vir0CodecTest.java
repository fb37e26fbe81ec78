package io.vyre.runtime.bytecode;

import static io.vyre.runtime.bytecode.Vir0Program.Reg.r;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Vir0CodecTest {

    static Vir0Program referenceProgram() {
        Expr errors = Expr.builder().record(0).test(ExprOp.CONTAINS, 1, 0, "ERROR".getBytes(US_ASCII)).ret(1).build();
        Vir0Program.Builder b = Vir0Program.builder();
        int patterns = b.constant(new PatternsConstant(List.of("foo".getBytes(US_ASCII), "ba\0r".getBytes(US_ASCII)), true));
        int filter = b.constant(new ExprConstant(errors));
        b.constant(new BytesConstant(new byte[] {1, 2, 3}));
        return b.op(Opcode.LOAD_MISS, r(1), r(2), r(3), r(4), r(5))
            .op(Opcode.FRAME_DELIM, 10, r(6), StandardPrograms.FINAL)
            .op(Opcode.FILTER, filter)
            .op(Opcode.MATCH, patterns, r(6))
            .op(Opcode.EMIT_MATCHES, r(7))
            .op(Opcode.STORE_U32, 7, 300)
            .build();
    }

    @Test
    void shouldMatchTheGoldenEncoding() throws IOException {
        byte[] encoded = referenceProgram().encode();
        try (InputStream in = getClass().getResourceAsStream("/golden/reference-program-v1.vir0.hex")) {
            String golden = new String(in.readAllBytes(), US_ASCII).replaceAll("\\s+", "");
            assertThat(HexFormat.of().formatHex(encoded))
                .as("VIR0 v1 encoding changed: bump Vir0Codec.VERSION instead of changing v1")
                .isEqualTo(golden);
        }
    }

    @Test
    void shouldRoundTripThroughBytes() {
        Vir0Program p = referenceProgram();
        assertThat(Vir0Codec.decode(p.encode())).isEqualTo(p);
        assertThat(Vir0Program.fromBytes(p.encode())).isEqualTo(p);
    }

    @Test
    void shouldStartWithMagicVersionAndCounts() {
        ByteBuffer b = ByteBuffer.wrap(referenceProgram().encode()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        assertThat(new String(magic, US_ASCII)).isEqualTo("VIR0");
        assertThat(b.getInt()).isEqualTo(1);
        assertThat(b.getInt()).isEqualTo(6);
        assertThat(b.getInt()).isEqualTo(3);
        assertThat(b.getInt()).isEqualTo(b.capacity());
    }

    @Test
    void shouldRejectBadMagic() {
        byte[] bytes = referenceProgram().encode();
        bytes[0] = 'X';
        assertThatThrownBy(() -> Vir0Codec.decode(bytes)).isInstanceOf(Vir0Exception.class)
            .hasMessageContaining("bad magic").hasMessageContaining("byte 0");
    }

    @Test
    void shouldRejectAnotherVersion() {
        byte[] bytes = referenceProgram().encode();
        bytes[4] = 2;
        assertThatThrownBy(() -> Vir0Codec.decode(bytes)).hasMessageContaining("unsupported version 2")
            .hasMessageContaining("re-encode");
    }

    @Test
    void shouldRejectTruncatedPrograms() {
        byte[] bytes = referenceProgram().encode();
        assertThatThrownBy(() -> Vir0Codec.decode(Arrays.copyOf(bytes, 10))).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Vir0Codec.decode(Arrays.copyOf(bytes, bytes.length - 4)))
            .hasMessageContaining("truncated");
        assertThatThrownBy(() -> Vir0Codec.decode(Arrays.copyOf(bytes, bytes.length + 4)))
            .hasMessageContaining("trailing bytes");
    }

    @Test
    void shouldRejectUnknownAndReservedOpcodesNamingTheOp() {
        byte[] bytes = referenceProgram().encode();
        int op2 = Vir0Codec.HEADER_BYTES + 2 * Vir0Codec.OP_WORDS * 4;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(op2, 0x0077);
        assertThatThrownBy(() -> Vir0Codec.decode(bytes)).isInstanceOfSatisfying(Vir0Exception.class,
            e -> assertThat(e.opIndex()).isEqualTo(2)).hasMessageContaining("unknown opcode 0x0077");
        b.putInt(op2, 0xFF10);
        assertThatThrownBy(() -> Vir0Codec.decode(bytes)).hasMessageContaining("op 2")
            .hasMessageContaining("reserved for the system");
        b.putInt(op2, Opcode.CALL.code());
        assertThatThrownBy(() -> Vir0Codec.decode(bytes)).hasMessageContaining("only appear in a work-ring slot");
    }

    @Test
    void shouldRejectGarbageInUnusedWords() {
        byte[] bytes = referenceProgram().encode();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int op4 = Vir0Codec.HEADER_BYTES + 4 * Vir0Codec.OP_WORDS * 4;
        b.putInt(op4 + 4 * 3, 5);
        assertThatThrownBy(() -> Vir0Codec.decode(bytes)).hasMessageContaining("op 4 operand 2")
            .hasMessageContaining("must be zero");
        b.putInt(op4 + 4 * 3, 0);
        b.putInt(op4, Opcode.EMIT_MATCHES.code() | 0x01_00_0000);
        assertThatThrownBy(() -> Vir0Codec.decode(bytes)).hasMessageContaining("reserved bits");
        b.putInt(op4, Opcode.EMIT_MATCHES.code() | 0x06 << 16);
        assertThatThrownBy(() -> Vir0Codec.decode(bytes)).hasMessageContaining("register mask");
    }

    @Test
    void shouldRejectAMalformedConstantNamingIt() {
        Vir0Program p = Vir0Program.builder().op(Opcode.NOP).buildUnvalidated();
        byte[] base = p.encode();
        ByteBuffer b = ByteBuffer.allocate(base.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(base);
        b.putInt(12, 1).putInt(16, base.length + 16);
        b.putInt(base.length, 9).putInt(base.length + 4, 8);
        assertThatThrownBy(() -> Vir0Codec.decode(b.array())).hasMessageContaining("constant c0")
            .hasMessageContaining("unknown constant kind 9");
        b.putInt(base.length, Constant.KIND_PATTERNS).putInt(base.length + 8, 0).putInt(base.length + 12, 3);
        assertThatThrownBy(() -> Vir0Codec.decode(b.array())).hasMessageContaining("constant c0")
            .hasMessageContaining("truncated");
    }
}
