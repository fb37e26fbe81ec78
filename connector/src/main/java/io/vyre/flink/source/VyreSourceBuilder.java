package io.vyre.flink.source;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.runtime.RuntimeJvmCheck;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.io.IoPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * Builds a {@link VyreSource}, Kafka-source style; {@link #build()} names any setting that is missing or
 * invalid. {@code T} is the record type, fixed by {@link #setProgram}.
 */
@PublicEvolving
public final class VyreSourceBuilder<T> {
    private final List<String> paths = new ArrayList<>();
    private VyreProgram<?> program;
    private VyreRuntimeSettings settings = VyreRuntimeSettings.defaults();
    private long splitBytes = 64L << 20;
    private Duration monitorInterval;
    private Duration tailFinalAfter = VyreSource.DEFAULT_TAIL_FINAL_AFTER;
    private boolean skipUnreadable;
    private RateLimiterStrategy<VyreFileSplit> rateLimiter;
    private long recordLimit = Long.MAX_VALUE;

    VyreSourceBuilder() {
    }

    /**
     * Files or directories (walked recursively; entries starting with '.' or '_' are skipped). They are
     * listed where the split enumerator runs (the JobManager), so they need not exist on the client; a path
     * missing there fails the job with its name.
     */
    public VyreSourceBuilder<T> setPaths(String... paths) {
        this.paths.addAll(Arrays.asList(paths));
        return this;
    }

    public VyreSourceBuilder<T> setPaths(List<String> paths) {
        this.paths.addAll(paths);
        return this;
    }

    @SuppressWarnings("unchecked")
    public <R> VyreSourceBuilder<R> setProgram(VyreProgram<R> program) {
        this.program = program;
        return (VyreSourceBuilder<R>) this;
    }

    public VyreSourceBuilder<T> setBackend(BackendKind backend) {
        settings.backend(backend);
        return this;
    }

    /** CUDA devices to use; each reader takes one round-robin by its subtask index. */
    public VyreSourceBuilder<T> setDevices(List<Integer> devices) {
        settings.devices(devices);
        return this;
    }

    public VyreSourceBuilder<T> setRuntimeSettings(VyreRuntimeSettings settings) {
        this.settings = settings;
        return this;
    }

    public VyreSourceBuilder<T> setIoPath(IoPath ioPath) {
        settings.ioPath(ioPath);
        return this;
    }

    /** Bytes per chunk (one ring slot); also the longest line a lines program accepts. Default 4 MiB. */
    public VyreSourceBuilder<T> setChunkBytes(int chunkBytes) {
        settings.chunkBytes(chunkBytes);
        return this;
    }

    /** Chunks in flight per reader. Default 4. */
    public VyreSourceBuilder<T> setLanes(int lanes) {
        settings.lanes(lanes);
        return this;
    }

    /** Largest byte range of a file one split covers (bounded mode). Default 64 MiB. */
    public VyreSourceBuilder<T> setSplitBytes(long splitBytes) {
        this.splitBytes = splitBytes;
        return this;
    }

    /**
     * Makes the source unbounded: lists the paths at this interval and tails every file as it grows. A file
     * that has not grown for {@link VyreSource#DEFAULT_TAIL_FINAL_AFTER} is final: its end is scanned too.
     */
    public VyreSourceBuilder<T> monitorContinuously(Duration interval) {
        return monitorContinuously(interval, VyreSource.DEFAULT_TAIL_FINAL_AFTER);
    }

    /**
     * As {@link #monitorContinuously(Duration)}; a tailed file that has not grown for {@code finalAfter} is final:
     * the matches that start in its last bytes (shorter than the longest pattern) and, for lines, a last line
     * without a newline are emitted. While a file grows its end is held back, since the next bytes may complete
     * a match or a line; if a final file grows again, reading continues after what was emitted (a match that
     * would span the old end is not found, a line is emitted in two parts).
     */
    public VyreSourceBuilder<T> monitorContinuously(Duration interval, Duration finalAfter) {
        this.monitorInterval = interval;
        this.tailFinalAfter = finalAfter;
        return this;
    }

    /** Skip files that disappear, shrink or cannot be read (with a warning) instead of failing the job. */
    public VyreSourceBuilder<T> setSkipUnreadableFiles(boolean skip) {
        this.skipUnreadable = skip;
        return this;
    }

    /**
     * Limits the records each reader emits (Flink's {@link RateLimiterStrategy}, e.g. {@code
     * RateLimiterStrategy.perSecond(10_000)} for the whole source), to keep a shared machine responsive.
     */
    public VyreSourceBuilder<T> setRateLimiter(RateLimiterStrategy<VyreFileSplit> rateLimiter) {
        this.rateLimiter = rateLimiter;
        return this;
    }

    /**
     * Each reader stops reading bounded splits once it has produced this many records (the rest of its splits
     * end unread), for a query that needs only that many: SQL's {@code LIMIT}, pushed down. Readers produce
     * whole chunks, so a few more may be emitted; whatever applies the limit downstream drops them.
     */
    public VyreSourceBuilder<T> setRecordLimit(long recordLimit) {
        this.recordLimit = recordLimit;
        return this;
    }

    @SuppressWarnings("unchecked")
    public VyreSource<T> build() {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("VyreSource: no input: call setPaths with files or directories");
        }
        if (program == null) {
            throw new IllegalArgumentException("VyreSource: no program: call setProgram, e.g. with VyrePrograms.scan(...)"
                + " or VyrePrograms.lines()");
        }
        if (recordLimit < 1) {
            throw new IllegalArgumentException("VyreSource: the record limit must be positive, got " + recordLimit);
        }
        if (splitBytes < 1) {
            throw new IllegalArgumentException("VyreSource: split bytes must be positive, got " + splitBytes);
        }
        if (monitorInterval != null && (monitorInterval.isNegative() || monitorInterval.isZero())) {
            throw new IllegalArgumentException("VyreSource: monitor interval must be positive, got " + monitorInterval);
        }
        if (tailFinalAfter == null || tailFinalAfter.isNegative() || tailFinalAfter.isZero()) {
            throw new IllegalArgumentException("VyreSource: the time after which a tailed file that stopped growing is"
                + " final must be positive, got " + tailFinalAfter);
        }
        try {
            settings.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("VyreSource: " + e.getMessage(), e);
        }
        if (program.overlap() * 2L >= settings.chunkBytes()) {
            throw new IllegalArgumentException("VyreSource: the longest pattern (" + (program.overlap() + 1)
                + " bytes) needs chunks of more than twice its length; chunk bytes is " + settings.chunkBytes());
        }
        RuntimeJvmCheck.checkWhereJobIsDefined();
        return new VyreSource<>(paths, (VyreProgram<T>) program, settings, splitBytes, monitorInterval, tailFinalAfter,
            skipUnreadable, rateLimiter, recordLimit);
    }
}
