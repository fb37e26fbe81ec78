package io.vyre.flink.table;

import static io.vyre.flink.table.VyreTableOptions.*;

import io.vyre.flink.program.PatternsFile;
import io.vyre.flink.runtime.RuntimeJvmCheck;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.runtime.backend.BackendKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

/**
 * {@code 'connector' = 'vyre'}: files read or written through the megakernel. Options are strict: one that does
 * not apply to the table's role (source or sink) or program fails with the list of those that do.
 */
@Internal
public final class VyreDynamicTableFactory implements DynamicTableSourceFactory, DynamicTableSinkFactory {
    public static final String IDENTIFIER = "vyre";
    /** The largest chunk a sink writes through its kernel (its lanes' output regions are sized for it). */
    static final int SINK_MAX_CHUNK_BYTES = 1 << 20;

    private static final Set<ConfigOption<?>> COMMON = Set.of(PATH, BACKEND, DEVICES, CHUNK_BYTES, LANES);
    private static final Set<ConfigOption<?>> SOURCE = Set.of(PROGRAM, SPLIT_BYTES, MONITOR_INTERVAL, SKIP_UNREADABLE);
    private static final Set<ConfigOption<?>> SCAN = Set.of(PATTERNS, PATTERNS_FILE, PATTERNS_SEPARATOR, IGNORE_CASE);
    private static final Set<ConfigOption<?>> SINK = Set.of(REDACT_PATTERNS, REDACT_MASK, SINK_ROLLING_FILE_SIZE,
        SINK_ROLLOVER_INTERVAL, SINK_INACTIVITY_INTERVAL);
    private static final Set<ConfigOption<?>> REDACTING_SINK = Set.of(PATTERNS_SEPARATOR, IGNORE_CASE);

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(PROGRAM, PATTERNS, PATTERNS_SEPARATOR, PATTERNS_FILE, IGNORE_CASE, BACKEND, DEVICES, CHUNK_BYTES,
            LANES, SPLIT_BYTES, MONITOR_INTERVAL, TAIL_FINAL_AFTER, SKIP_UNREADABLE, REDACT_PATTERNS, REDACT_MASK,
            SINK_ROLLING_FILE_SIZE, SINK_ROLLOVER_INTERVAL, SINK_INACTIVITY_INTERVAL);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        String program = options.get(PROGRAM);
        if (!program.equals("lines") && !program.equals("scan")) {
            throw new ValidationException("vyre option 'program' is '" + program + "'; use 'lines' or 'scan'");
        }
        boolean scan = program.equals("scan");
        Set<ConfigOption<?>> applicable = new HashSet<>(COMMON);
        applicable.addAll(SOURCE);
        if (scan) {
            applicable.addAll(SCAN);
        }
        if (options.getOptional(MONITOR_INTERVAL).isPresent()) {
            applicable.add(TAIL_FINAL_AFTER);
        }
        requireApplicable(context, applicable, "a source table with 'program' = '" + program + "'"
            + (options.getOptional(MONITOR_INTERVAL).isPresent() ? "" : " and no 'monitor-interval'"));
        RuntimeJvmCheck.checkBeforeSubmission(context.getConfiguration());
        List<byte[]> patterns = scan ? patterns(options, PATTERNS, true) : List.of();
        List<String> paths = Arrays.stream(options.get(PATH).split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .toList();
        RowLayout.of((RowType) context.getPhysicalRowDataType().getLogicalType(), scan);  // names a wrong column now
        return new VyreDynamicTableSource(paths, scan, patterns, options.get(IGNORE_CASE), settings(options),
            options.get(SPLIT_BYTES), options.getOptional(MONITOR_INTERVAL).orElse(null), options.get(TAIL_FINAL_AFTER),
            options.get(SKIP_UNREADABLE), context.getPhysicalRowDataType());
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        Set<ConfigOption<?>> applicable = new HashSet<>(COMMON);
        applicable.addAll(SINK);
        boolean redacting = options.getOptional(REDACT_PATTERNS).isPresent();
        if (redacting) {
            applicable.addAll(REDACTING_SINK);
        }
        requireApplicable(context, applicable, redacting ? "a sink table" : "a sink table without 'redact.patterns'");
        RuntimeJvmCheck.checkBeforeSubmission(context.getConfiguration());
        int chunkBytes = options.getOptional(CHUNK_BYTES).orElse(SINK_MAX_CHUNK_BYTES);
        if (chunkBytes > SINK_MAX_CHUNK_BYTES) {
            throw new ValidationException("vyre option 'chunk-bytes' is " + chunkBytes + " on a sink table; a sink writes"
                + " chunks of at most " + SINK_MAX_CHUNK_BYTES + " bytes (1 MiB, its default): lower it or leave it out");
        }
        List<String> redact = new ArrayList<>();
        for (byte[] p : patterns(options, REDACT_PATTERNS, false)) {
            redact.add(new String(p, StandardCharsets.UTF_8));
        }
        String mask = options.get(REDACT_MASK);
        if (mask.length() != 1 || mask.charAt(0) > 0x7F) {
            throw new ValidationException("vyre option 'redact.mask' must be one ASCII character, is '" + mask + "'");
        }
        return new VyreDynamicTableSink(options.get(PATH), redact, options.get(IGNORE_CASE), mask.charAt(0),
            settings(options).chunkBytes(chunkBytes), new VyreDynamicTableSink.Rolling(
                options.get(SINK_ROLLING_FILE_SIZE).getBytes(), positive(options, SINK_ROLLOVER_INTERVAL),
                positive(options, SINK_INACTIVITY_INTERVAL)),
            context.getPhysicalRowDataType());
    }

