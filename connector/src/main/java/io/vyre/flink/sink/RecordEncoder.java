package io.vyre.flink.sink;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.PublicEvolving;

/** Turns a record into the bytes the sink writes for it (a line, by default). */
@FunctionalInterface
@PublicEvolving
public interface RecordEncoder<IN> extends Serializable {
    byte[] encode(IN record);

    /** {@code record.toString()} in UTF-8, followed by '\n'. */
    static <IN> RecordEncoder<IN> lines() {
        return record -> (record + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The record's bytes as they are, followed by '\n' (the lines of {@code VyrePrograms.lineBytes()}). */
    static RecordEncoder<byte[]> rawLines() {
        return record -> {
            byte[] line = java.util.Arrays.copyOf(record, record.length + 1);
            line[record.length] = '\n';
            return line;
        };
    }
}
