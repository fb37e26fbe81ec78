package io.vyre.flink.program;

import io.vyre.runtime.bytecode.Vir0Program;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** Factories of the programs a Vyre source runs. */
@PublicEvolving
public final class VyrePrograms {
    private VyrePrograms() {
    }

    /** Every occurrence of every pattern (bytes), case-sensitive unless {@code ignoreCase}. */
    public static ScanProgram scan(List<byte[]> patterns, boolean ignoreCase) {
        return new ScanProgram(patterns, ignoreCase);
    }

    /** Every occurrence of every pattern, given as text (UTF-8). */
    public static ScanProgram scanText(List<String> patterns, boolean ignoreCase) {
        List<byte[]> bytes = new ArrayList<>();
        for (String p : patterns) {
            bytes.add(p.getBytes(StandardCharsets.UTF_8));
        }
        return new ScanProgram(bytes, ignoreCase);
    }

    /** Every line as (path, offset, line). */
    public static LinesProgram<LineRecord> lines() {
        return new LinesProgram<>(null, LineRecord::new, TypeInformation.of(LineRecord.class));
    }

    /** Every line's text. */
    public static LinesProgram<String> lineTexts() {
        return new LinesProgram<>(null, (path, offset, line) -> line, Types.STRING);
    }

    /**
     * Every line's bytes exactly as the file holds them, without the '\n' that ends it: a '\r' before it and bytes
     * that are not UTF-8 stay as they are (for byte-exact copies, such as redaction; see {@code
     * RecordEncoder.rawLines()}).
     */
    public static LinesProgram<byte[]> lineBytes() {
        return LinesProgram.bytes(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /**
     * Every line's bytes exactly as the file holds them ({@link #lineBytes()}), mapped with the file's path and the
     * line's offset to a record of the caller's type (for example to keep each file's lines apart, as the redact job's
     * output does).
     */
    public static <T> LinesProgram<T> lineBytes(LinesProgram.LineBytesMapper<T> mapper, TypeInformation<T> type) {
        return LinesProgram.bytes(mapper, type);
    }

    /** Every line, mapped to a record of the caller's type. */
    public static <T> LinesProgram<T> lines(LinesProgram.LineMapper<T> mapper, TypeInformation<T> type) {
        return new LinesProgram<>(null, mapper, type);
    }

    /** A user-supplied program with the scan calling convention and a decoder of its [offset, id] entries. */
    public static <T> CustomMatchProgram<T> custom(Vir0Program program, int overlap,
                                                   CustomMatchProgram.MatchDecoder<T> decoder,
                                                   TypeInformation<T> type) {
        return new CustomMatchProgram<>(program, overlap, decoder, type);
    }
}
