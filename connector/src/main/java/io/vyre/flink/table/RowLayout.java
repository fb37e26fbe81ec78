package io.vyre.flink.table;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * Maps the table's columns, by name, to what the program produces: {@code path STRING}, {@code offset
 * BIGINT}, and {@code line STRING} (lines) or {@code pattern_id INT} (scan). Any subset, in any order.
 */
final class RowLayout implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int PATH = 0;
    static final int OFFSET = 1;
    static final int PAYLOAD = 2;

    private final int[] kinds;

    private RowLayout(int[] kinds) {
        this.kinds = kinds;
    }

    static RowLayout of(RowType row, boolean scan) {
        List<RowType.RowField> fields = row.getFields();
        int[] kinds = new int[fields.size()];
        String payload = scan ? "pattern_id" : "line";
        for (int i = 0; i < kinds.length; i++) {
            RowType.RowField f = fields.get(i);
            LogicalTypeRoot type = f.getType().getTypeRoot();
            switch (f.getName()) {
                case "path" -> kinds[i] = expect(PATH, f, type, LogicalTypeRoot.VARCHAR);
                case "offset" -> kinds[i] = expect(OFFSET, f, type, LogicalTypeRoot.BIGINT);
                default -> {
                    if (!f.getName().equals(payload)) {
                        throw new ValidationException("vyre " + (scan ? "scan" : "lines") + " tables have the columns path"
                            + " STRING, offset BIGINT and " + payload + (scan ? " INT" : " STRING") + "; column '"
                            + f.getName() + "' is none of them");
                    }
                    kinds[i] = expect(PAYLOAD, f, type, scan ? LogicalTypeRoot.INTEGER : LogicalTypeRoot.VARCHAR);
                }
            }
        }
        return new RowLayout(kinds);
    }

    private static int expect(int kind, RowType.RowField f, LogicalTypeRoot have, LogicalTypeRoot want) {
        if (have != want) {
            throw new ValidationException("vyre column '" + f.getName() + "' must be " + want + ", is " + have);
        }
        return kind;
    }

    RowData row(String path, long offset, Object payload) {
        GenericRowData row = new GenericRowData(kinds.length);
        for (int i = 0; i < kinds.length; i++) {
            switch (kinds[i]) {
                case PATH -> row.setField(i, StringData.fromString(path));
                case OFFSET -> row.setField(i, offset);
                default -> row.setField(i, payload instanceof String s ? StringData.fromString(s) : payload);
            }
        }
        return row;
    }
}
