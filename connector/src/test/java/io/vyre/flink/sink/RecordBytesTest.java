package io.vyre.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation-free encoders write exactly the bytes of their String-based forms. */
class RecordBytesTest {
    private final Random random = new Random(11);

    @Test
    void writesDecimalsAsLongToStringDoes() {
        RecordBytes out = new RecordBytes();
        long[] values = {0, 7, -7, 10, 1_000_000_007L, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 1_000_000_000_000_000_000L,
            Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE};
        for (long v : values) {
            assertThat(new String(out.clear().appendDecimal(v).toByteArray(), StandardCharsets.US_ASCII))
                .isEqualTo(Long.toString(v));
        }
        for (long p = 1; p <= Long.MAX_VALUE / 10; p *= 10) {  // every digit count's edges
            for (long v : new long[] {p - 1, p, p + 1, 10 * p - 1, -p, -(p - 1)}) {
                assertThat(new String(out.clear().appendDecimal(v).toByteArray(), StandardCharsets.US_ASCII))
                    .isEqualTo(Long.toString(v));
            }
        }
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            assertThat(new String(out.clear().appendDecimal(v).toByteArray(), StandardCharsets.US_ASCII))
                .isEqualTo(Long.toString(v));
        }
    }

    @Test
    void writesTextAsGetBytesDoes() {
        String[] texts = {"", "plain ascii/path.log", "caf\u00e9 \u65e5\u672c", "emoji \ud83d\ude00 end",
            "lone \ud83d surrogate", "tab\tand\u007f", "\u0080"};
        RecordBytes out = new RecordBytes();
        for (String text : texts) {
            assertThat(out.clear().append((byte) '<').appendUtf8(text).toByteArray())
                .isEqualTo(("<" + text).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void growsPastItsFirstCapacityAndKeepsWhatItHeld() {
        RecordBytes out = new RecordBytes();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            out.appendDecimal(i).append((byte) ',');
            expected.append(i).append(',');
        }
        assertThat(new String(out.array(), 0, out.length(), StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    }

    @Test
    void encodersWriteIntoTheBytesTheyReturn() {
        RecordBytes out = new RecordBytes();
        RecordEncoder<Object> lines = RecordEncoder.lines();
        for (Object record : new Object[] {"a line", "caf\u00e9", 42, "\ud83d"}) {
            lines.encodeInto(record, out.clear());
            assertThat(out.toByteArray()).isEqualTo(lines.encode(record));
        }
        byte[] raw = {'x', '\r', (byte) 0xff, 0};
        RecordEncoder.rawLines().encodeInto(raw, out.clear());
        assertThat(out.toByteArray()).isEqualTo(RecordEncoder.rawLines().encode(raw)).endsWith('\n');
        RecordEncoder<String> lambda = s -> s.getBytes(StandardCharsets.UTF_8);
        lambda.encodeInto("by default", out.clear());
        assertThat(out.toByteArray()).isEqualTo("by default".getBytes(StandardCharsets.UTF_8));
    }
}
