package io.vyre.flink.sink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The bytes of one record as a {@link RecordEncoder} writes them: a growable array the sink writer reuses
 * for every record, so that encoding allocates nothing per record.
 */
@PublicEvolving
public final class RecordBytes {
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    /** "00" to "99", two bytes each. */
    private static final byte[] DIGIT_PAIRS = new byte[200];
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private byte[] bytes = new byte[256];
    private int length;

    /** Empties it (the sink does this before each record). */
    public RecordBytes clear() {
        length = 0;
        return this;
    }

    public RecordBytes append(byte b) {
        ensure(1);
        bytes[length++] = b;
        return this;
    }

    public RecordBytes append(byte[] b) {
        return append(b, 0, b.length);
    }

    public RecordBytes append(byte[] b, int offset, int count) {
        ensure(count);
        System.arraycopy(b, offset, bytes, length, count);
        length += count;
        return this;
    }

    /** The decimal digits of {@code value} (with '-' when negative), as {@link Long#toString(long)} writes them. */
    public RecordBytes appendDecimal(long value) {
        if (value == Long.MIN_VALUE) {
            return append(MIN_LONG);
        }
        if (value < 0) {
            append((byte) '-');
            value = -value;
        }
        int n = decimalDigits(value);
        ensure(n);
        length += n;
        int at = length;
        // two digits per division (a scan's offsets have ten digits), in int arithmetic once the value fits one
        while (value > Integer.MAX_VALUE) {
            long q = value / 100;
            int pair = (int) (value - q * 100) << 1;
            bytes[--at] = DIGIT_PAIRS[pair + 1];
            bytes[--at] = DIGIT_PAIRS[pair];
            value = q;
        }
        int v = (int) value;
        while (v >= 100) {
            int q = v / 100;
            int pair = (v - q * 100) << 1;
            bytes[--at] = DIGIT_PAIRS[pair + 1];
            bytes[--at] = DIGIT_PAIRS[pair];
            v = q;
        }
        if (v >= 10) {
            bytes[--at] = DIGIT_PAIRS[(v << 1) + 1];
            bytes[--at] = DIGIT_PAIRS[v << 1];
        } else {
            bytes[--at] = (byte) ('0' + v);
        }
        return this;
    }

    /** How many decimal digits {@code value} (not negative) has. */
    private static int decimalDigits(long value) {
        if (value < 10) {
            return 1;
        }
        int t = ((64 - Long.numberOfLeadingZeros(value)) * 1233) >>> 12;  // log10(2) ~ 1233 / 4096: within one below
        return value < POWERS_OF_TEN[t] ? t : t + 1;
    }

    /** {@code text} in UTF-8 (unpaired surrogates as '?', as {@link String#getBytes} writes them). */
    public RecordBytes appendUtf8(CharSequence text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return append(text.subSequence(i, n).toString().getBytes(StandardCharsets.UTF_8));
            }
            bytes[length++] = (byte) c;
        }
        return this;
    }

    public int length() {
        return length;
    }

    /** The backing array: its first {@link #length()} bytes are the record's. */
    public byte[] array() {
        return bytes;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
