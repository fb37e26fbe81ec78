package io.vyre.flink.table;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** Options of {@code 'connector' = 'vyre'}. */
@PublicEvolving
public final class VyreTableOptions {
    public static final ConfigOption<String> PATH = ConfigOptions.key("path").stringType().noDefaultValue()
        .withDescription("Files or directories to read (comma-separated), or the directory to write part files to.");
    public static final ConfigOption<String> PROGRAM = ConfigOptions.key("program").stringType().defaultValue("lines")
        .withDescription("'lines': (path, offset, line) per line; 'scan': (path, offset, pattern_id) per occurrence.");
    public static final ConfigOption<String> PATTERNS = ConfigOptions.key("patterns").stringType().noDefaultValue()
        .withDescription("Scan patterns, separated by 'patterns.separator'.");
    public static final ConfigOption<String> PATTERNS_SEPARATOR = ConfigOptions.key("patterns.separator").stringType()
        .defaultValue(";").withDescription("Separator of 'patterns' and 'redact.patterns'.");
    public static final ConfigOption<String> PATTERNS_FILE = ConfigOptions.key("patterns.file").stringType()
        .noDefaultValue().withDescription("A file of scan patterns, one per non-empty line (UTF-8).");
    public static final ConfigOption<Boolean> IGNORE_CASE = ConfigOptions.key("ignore-case").booleanType()
        .defaultValue(false).withDescription("Match ASCII letters regardless of case.");
    public static final ConfigOption<String> BACKEND = ConfigOptions.key("backend").stringType().defaultValue("auto")
        .withDescription("auto (CUDA when a GPU answers, else CPU), cpu or cuda.");
    public static final ConfigOption<String> DEVICES = ConfigOptions.key("devices").stringType().noDefaultValue()
        .withDescription("CUDA device ordinals (comma-separated); subtasks take them round-robin.");
    public static final ConfigOption<Integer> CHUNK_BYTES = ConfigOptions.key("chunk-bytes").intType()
        .defaultValue(4 << 20).withDescription("Bytes per chunk through the megakernel; the longest line accepted.");
    public static final ConfigOption<Integer> LANES = ConfigOptions.key("lanes").intType().defaultValue(4)
        .withDescription("Chunks in flight per subtask.");
    public static final ConfigOption<Long> SPLIT_BYTES = ConfigOptions.key("split-bytes").longType()
        .defaultValue(64L << 20).withDescription("Largest byte range of a file one split covers.");
    public static final ConfigOption<Duration> MONITOR_INTERVAL = ConfigOptions.key("monitor-interval").durationType()
        .noDefaultValue().withDescription("When set, the source is unbounded: paths are listed at this interval and"
            + " files tailed as they grow.");
    public static final ConfigOption<Duration> TAIL_FINAL_AFTER = ConfigOptions.key("tail.final-after").durationType()
        .defaultValue(Duration.ofSeconds(10)).withDescription("With 'monitor-interval': a tailed file that has not"
            + " grown for this long is final, and its end (matches in its last bytes, a last line without a newline)"
            + " is scanned.");
    public static final ConfigOption<Boolean> SKIP_UNREADABLE = ConfigOptions.key("skip-unreadable-files")
        .booleanType().defaultValue(false).withDescription("Skip files that vanish, shrink or cannot be read.");
    public static final ConfigOption<String> REDACT_PATTERNS = ConfigOptions.key("redact.patterns").stringType()
        .noDefaultValue().withDescription("Sink: patterns masked in every written line.");
    public static final ConfigOption<MemorySize> SINK_ROLLING_FILE_SIZE = ConfigOptions
        .key("sink.rolling-policy.file-size").memoryType().defaultValue(MemorySize.ofMebiBytes(128))
        .withDescription("Sink: a part file rolls before it would grow past this size (every checkpoint rolls too).");
    public static final ConfigOption<Duration> SINK_ROLLOVER_INTERVAL = ConfigOptions
        .key("sink.rolling-policy.rollover-interval").durationType().noDefaultValue()
        .withDescription("Sink: a part file open this long rolls (checked at every chunk and by a timer); unset: off.");
    public static final ConfigOption<Duration> SINK_INACTIVITY_INTERVAL = ConfigOptions
        .key("sink.rolling-policy.inactivity-interval").durationType().noDefaultValue()
        .withDescription("Sink: a part file that received no row this long rolls (checked by a timer every quarter"
            + " of the interval); later rows go into a new one; unset: off.");
    public static final ConfigOption<String> REDACT_MASK = ConfigOptions.key("redact.mask").stringType()
        .defaultValue("*").withDescription("Sink: the mask character.");

    private VyreTableOptions() {
    }
}
