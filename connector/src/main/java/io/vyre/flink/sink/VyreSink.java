package io.vyre.flink.sink;

import io.vyre.flink.fs.FileLocation;
import io.vyre.flink.runtime.RuntimeJvmCheck;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.runtime.backend.BackendKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;

/**
 * A Sink V2 that writes records through the megakernel into part files, exactly once: each writer owns a
 * runtime, writes hidden in-progress files through the IO queue, syncs and closes them at every checkpoint,
 * and the committer renames them into place when the checkpoint completes. On another file system than the local
 * one ({@code s3://}, {@code hdfs://}) the closed part files are uploaded at the checkpoint and the committer
 * completes the uploads ({@link RemoteParts}). Optionally every occurrence of
 * a set of patterns is masked on the way ({@link Builder#redact}).
 */
@PublicEvolving
public final class VyreSink<IN>
    implements Sink<IN>, SupportsCommitter<VyreCommittable>, SupportsWriterState<IN, VyreWriterState> {
    private static final long serialVersionUID = 1L;
    private final VyreSinkConfig config;

    private VyreSink(VyreSinkConfig config) {
        this.config = config;
    }

    /** FileSink's default part size. */
    public static final long DEFAULT_MAX_PART_BYTES = 128L << 20;

    public static <IN> Builder<IN> builder() {
        return new Builder<>();
    }

    @Override
    public VyreSinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    /**
     * A writer after a failover: first deletes the in-progress files the failed attempts' writers left, those
     * opened after the restored checkpoint and those of attempts that failed before any checkpoint.
     */
    @Override
    public VyreSinkWriter<IN> restoreWriter(WriterInitContext context, Collection<VyreWriterState> recovered)
        throws IOException {
        RuntimeJvmCheck.checkTaskManager();
        boolean buckets = config.bucketAssignerAny() != null;
        VyreSinkWriter.deleteUncommitted(recovered, buckets);
        String jobId = context.getJobInfo().getJobId().toHexString();
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        int attempt = context.getTaskInfo().getAttemptNumber();
        if (config.remote()) {
            RemoteParts.deleteEarlierAttempts(config.stagingRoot(), config.directory(), jobId, subtask, attempt);
        } else {
            VyreSinkWriter.deleteOrphans(config.localDirectory(jobId, subtask, attempt), buckets, jobId, subtask, attempt,
                recovered);
        }
        return new VyreSinkWriter<>(config, context, recovered);
    }

    @Override
    public SimpleVersionedSerializer<VyreWriterState> getWriterStateSerializer() {
        return new VyreWriterStateSerializer();
    }

    @Override
    public Committer<VyreCommittable> createCommitter(CommitterInitContext context) {
        return new VyreCommitter();
    }

    @Override
    public SimpleVersionedSerializer<VyreCommittable> getCommittableSerializer() {
        return new VyreCommittableSerializer();
    }

    /** Builds a {@link VyreSink}; {@link #build()} names what is missing. */
    public static final class Builder<IN> {
        private String directory;
        private String stagingDirectory;
        private RecordEncoder<IN> encoder = RecordEncoder.lines();
        private final ArrayList<byte[]> redact = new ArrayList<>();
        private boolean ignoreCase;
        private byte mask = '*';
        private VyreRuntimeSettings settings = VyreRuntimeSettings.defaults().chunkBytes(1 << 20);
        private long maxPartBytes = DEFAULT_MAX_PART_BYTES;
        private Duration rolloverInterval;
        private Duration inactivityInterval;
        private BucketAssigner<IN, String> bucketAssigner;

        /**
         * Where the part files go: a local (or mounted) folder, which the megakernel writes directly, or a folder of
         * another Flink file system ({@code s3://bucket/out}, {@code hdfs://...}, with its plugin and credentials
         * configured): part files are then staged locally ({@link #setStagingDirectory}) and uploaded at each
         * checkpoint through the file system's recoverable writer, completed when the checkpoint completes.
         */
        public Builder<IN> setOutputDirectory(String directory) {
            this.directory = directory;
            return this;
        }

        /**
         * For an output directory on another file system: the local folder part files are staged in until the
         * checkpoint uploads them (default: the task manager JVM's {@code java.io.tmpdir}). It holds at most the part
         * files of one checkpoint interval.
         */
        public Builder<IN> setStagingDirectory(String stagingDirectory) {
            this.stagingDirectory = stagingDirectory;
            return this;
        }

        public Builder<IN> setEncoder(RecordEncoder<IN> encoder) {
            this.encoder = encoder;
            return this;
        }

        /** Masks every occurrence of every pattern with {@code mask} bytes of the same length. */
        public Builder<IN> redact(List<String> patterns, boolean ignoreCase, char mask) {
            if (mask == 0 || mask > 0x7F) {
                throw new IllegalArgumentException("VyreSink: the redaction mask must be one ASCII character (it replaces"
                    + " each masked byte), got '" + mask + "'");
            }
            for (String p : patterns) {
                redact.add(p.getBytes(StandardCharsets.UTF_8));
            }
            this.ignoreCase = ignoreCase;
            this.mask = (byte) mask;
            return this;
        }

        public Builder<IN> setBackend(BackendKind backend) {
            settings.backend(backend);
            return this;
        }

        public Builder<IN> setRuntimeSettings(VyreRuntimeSettings settings) {
            this.settings = settings;
            return this;
        }

        /**
         * Rolls to a new part file before one would grow past this size (as FileSink's default rolling policy,
         * 128 MiB by default); every checkpoint rolls too. A part file holds at least one chunk, so a limit below
         * the chunk size gives one chunk per file.
         */
        public Builder<IN> setMaxPartBytes(long maxPartBytes) {
            this.maxPartBytes = maxPartBytes;
            return this;
        }

        /**
         * Rolls a part file that has been open this long (off by default; FileSink's rollover interval): checked
         * at every chunk and by a processing-time timer, so the records buffered for the file are written and it
         * is closed even when no more records come. It is committed with the next checkpoint, as every part file.
         */
        public Builder<IN> setRolloverInterval(Duration interval) {
            this.rolloverInterval = interval;
            return this;
        }

        /**
         * Rolls a part file when no record came for it this long (off by default; FileSink's inactivity
         * interval), checked by a processing-time timer every quarter of the interval; records that come later
         * go into a new part file.
         */
        public Builder<IN> setInactivityInterval(Duration interval) {
            this.inactivityInterval = interval;
            return this;
        }

        /**
         * Puts each record's part file into the sub-directory its bucket names (FileSink's {@link BucketAssigner},
         * for example {@code DateTimeBucketAssigner}; a bucket id may hold {@code /} but must stay inside the output
         * directory). A writer keeps a part file open per bucket (up to {@value VyreSinkWriter#MAX_OPEN_PARTS};
         * past that the least recently written one rolls), so buckets may interleave; each change of bucket writes
         * out what is buffered as a short chunk, and the writer logs a warning past
         * {@value VyreSinkWriter#BUCKET_CHANGES_WARNED} changes between two checkpoints. On restore, the writer looks for its in-progress files in every folder under the
         * output directory, so with buckets no other sink should write below it.
         */
        public Builder<IN> setBucketAssigner(BucketAssigner<IN, String> assigner) {
            this.bucketAssigner = assigner;
            return this;
        }

        public VyreSink<IN> build() {
            if (directory == null || directory.isBlank()) {
                throw new IllegalArgumentException("VyreSink: no output directory: call setOutputDirectory");
            }
            if (FileLocation.isLocal(directory)) {
                directory = FileLocation.localPath(directory).toString();  // file:/x -> /x: the megakernel writes paths
            }
            if (encoder == null) {
                throw new IllegalArgumentException("VyreSink: no encoder: call setEncoder or keep the default (lines)");
            }
            for (byte[] p : redact) {
                if (p.length == 0) {
                    throw new IllegalArgumentException("VyreSink: a redaction pattern is empty");
                }
            }
            try {
                settings.validate();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("VyreSink: " + e.getMessage(), e);
            }
            RuntimeJvmCheck.checkWhereJobIsDefined();
            if (maxPartBytes < 1) {
                throw new IllegalArgumentException("VyreSink: the largest part file must be positive, got " + maxPartBytes);
            }
            for (Duration d : new Duration[] {rolloverInterval, inactivityInterval}) {
                if (d != null && (d.isNegative() || d.isZero())) {
                    throw new IllegalArgumentException("VyreSink: a rolling interval must be positive, got " + d
                        + " (leave it unset to roll by size and at checkpoints only)");
                }
            }
            return new VyreSink<>(new VyreSinkConfig(directory, stagingDirectory, encoder, redact, ignoreCase, mask,
                settings, maxPartBytes, rolloverInterval, inactivityInterval, bucketAssigner));
        }
    }
}
