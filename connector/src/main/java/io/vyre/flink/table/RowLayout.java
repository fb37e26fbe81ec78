package io.vyre.flink.table;

import io.vyre.flink.source.split.InputFiles;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * Maps the produced row's columns to what the program gives: the physical columns by name ({@code path STRING},
 * {@code offset BIGINT}, and {@code line STRING} (lines) or {@code pattern_id INT} (scan), any subset in any
 * order), then the metadata columns the query reads, in the planner's order.
 */
final class RowLayout implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final int PATH = 0;
    private static final int OFFSET = 1;
    private static final int PAYLOAD = 2;
    private static final int FILE_PATH = 3;
    private static final int FILE_SIZE = 4;
    private static final int FILE_MODIFIED = 5;

    /** The readable metadata: key, type and the kind of value. */
    static final Map<String, DataType> METADATA = Map.of(
        "file.path", DataTypes.STRING().notNull(),
        "file.size", DataTypes.BIGINT().notNull(),
        "file.modification-time", DataTypes.TIMESTAMP_LTZ(3).notNull());

    private final int[] kinds;
    private transient String statPath;
    private transient InputFiles.Attributes stat;

    private RowLayout(int[] kinds) {
        this.kinds = kinds;
    }

    /** The physical columns of a table, checked. */
    static RowLayout of(RowType row, boolean scan) {
        return of(row, scan, List.of());
    }

    /** {@code row}'s last {@code metadata.size()} fields are the metadata columns with these keys. */
    static RowLayout of(RowType row, boolean scan, List<String> metadata) {
        List<RowType.RowField> fields = row.getFields();
        int physical = fields.size() - metadata.size();
        int[] kinds = new int[fields.size()];
        String payload = scan ? "pattern_id" : "line";
        for (int i = 0; i < physical; i++) {
            RowType.RowField f = fields.get(i);
            LogicalTypeRoot type = f.getType().getTypeRoot();
            switch (f.getName()) {
                case "path" -> kinds[i] = expect(PATH, f, type, LogicalTypeRoot.VARCHAR);
                case "offset" -> kinds[i] = expect(OFFSET, f, type, LogicalTypeRoot.BIGINT);
                default -> {
                    if (!f.getName().equals(payload)) {
                        throw new ValidationException("vyre " + (scan ? "scan" : "lines") + " tables have the columns path"
                            + " STRING, offset BIGINT and " + payload + (scan ? " INT" : " STRING") + " (and the metadata"
                            + " " + METADATA.keySet() + "); column '" + f.getName() + "' is none of them");
                    }
                    kinds[i] = expect(PAYLOAD, f, type, scan ? LogicalTypeRoot.INTEGER : LogicalTypeRoot.VARCHAR);
                }
            }
        }
        for (int i = physical; i < kinds.length; i++) {
            kinds[i] = switch (metadata.get(i - physical)) {
                case "file.path" -> FILE_PATH;
                case "file.size" -> FILE_SIZE;
                case "file.modification-time" -> FILE_MODIFIED;
                default -> throw new ValidationException("vyre tables have no metadata '" + metadata.get(i - physical)
                    + "'; readable: " + METADATA.keySet());
            };
        }
        return new RowLayout(kinds);
    }

    private static int expect(int kind, RowType.RowField f, LogicalTypeRoot have, LogicalTypeRoot want) {
        if (have != want) {
            throw new ValidationException("vyre column '" + f.getName() + "' must be " + want + ", is " + have);
        }
        return kind;
    }

    /** Whether the rows carry the line's text (else the reader need not copy or decode it). */
    boolean needsPayload() {
        for (int k : kinds) {
            if (k == PAYLOAD) {
                return true;
            }
        }
        return false;
    }

    /** One row; called by one reader thread. */
    RowData row(String path, long offset, Object payload) {
        GenericRowData row = new GenericRowData(kinds.length);
        for (int i = 0; i < kinds.length; i++) {
            switch (kinds[i]) {
                case PATH, FILE_PATH -> row.setField(i, StringData.fromString(path));
                case OFFSET -> row.setField(i, offset);
                case PAYLOAD -> row.setField(i, payload instanceof String s ? StringData.fromString(s) : payload);
                case FILE_SIZE -> row.setField(i, stat(path).size());
                default -> row.setField(i, TimestampData.fromEpochMillis(stat(path).modifiedMillis()));
            }
        }
        return row;
    }

    /** The file's attributes when this reader first made a row of it (read again when the reader moves to another file). */
    private InputFiles.Attributes stat(String path) {
        if (!path.equals(statPath)) {
            try {
                stat = InputFiles.attributes(path);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the size and modification time of " + path + " (metadata"
                    + " columns): " + e.getMessage(), e);
            }
            statPath = path;
        }
        return stat;
    }
}
