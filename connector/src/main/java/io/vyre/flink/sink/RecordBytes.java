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

    private byte[] bytes = new byte[256];
    private int length;
    private final byte[] digits = new byte[20];

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
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        ensure(n);
        while (n > 0) {
            bytes[length++] = digits[--n];
        }
        return this;
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
