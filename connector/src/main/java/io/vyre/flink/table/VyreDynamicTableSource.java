package io.vyre.flink.table;

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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsFilterPushDown;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/** A {@code 'connector' = 'vyre'} table read through the Vyre source; LIKE filters on {@code line} run on the kernel. */
final class VyreDynamicTableSource implements ScanTableSource, SupportsFilterPushDown {
    private final List<String> paths;
    private final boolean scan;
    private final List<byte[]> patterns;
    private final boolean ignoreCase;
    private final VyreRuntimeSettings settings;
    private final long splitBytes;
    private final Duration monitorInterval;
    private final Duration tailFinalAfter;
    private final boolean skipUnreadable;
    private final DataType rowType;
    private List<ResolvedExpression> pushed = new ArrayList<>();

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
        RowLayout layout = RowLayout.of((RowType) rowType.getLogicalType(), scan);
        VyreProgram<RowData> program;
        if (scan) {
            int overlap = patterns.stream().mapToInt(p -> p.length).max().orElse(1) - 1;
            program = VyrePrograms.custom(StandardPrograms.scan(patterns, ignoreCase), overlap,
                (path, offset, id) -> layout.row(path, offset, id), type);
        } else {
            var lines = VyrePrograms.lines((path, offset, line) -> layout.row(path, offset, line), type);
            Optional<Expr> filter = LineFilterTranslator.conjunction(pushed, "line");
            program = filter.isPresent() ? lines.filtered(filter.get()) : lines;
        }
        VyreSourceBuilder<RowData> builder = VyreSource.builder().setPaths(paths).setProgram(program)
            .setRuntimeSettings(settings).setSplitBytes(splitBytes).setSkipUnreadableFiles(skipUnreadable);
        if (monitorInterval != null) {
            builder.monitorContinuously(monitorInterval, tailFinalAfter);
        }
        return SourceProvider.of(builder.build());
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
    public DynamicTableSource copy() {
        VyreDynamicTableSource copy = new VyreDynamicTableSource(paths, scan, patterns, ignoreCase, settings, splitBytes,
            monitorInterval, tailFinalAfter, skipUnreadable, rowType);
        copy.pushed = new ArrayList<>(pushed);
        return copy;
    }

    @Override
    public String asSummaryString() {
        StringBuilder b = new StringBuilder("vyre(").append(scan ? "scan, " + patterns.size() + " patterns" : "lines");
        if (!pushed.isEmpty()) {
            b.append(", kernel filter=").append(pushed);
        }
        b.append(", backend=").append(settings.backend().name().toLowerCase(Locale.ROOT));
        if (settings.backend() == BackendKind.AUTO) {
            b.append(scan ? " (cpu or cuda, whichever runs MATCH over these patterns faster when measured on each task"
                + " manager)" : " (cuda where a GPU is present, else cpu)");
        }
        return b.append(')').toString();
    }
}
