package io.vyre.flink.sink;

import io.vyre.flink.runtime.GpuResources;
import io.vyre.flink.runtime.PipelineStages.Stage;
import io.vyre.flink.runtime.RuntimeMetrics;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.runtime.Lane;
import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.SlotResult;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes records into an ingest buffer; when it is full (or at a checkpoint) the megakernel runs the
 * sink's program over it (optionally redacting every pattern occurrence) and writes it through the IO
 * queue (WRITE_BACK) into a hidden in-progress part file. At each checkpoint the part file is synced
 * (BATCH_FENCE → IO FENCE) and handed to the committer.
 *
 * With a bucket assigner each bucket has its own open part file, so records of buckets that interleave still go
 * into one part file per bucket (at most {@link #MAX_OPEN_PARTS} open at once). Part files roll (close; committed
 * with the next checkpoint) at every checkpoint, before one would grow past the largest part size, and, where set,
 * after the rollover interval (checked at every chunk and by a processing-time timer) or the inactivity interval (by
 * the timer).
 */
final class VyreSinkWriter<IN>
    implements CommittingSinkWriter<IN, VyreCommittable>, StatefulSinkWriter<IN, VyreWriterState> {
    private static final Duration WAIT = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(VyreSinkWriter.class);
    /** Changes of bucket between two checkpoints past which the writer warns (each one writes out a short chunk). */
    static final int BUCKET_CHANGES_WARNED = 100_000;
    /** Part files a writer keeps open at once (one per bucket); past it, the least recently written one rolls. */
    static final int MAX_OPEN_PARTS = 256;
    /** Records are timed one in this many (a power of two). */
    private static final int ENCODE_SAMPLE = 16;

    /** This subtask's tenant on its device's shared megakernel runtime. */
    private final VyreTenant rt;
    private final RecordEncoder<IN> encoder;
    private final Path dir;
    private final String prefix;
    private final LoadedProgram write;
    private final LoadedProgram fence;
    private final int chunkBytes;
    private final Counter recordsSent;
    private final Counter bytesSent;
    private final RuntimeMetrics metrics;
    /** A chunk the kernel is writing: its slot, when it was issued, and the part file it goes to. */
    private record Write(long sequence, long issuedNanos, Path file, int handle) {
    }

    /** The part file a bucket writes into (the output directory's own without an assigner, bucket ""). */
    private static final class Part {
        final String bucket;
        final Path folder;
        /** The open part file (hidden, in progress), or null before the bucket's next record. */
        Path inProgress;
        Path target;
        int number;
        int fileHandle;
        long fileOffset;
        /** When the first record of the open part file came (System.nanoTime; -1: none yet), for the rollover. */
        long startNanos = -1;
        /** When the writer last switched away from this bucket (System.nanoTime), for the inactivity interval. */
        long idleSinceNanos = System.nanoTime();

        Part(String bucket, Path folder) {
            this.bucket = bucket;
            this.folder = folder;
        }
    }

    private final ArrayDeque<Write> inFlight = new ArrayDeque<>();
    private final List<Lane> lanesInFlight = new ArrayList<>();
    private Lane lane;
    private int filled;
    /** Encoding and copying time of the records written since the last flushed chunk (sampled, scaled up). */
    private long encodeNanos;
    private long written;
    private final RecordBytes scratch = new RecordBytes();
    private int counter;
    private final long maxPartBytes;
    /** Part files rolled since the last checkpoint: closed for writing, synced and committed with it. */
    private final List<VyreCommittable> rolled = new ArrayList<>();
    private final List<Integer> rolledHandles = new ArrayList<>();
    /** Every bucket's part written since the last checkpoint, least recently written first. */
    private final LinkedHashMap<String, Part> parts = new LinkedHashMap<>(16, 0.75f, true);
    /** The part the lane's buffered records go to; null until the first record after a checkpoint. */
    private Part current;
    /** Parts with an open file. */
    private int openFiles;
    private final long rolloverNanos;
    private final long inactivityNanos;
    private final BucketAssigner<IN, String> bucketAssigner;
    private final BucketContext bucketContext = new BucketContext();
    private int bucketChanges;
    private boolean bucketChangesWarned;
    private final ProcessingTimeService timers;
    /** For an output directory on another file system: uploads the part files staged in {@link #dir}. */
    private final RemoteParts remote;
    /** Records written when the timer last saw the count change, and when that was (System.nanoTime). */
    private long writtenAtLastChange;
    private long lastChangeNanos;

    VyreSinkWriter(VyreSinkConfig config, WriterInitContext context, Collection<VyreWriterState> recovered)
        throws IOException {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        int attempt = context.getTaskInfo().getAttemptNumber();
        String jobId = context.getJobInfo().getJobId().toHexString();
        VyreRuntimeSettings settings = config.settings();
        Vir0Program program = config.redactPatterns().isEmpty()
            ? Vir0Program.builder().op(Opcode.INPUT, Vir0Program.Reg.r(1), Vir0Program.Reg.r(2))
                .op(Opcode.WRITE_BACK, Vir0Program.Reg.r(3), Vir0Program.Reg.r(4), Vir0Program.Reg.r(5)).build()
            : StandardPrograms.redact(config.redactPatterns(), config.ignoreCase(), config.mask());
        this.encoder = config.encoder();
        this.dir = config.localDirectory(jobId, subtask, attempt);
        this.prefix = prefix(jobId, subtask, attempt);
        this.counter = firstCounter(prefix, recovered);
        this.chunkBytes = settings.chunkBytes();
        this.maxPartBytes = config.maxPartBytes();
        this.rolloverNanos = config.rolloverInterval() == null ? 0 : config.rolloverInterval().toNanos();
        this.inactivityNanos = config.inactivityInterval() == null ? 0 : config.inactivityInterval().toNanos();
        this.bucketAssigner = config.bucketAssigner();
        this.timers = context.getProcessingTimeService();
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
            throw new IOException("the sink's " + (config.remote() ? "staging" : "output") + " directory " + dir
                + " is not writable");
        }
        this.remote = config.remote() ? new RemoteParts(config.directory(), dir) : null;
        this.rt = DeviceRuntimes.shared().openTenant(settings.toContext("vyre-sink-" + subtask, subtask, List.of(program),
            GpuResources.of(context)));
        try {
            this.write = rt.load(program);
            this.fence = rt.load(Vir0Program.builder().op(Opcode.BATCH_FENCE).build());
        } catch (RuntimeException | Error e) {
            rt.close();  // a writer that never started must not hold its tenant (and the device runtime) open
            throw e;
        }
        this.recordsSent = context.metricGroup().getNumRecordsSendCounter();
        this.bytesSent = context.metricGroup().getNumBytesSendCounter();
        this.metrics = new RuntimeMetrics(context.metricGroup(), () -> rt);
        if (rolloverNanos > 0 || inactivityNanos > 0) {
            lastChangeNanos = System.nanoTime();
            scheduleRollCheck();
        }
    }

    /** The timer's period: a quarter of the shorter interval, between 10 ms and a minute. */
    private void scheduleRollCheck() {
        long shortest = Math.min(rolloverNanos > 0 ? rolloverNanos : Long.MAX_VALUE,
            inactivityNanos > 0 ? inactivityNanos : Long.MAX_VALUE);
        long periodMillis = Math.max(10, Math.min(60_000, shortest / 4_000_000));
        timers.registerTimer(timers.getCurrentProcessingTime() + periodMillis, time -> rollCheck());
    }

    /**
     * Rolls the open part file (after writing what is buffered for it) when it has been open for the rollover
     * interval or has had no record for the inactivity interval, then schedules the next check.
     */
    private void rollCheck() throws IOException {
        long now = System.nanoTime();
        if (written != writtenAtLastChange) {
            writtenAtLastChange = written;
            lastChangeNanos = now;
        }
        for (Part p : List.copyOf(parts.values())) {
            boolean buffered = p == current && lane != null && filled > 0;
            // the current bucket is quiet when no record came at all; another one since the writer left it
            boolean quiet = inactivityNanos > 0
                && now - (p == current ? lastChangeNanos : p.idleSinceNanos) >= inactivityNanos;
            if ((p.inProgress != null || buffered) && (pastRollover(p, now) || quiet)) {
                if (buffered) {
                    p.startNanos = -1;  // what is buffered goes into the open file, which then rolls (not a new one)
                    flushLane();
                }
                roll(p);
            }
        }
        scheduleRollCheck();
    }

    /** Whether the part's open file had its first record a rollover interval or more before {@code now}. */
    private boolean pastRollover(Part p, long now) {
        return p.startNanos >= 0 && now - p.startNanos >= rolloverNanos;
    }

    /**
     * Closes the part's open file, if any: it stays registered until a fence has synced it (the checkpoint's, or one
     * sooner once {@link #MAX_OPEN_PARTS} rolled files wait, so their handles and descriptors go). A bucket other than
     * the current one is forgotten: its next record opens a new part file.
     */
    private void roll(Part p) throws IOException {
        if (p.inProgress != null) {
            rolled.add(new VyreCommittable(p.inProgress.toString(), p.target.toString()));
            rolledHandles.add(p.fileHandle);
            p.inProgress = null;
            openFiles--;
        }
        p.startNanos = -1;
        if (p != current) {
            parts.remove(p.bucket);
        }
        if (rolledHandles.size() >= MAX_OPEN_PARTS) {
            syncRolled("after " + rolledHandles.size() + " part files rolled");
        }
    }

    /**
     * Syncs every file written since the last fence and releases the rolled files' handles; their committables stay
     * for the checkpoint.
     */
    private void syncRolled(String when) throws IOException {
        awaitAll();
        long t = System.nanoTime();
        SlotResult synced = rt.await(rt.publishCall(fence, 0), WAIT);
        metrics.stages().since(Stage.SINK_KERNEL, t);
        if (!synced.ok()) {
            throw new IOException("syncing " + rolled + " " + when + " failed: " + synced.describe());
        }
        for (int handle : rolledHandles) {
            rt.releaseHandle(handle);
        }
        rolledHandles.clear();
    }

    /**
     * Switches to the record's bucket: what is buffered goes into the current bucket's part file, which stays open;
     * the record's bucket goes on in its own open part file, or opens one with its next chunk.
     */
    private void enterBucket(String id) throws IOException {
        Part next = parts.get(id);
        if (next == null) {
            Path folder = dir.resolve(id).normalize();
            if (!folder.startsWith(dir.normalize())) {
                throw new IOException("the bucket id '" + id + "' leads out of the sink's output directory " + dir
                    + ": a bucket assigner must return a relative path inside it");
            }
            Files.createDirectories(folder);
            next = new Part(id, folder);
            parts.put(id, next);
        }
        flushLane();
        if (current != null) {
            current.idleSinceNanos = System.nanoTime();
        }
        if (current != null && ++bucketChanges > BUCKET_CHANGES_WARNED && !bucketChangesWarned) {
            bucketChangesWarned = true;
            LOG.warn("{}: the bucket changed {} times since the last checkpoint, and each change writes out a short"
                + " chunk: records of one bucket should come together (sort or key them by bucket before the sink)",
                prefix, bucketChanges);
        }
        current = next;
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        // the encode time is sampled (one record in ENCODE_SAMPLE): a clock read costs about what encoding a line does
        boolean timed = (++written & (ENCODE_SAMPLE - 1)) == 0;
        long t = timed ? System.nanoTime() : 0;
        String id = bucketAssigner == null ? "" : Objects.requireNonNull(bucketAssigner.getBucketId(element,
            bucketContext.of(context)), "the sink's bucket assigner returned no bucket id (null) for a record");
        if (current == null || !id.equals(current.bucket)) {
            enterBucket(id);
        }
        encoder.encodeInto(element, scratch.clear());
        int length = scratch.length();
        if (length > chunkBytes) {
            throw new IOException("a record of " + length + " bytes does not fit the sink's chunk of " + chunkBytes
                + " bytes: raise the sink's chunk size");
        }
        if (lane == null || filled + length > chunkBytes) {
            if (timed) {
                encodeNanos += ENCODE_SAMPLE * (System.nanoTime() - t);
            }
            if (lane != null) {
                flushLane();
            }
            lane = nextLane();
            t = timed ? System.nanoTime() : 0;
        }
        if (rolloverNanos > 0 && current.startNanos < 0) {
            current.startNanos = System.nanoTime();
        }
        lane.ingest().buffer().putBytes(filled, scratch.array(), 0, length);
        if (timed) {
            encodeNanos += ENCODE_SAMPLE * (System.nanoTime() - t);
        }
        filled += length;
        recordsSent.inc();
        bytesSent.inc(length);
    }

    private Lane nextLane() throws IOException, InterruptedException {
        while (lanesInFlight.size() >= rt.lanes().size()) {
            awaitOldest();
        }
        return rt.acquireLane(WAIT);
    }

    /** Hands the filled buffer to the kernel: (redact and) write it at the part file's next offset. */
    private void flushLane() throws IOException {
        // per chunk, not per record: 16 sink threads adding to the JVM-wide sums per record contended on them
        metrics.stages().add(Stage.SINK_ENCODE, encodeNanos);
        encodeNanos = 0;
        if (lane == null || filled == 0) {
            return;
        }
        Part p = current;
        if (p.inProgress != null && p.fileOffset > 0 && (p.fileOffset + filled > maxPartBytes
            || pastRollover(p, System.nanoTime()))) {
            roll(p);
        }
        if (p.inProgress == null) {
            openFile(p);
        }
        rt.stageInput(lane, filled);  // on CUDA the copy engine moves the chunk to the device while the slot waits
        long seq = rt.publishCall(write, 0, lane.ingestHandle(), filled, p.fileHandle, (int) p.fileOffset,
            (int) (p.fileOffset >>> 32));
        inFlight.add(new Write(seq, System.nanoTime(), p.inProgress, p.fileHandle));
        lanesInFlight.add(lane);
        p.fileOffset += filled;
        lane = null;
        filled = 0;
    }

    /** Opens the part's next file; past {@link #MAX_OPEN_PARTS} open files, the least recently written one rolls. */
    private void openFile(Part p) throws IOException {
        if (openFiles >= MAX_OPEN_PARTS) {
            Part eldest = null;
            for (Part o : parts.values()) {
                if (o.inProgress != null && o != p) {
                    eldest = o;
                    break;
                }
            }
            if (eldest != null) {
                roll(eldest);
            }
        }
        openFiles++;
        p.number = ++counter;
        p.target = p.folder.resolve(partName(prefix, p.number));
        p.inProgress = p.folder.resolve("." + partName(prefix, p.number) + ".inprogress");
        p.fileHandle = rt.registerFileForWrite(p.inProgress, Long.MAX_VALUE);
        p.fileOffset = 0;
        if (rolloverNanos > 0 && p.startNanos < 0) {
            p.startNanos = System.nanoTime();
        }
    }

    private void awaitOldest() throws IOException {
        Write oldest = inFlight.poll();
        Lane used = lanesInFlight.remove(0);
        long t = System.nanoTime();
        SlotResult r = rt.await(oldest.sequence(), WAIT);
        metrics.stages().since(Stage.SINK_KERNEL, t);
        metrics.chunkDone(System.nanoTime() - oldest.issuedNanos());
        rt.releaseLane(used);
        if (!r.ok()) {
            String ioError = rt.lastIoError(oldest.handle());
            throw new IOException("the megakernel failed writing " + oldest.file() + ": " + r.describe()
                + (ioError != null ? " (" + ioError + ")" : ""));
        }
    }

    private void awaitAll() throws IOException {
        while (!inFlight.isEmpty()) {
            awaitOldest();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        flushLane();
        awaitAll();
    }

    @Override
    public Collection<VyreCommittable> prepareCommit() throws IOException {
        flushLane();
        awaitAll();
        current = null;  // every bucket's part rolls and is forgotten: a bucket seen before needs no state after
        for (Part p : List.copyOf(parts.values())) {
            roll(p);
        }
        bucketChanges = 0;
        if (rolled.isEmpty()) {
            return List.of();
        }
        if (!rolledHandles.isEmpty()) {
            syncRolled("before the checkpoint");
        }
        List<VyreCommittable> committables = new ArrayList<>(rolled.size());
        for (VyreCommittable c : rolled) {
            committables.add(remote == null ? c : remote.upload(c));
        }
        rolled.clear();
        return committables;
    }

    /**
     * After prepareCommit, which rolled every open part file: the part files up to {@link #counter} are the
     * committer's; later ones are not (an open one, had there been any, and those after it).
     */
    @Override
    public List<VyreWriterState> snapshotState(long checkpointId) {
        int committed = counter;
        for (Part p : parts.values()) {
            if (p.inProgress != null) {
                committed = Math.min(committed, p.number - 1);
            }
        }
        return List.of(new VyreWriterState(dir.toString(), prefix, committed));
    }

    /**
     * The part number a writer with {@code prefix} counts on from: a job recovered by a new JobManager numbers its
     * attempts from 0 again, so part files go on after those a restored state of the same prefix handed to the
     * committer, and no new part file takes the name of a committed one (the committer would replace it).
     */
    static int firstCounter(String prefix, Collection<VyreWriterState> recovered) {
        int counter = 0;
        for (VyreWriterState state : recovered) {
            if (state.prefix().equals(prefix)) {
                counter = Math.max(counter, state.committedCounter());
            }
        }
        return counter;
    }

    /**
     * The part files of one writer attempt: {@code part-<job id>-<subtask>-<attempt>-<n>}, so a later attempt of the
     * same subtask can tell its predecessors' files from those of other jobs writing into the same folder. The
     * subtask has 5 digits (Flink's largest parallelism is 32,768) and n 6 ({@link #partName}), so a folder's
     * names sort by subtask and then in the order each writer wrote them.
     */
    static String prefix(String jobId, int subtask, int attempt) {
        return "part-" + jobId + "-" + String.format("%05d", subtask) + "-" + attempt + "-";
    }

    /** Part file {@code n} of a writer attempt (n zero-padded to 6 digits; more digits past 999,999). */
    static String partName(String prefix, int n) {
        return prefix + String.format("%06d", n);
    }

    /**
     * Deletes the hidden in-progress files of this subtask's earlier attempts that no completed checkpoint holds:
     * those of every attempt after the one whose state is restored (all earlier attempts when nothing is), which
     * failed before they checkpointed. Their records are written again by this attempt; the files of the restored
     * attempt and of those before it are left to {@link #deleteUncommitted} and the committer.
     */
    static void deleteOrphans(Path dir, boolean buckets, String jobId, int subtask, int attempt,
                              Collection<VyreWriterState> recovered) throws IOException {
        if (attempt == 0 || !Files.isDirectory(dir)) {
            return;
        }
        String own = "." + prefix(jobId, subtask, 0);
        own = own.substring(0, own.length() - 2);  // ".part-<job>-<subtask>-"
        int restoredAttempt = -1;
        for (VyreWriterState state : recovered) {
            String p = "." + state.prefix();
            if (p.startsWith(own)) {
                restoredAttempt = Math.max(restoredAttempt, attemptOf(p.substring(own.length())));
            }
        }
        for (Path f : partFiles(dir, buckets)) {
            String name = f.getFileName().toString();
            if (name.startsWith(own) && name.endsWith(".inprogress")) {
                int a = attemptOf(name.substring(own.length()));
                if (a > restoredAttempt && a < attempt) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** The attempt in {@code "<attempt>-<n>..."}, or -1 when the name has another form. */
    private static int attemptOf(String rest) {
        int dash = rest.indexOf('-');
        if (dash <= 0 || !rest.substring(0, dash).chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(rest.substring(0, dash));
    }

    /**
     * Deletes the hidden in-progress files the writers of {@code recovered} opened after their checkpoint: their
     * records are written again by the restored job. Files up to each state's counter belong to the committer.
     */
    static void deleteUncommitted(Collection<VyreWriterState> recovered, boolean buckets) throws IOException {
        for (VyreWriterState state : recovered) {
            Path folder = Path.of(state.directory());
            if (!Files.isDirectory(folder)) {
                continue;
            }
            String hidden = "." + state.prefix();
            for (Path f : partFiles(folder, buckets)) {
                String name = f.getFileName().toString();
                if (name.startsWith(hidden) && name.endsWith(".inprogress")) {
                    String n = name.substring(hidden.length(), name.length() - ".inprogress".length());
                    if (n.chars().allMatch(Character::isDigit) && !n.isEmpty()
                        && Long.parseLong(n) > state.committedCounter()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    /**
     * The files in the output directory, and with buckets in every folder under it (a folder that cannot be read
     * or vanishes meanwhile, as an old bucket a retention job deletes, is passed over).
     */
    private static List<Path> partFiles(Path dir, boolean buckets) throws IOException {
        if (!buckets) {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(Files::isRegularFile).toList();
            }
        }
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    /** What a bucket assigner may ask of the record being written. */
    private final class BucketContext implements BucketAssigner.Context {
        private Context record;

        BucketContext of(Context context) {
            this.record = context;
            return this;
        }

        @Override
        public long currentProcessingTime() {
            return timers.getCurrentProcessingTime();
        }

        @Override
        public long currentWatermark() {
            return record.currentWatermark();
        }

        @Override
        public Long timestamp() {
            return record.timestamp();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (lane != null) {
                rt.releaseLane(lane);
            }
            awaitAll();
        } catch (IOException | RuntimeException e) {
            // a finishing job flushed before close, so writes still in flight here follow a failure or a cancel:
            // they went to in-progress files that a restore discards, and a cleanup that threw would fail the task
            // manager (a broken runtime, e.g. a hung kernel, must fail the task only)
            LOG.warn("{}: writes still in flight at close did not finish", prefix, e);
        } finally {
            rt.close();
            if (remote != null) {
                remote.deleteStaging();
            }
        }
    }
}
