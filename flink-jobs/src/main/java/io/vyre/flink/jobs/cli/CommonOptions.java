package io.vyre.flink.jobs.cli;

import io.vyre.runtime.backend.BackendKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Options every job takes. */
public final class CommonOptions {
    @Option(names = "--backend", paramLabel = "auto|cpu|cuda", converter = BackendConverter.class,
        description = "Megakernel backend: auto (CUDA when a GPU answers, else CPU), cpu or cuda (default: ${DEFAULT-VALUE}).")
    public BackendKind backend = BackendKind.AUTO;

    @Option(names = "--devices", split = ",", paramLabel = "N[,N...]",
        description = "CUDA device ordinals; parallel subtasks take them round-robin (default: every visible device).")
    public List<Integer> devices = new ArrayList<>();

    @Option(names = "--parallelism", paramLabel = "N",
        description = "Parallel subtasks, each a tenant of one megakernel per device (default: the cluster's"
            + " default; embedded: half the cores on the CPU, 4 per GPU).")
    public Integer parallelism;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Checkpoint (and commit output) every DURATION while the input is read, e.g. 10s, and at"
            + " once when it has been (scan, redact); 0 turns checkpoints off (output is then committed at the end)"
            + " (default: 10s).")
    public Duration checkpointInterval = Duration.ofSeconds(10);

    @Option(names = "--restart-attempts", paramLabel = "N",
        description = "Times a failed job restarts from its last checkpoint before it gives up (default: ${DEFAULT-VALUE}).")
    public int restartAttempts = 3;

    @Option(names = "--verbose", description = "Log at INFO, show stack traces of errors and, after a scan on the"
        + " embedded cluster, the time spent per pipeline stage.")
    public boolean verbose;

    /** Parses auto|cpu|cuda with the runtime's own message for anything else. */
    public static final class BackendConverter implements ITypeConverter<BackendKind> {
        @Override
        public BackendKind convert(String value) {
            try {
                return BackendKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses Flink durations: 10s, 500ms, 1min. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return TimeUtils.parseDuration(value);
            } catch (RuntimeException e) {
                throw new TypeConversionException("'" + value + "' is not a duration: write e.g. 10s, 500ms or 1min");
            }
        }
    }
}
