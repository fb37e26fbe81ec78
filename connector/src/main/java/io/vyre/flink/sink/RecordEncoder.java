package io.vyre.flink.sink;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Turns a record into the bytes the sink writes for it (a line, by default). The sink calls
 * {@link #encodeInto}; an encoder that overrides it writes each record without allocating.
 */
@FunctionalInterface
@PublicEvolving
public interface RecordEncoder<IN> extends Serializable {
    byte[] encode(IN record);

    /** Appends the record's bytes to {@code out}, which the sink reuses and has emptied; by default {@link #encode}. */
    default void encodeInto(IN record, RecordBytes out) {
        out.append(encode(record));
    }

    /** {@code record.toString()} in UTF-8, followed by '\n'. */
    static <IN> RecordEncoder<IN> lines() {
        return new RecordEncoder<>() {
            @Override
            public byte[] encode(IN record) {
                return (record + "\n").getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public void encodeInto(IN record, RecordBytes out) {
                out.appendUtf8(String.valueOf(record)).append((byte) '\n');
            }
        };
    }

    /** The record's bytes as they are, followed by '\n' (the lines of {@code VyrePrograms.lineBytes()}). */
    static RecordEncoder<byte[]> rawLines() {
        return new RecordEncoder<>() {
            @Override
            public byte[] encode(byte[] record) {
                byte[] line = Arrays.copyOf(record, record.length + 1);
                line[record.length] = '\n';
                return line;
            }

            @Override
            public void encodeInto(byte[] record, RecordBytes out) {
                out.append(record).append((byte) '\n');
            }
        };
    }
}
