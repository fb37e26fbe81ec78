package io.vyre.flink.table;

import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.RecordEncoder;
import io.vyre.flink.sink.VyreSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/** Writes each row as one line (fields joined by tabs) through the Vyre sink, optionally redacted. */
final class VyreDynamicTableSink implements DynamicTableSink {
    private final String directory;
    private final List<String> redact;
    private final boolean ignoreCase;
    private final char mask;
    private final VyreRuntimeSettings settings;
    private final Rolling rolling;
    private final DataType rowType;

    /** The sink's rolling options: the largest part file, and the two intervals (null when not set). */
    record Rolling(long maxPartBytes, Duration rolloverInterval, Duration inactivityInterval) {
    }

    VyreDynamicTableSink(String directory, List<String> redact, boolean ignoreCase, char mask, VyreRuntimeSettings settings,
                         Rolling rolling, DataType rowType) {
        this.directory = directory;
        this.redact = redact;
        this.ignoreCase = ignoreCase;
        this.mask = mask;
        this.settings = settings;
        this.rolling = rolling;
        this.rowType = rowType;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        List<LogicalType> types = ((RowType) rowType.getLogicalType()).getChildren();
        RowData.FieldGetter[] getters = new RowData.FieldGetter[types.size()];
        for (int i = 0; i < getters.length; i++) {
            getters[i] = RowData.createFieldGetter(types.get(i), i);
        }
        RecordEncoder<RowData> encoder = row -> {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < getters.length; i++) {
                if (i > 0) {
                    line.append('\t');
                }
                Object v = getters[i].getFieldOrNull(row);
                line.append(v == null ? "" : v.toString());
            }
            return line.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        };
        VyreSink.Builder<RowData> builder = VyreSink.<RowData>builder().setOutputDirectory(directory).setEncoder(encoder)
            .setRuntimeSettings(settings).setMaxPartBytes(rolling.maxPartBytes())
            .setRolloverInterval(rolling.rolloverInterval()).setInactivityInterval(rolling.inactivityInterval());
        if (!redact.isEmpty()) {
            builder.redact(redact, ignoreCase, mask);
        }
        return SinkV2Provider.of(builder.build());
    }

    @Override
    public DynamicTableSink copy() {
        return new VyreDynamicTableSink(directory, redact, ignoreCase, mask, settings, rolling, rowType);
    }

    @Override
    public String asSummaryString() {
        return "vyre(" + directory + (redact.isEmpty() ? "" : ", redact " + redact.size() + " patterns") + ")";
    }
}