    /** A rolling interval, or null when the table leaves it unset. */
    private static Duration positive(ReadableConfig options, ConfigOption<Duration> option) {
        Duration d = options.getOptional(option).orElse(null);
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new ValidationException("vyre option '" + option.key() + "' must be a positive duration, is " + d
                + ": leave it out to roll by size and at checkpoints only");
        }
        return d;
    }

    /** Fails on an option the table sets that does not apply to it, listing those that do. */
    private static void requireApplicable(Context context, Set<ConfigOption<?>> applicable, String what) {
        Set<String> keys = new TreeSet<>();
        for (ConfigOption<?> o : applicable) {
            keys.add(o.key());
        }
        for (String key : new TreeSet<>(context.getCatalogTable().getOptions().keySet())) {
            if (!key.equals(FactoryUtil.CONNECTOR.key()) && !keys.contains(key)) {
                throw new ValidationException("vyre option '" + key + "' does not apply to " + what + " ("
                    + context.getObjectIdentifier().asSummaryString() + "); the options that do: " + keys);
            }
        }
    }

    private static VyreRuntimeSettings settings(ReadableConfig options) {
        VyreRuntimeSettings settings = VyreRuntimeSettings.defaults().chunkBytes(options.get(CHUNK_BYTES))
            .lanes(options.get(LANES));
        try {
            settings.backend(BackendKind.parse(options.get(BACKEND)));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("vyre option 'backend': " + e.getMessage());
        }
        options.getOptional(DEVICES).ifPresent(d -> {
            List<Integer> devices = new ArrayList<>();
            for (String s : d.split(",")) {
                try {
                    devices.add(Integer.parseInt(s.trim()));
                } catch (NumberFormatException e) {
                    throw new ValidationException("vyre option 'devices' must list device ordinals, e.g. '0,1'; got '" + d
                        + "'");
                }
            }
            settings.devices(devices);
        });
        try {
            settings.validate();
        } catch (IllegalArgumentException e) {
            throw new ValidationException("vyre options: " + e.getMessage());
        }
        return settings;
    }

    private static List<byte[]> patterns(ReadableConfig options, ConfigOption<String> inline, boolean required) {
        List<byte[]> patterns = new ArrayList<>();
        options.getOptional(inline).ifPresent(s -> {
            for (String p : s.split(Pattern.quote(options.get(PATTERNS_SEPARATOR)))) {
                if (!p.isEmpty()) {
                    patterns.add(p.getBytes(StandardCharsets.UTF_8));
                }
            }
        });
        if (inline == PATTERNS) {
            options.getOptional(PATTERNS_FILE).ifPresent(f -> {
                try {
                    patterns.addAll(PatternsFile.read(Path.of(f)));
                } catch (IOException e) {
                    throw new UncheckedIOException(new IOException("vyre option 'patterns.file': cannot read " + f + ": "
                        + e.getMessage(), e));
                }
            });
        }
        if (required && patterns.isEmpty()) {
            throw new ValidationException("vyre 'program' = 'scan' needs patterns: set 'patterns' or 'patterns.file'");
        }
        return patterns;
    }
}
