package io.vyre.flink.table;

import io.vyre.flink.program.LinesProgram;
import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.VyreSource;
import io.vyre.flink.source.VyreSourceBuilder;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.expr.Expr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.source.DataStreamScanProvider;
import org.apache.flink.table.connector.source.abilities.SupportsFilterPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsLimitPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsProjectionPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * A {@code 'connector' = 'vyre'} table read through the Vyre source. What the query needs is pushed into it:
 * LIKE filters on {@code line} run on the kernel, a projection without {@code line} skips copying and decoding
 * lines, a LIMIT stops each reader once it has produced that many rows, and the file metadata columns are
 * read once per file.
 */
final class VyreDynamicTableSource implements ScanTableSource, SupportsFilterPushDown, SupportsProjectionPushDown,
    SupportsLimitPushDown, SupportsReadingMetadata {
    private final List<String> paths;
    private final boolean scan;
    private final List<byte[]> patterns;
    private final boolean ignoreCase;
    private final VyreRuntimeSettings settings;
    private final long splitBytes;
    private final Duration monitorInterval;
    private final Duration tailFinalAfter;
    private final boolean skipUnreadable;
    /** The produced row: the (projected) physical columns, then the metadata columns read. */
    private DataType rowType;
    private List<String> metadata = List.of();
    private List<ResolvedExpression> pushed = new ArrayList<>();
    private long limit = Long.MAX_VALUE;

    VyreDynamicTableSource(List<String> paths, boolean scan, List<byte[]> patterns, boolean ignoreCase,
                           VyreRuntimeSettings settings, long splitBytes, Duration monitorInterval,
                           Duration tailFinalAfter, boolean skipUnreadable, DataType rowType) {
        this.paths = paths;
        this.scan = scan;
        this.patterns = patterns;
        this.ignoreCase = ignoreCase;
        this.settings = settings;
        this.splitBytes = splitBytes;
        this.monitorInterval = monitorInterval;
        this.tailFinalAfter = tailFinalAfter;
        this.skipUnreadable = skipUnreadable;
        this.rowType = rowType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return ChangelogMode.insertOnly();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        TypeInformation<RowData> type = context.createTypeInformation(rowType);
        RowLayout layout = RowLayout.of((RowType) rowType.getLogicalType(), scan, metadata);
        VyreProgram<RowData> program;
        if (scan) {
            int overlap = patterns.stream().mapToInt(p -> p.length).max().orElse(1) - 1;
            program = VyrePrograms.custom(StandardPrograms.scan(patterns, ignoreCase), overlap,
                (path, offset, id) -> layout.row(path, offset, id), type);
        } else {
            LinesProgram<RowData> lines = VyrePrograms.lines((path, offset, line) -> layout.row(path, offset, line), type);
            Optional<Expr> filter = LineFilterTranslator.conjunction(pushed, "line");
            lines = filter.isPresent() ? lines.filtered(filter.get()) : lines;
            program = layout.needsPayload() ? lines : lines.withoutText();
        }
        VyreSourceBuilder<RowData> builder = VyreSource.builder().setPaths(paths).setProgram(program)
            .setRuntimeSettings(settings).setSplitBytes(splitBytes).setSkipUnreadableFiles(skipUnreadable)
            .setRecordLimit(limit);
        if (monitorInterval != null) {
            builder.monitorContinuously(monitorInterval, tailFinalAfter);
        }
        VyreSource<RowData> source = builder.build();
        String summary = asSummaryString();
        // built here rather than by SourceProvider so that the operator carries the summary: EXPLAIN with the
        // JSON execution plan and the web UI show what runs on the megakernel and on which backend
        return new DataStreamScanProvider() {
            @Override
            public DataStream<RowData> produceDataStream(ProviderContext provider, StreamExecutionEnvironment env) {
                DataStreamSource<RowData> stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), summary,
                    type);
                provider.generateUid("vyre-source").ifPresent(stream::uid);
                stream.setDescription(summary);
                return stream;
            }

            @Override
            public boolean isBounded() {
                return monitorInterval == null;
            }
        };
    }

    @Override
    public Result applyFilters(List<ResolvedExpression> filters) {
        List<ResolvedExpression> accepted = new ArrayList<>();
        List<ResolvedExpression> remaining = new ArrayList<>();
        for (ResolvedExpression f : filters) {
            List<ResolvedExpression> candidate = new ArrayList<>(accepted);
            candidate.add(f);
            if (!scan && LineFilterTranslator.conjunction(candidate, "line").isPresent()) {
                accepted.add(f);
            } else {
                remaining.add(f);
            }
        }
        pushed = accepted;
        return Result.of(accepted, remaining);
    }

    @Override
    public boolean supportsNestedProjection() {
        return false;
    }

    @Override
    public void applyProjection(int[][] projectedFields, DataType producedDataType) {
        rowType = producedDataType;
    }

    @Override
    public void applyLimit(long limit) {
        this.limit = limit;
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        Map<String, DataType> ordered = new LinkedHashMap<>();
        for (String key : List.of("file.path", "file.size", "file.modification-time")) {
            ordered.put(key, RowLayout.METADATA.get(key));
        }
        return ordered;
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        metadata = List.copyOf(metadataKeys);
        rowType = producedDataType;
    }

    @Override
    public DynamicTableSource copy() {
        VyreDynamicTableSource copy = new VyreDynamicTableSource(paths, scan, patterns, ignoreCase, settings, splitBytes,
            monitorInterval, tailFinalAfter, skipUnreadable, rowType);
        copy.pushed = new ArrayList<>(pushed);
        copy.metadata = metadata;
        copy.limit = limit;
        return copy;
    }

    /** What EXPLAIN shows of the scan: the program, what runs on the kernel and on which backend. */
    @Override
    public String asSummaryString() {
        StringBuilder b = new StringBuilder("vyre megakernel: ");
        if (scan) {
            b.append("MATCH ").append(patterns.size()).append(" patterns").append(ignoreCase ? " (ignore case)" : "");
        } else {
            b.append("FRAME lines");
            if (!pushed.isEmpty()) {
                b.append(", FILTER ").append(pushed);
            }
            if (!RowLayout.of((RowType) rowType.getLogicalType(), false, metadata).needsPayload()) {
                b.append(", offsets only");
            }
        }
        if (limit != Long.MAX_VALUE) {
            b.append(", limit ").append(limit).append(" per reader");
        }
        b.append("; backend ").append(settings.backend().name().toLowerCase(Locale.ROOT));
        if (settings.backend() == BackendKind.AUTO) {
            b.append(scan ? " (cpu or cuda: whichever runs MATCH over these patterns faster, measured once per task"
                + " manager)" : " (cuda where a GPU is present, else cpu)");
        }
        return b.toString();
    }
}
