package io.vyre.flink.source.enumerator;

import io.vyre.flink.fs.FileLocation;
import io.vyre.flink.source.split.Compression;
import io.vyre.flink.source.split.FileIdentity;
import io.vyre.flink.source.split.InputFiles;
import io.vyre.flink.source.split.VyreFileSplit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out splits. Bounded: the files present at start, cut into byte ranges, given to readers as they
 * ask (so fast readers take more). Continuous: the paths are listed every {@code monitorInterval}; every
 * new file becomes one tailed split, pushed to a reader round-robin, and stays with it as it grows. Files
 * are known by identity ({@link FileDiscovery.Listed#key()}): a log renamed by rotation is not new (its split
 * goes on reading it), the file created under its old name is; files gone from two listings in a row are
 * forgotten, so the set does not grow with every rotation.
 */
@Internal
public final class VyreFileEnumerator implements SplitEnumerator<VyreFileSplit, VyreEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(VyreFileEnumerator.class);
    /**
     * Bounded: one request takes splits until they hold this many bytes, or the source's split size if that is
     * smaller (at least one split), at most {@link #BATCH_SPLITS}, and at most half the waiting splits' share of
     * one reader (guided self-scheduling: batches shrink as the queue drains, so the readers finish together).
     * A folder of small files then costs one request per batch, not one per file (each request is a round trip
     * through the coordinator), while ranges of large files still go one per request, so the readers share the
     * work at the granularity the user chose.
     */
    static final long BATCH_BYTES = 4L << 20;
    static final int BATCH_SPLITS = 256;

    private final SplitEnumeratorContext<VyreFileSplit> context;
    private final FileDiscovery discovery;
    private final Duration monitorInterval;
    /** Bounded: the paths listed at start. Continuous: the keys (identities) of the files seen. */
    private final Set<String> knownFiles;
    /** Continuous: the keys of the previous listing (a file missing from one listing only is not forgotten). */
    private Set<String> lastListed = Set.of();
    private final ArrayDeque<VyreFileSplit> unassigned;
    private final Set<Integer> noMoreSplitsSent = new HashSet<>();
    /** Bounded, while it reports backlog: readers that asked for splits when none were left, not answered yet. */
    private final Set<Integer> waiting = new LinkedHashSet<>();
    /** Bounded: readers holding splits handed to them here, that have not reported them all read since. */
    private final Set<Integer> holding = new HashSet<>();
    /** Continuous mode: streamed files (compressed, remote) seen once, by size; listed again until the size holds. */
    private final Map<String, Long> settling = new HashMap<>();
    private boolean backlogEnded;
    /** Started without restored state: the only case in which the source reports backlog (see {@link #start}). */
    private final boolean fresh;
    private int nextReader;

    public VyreFileEnumerator(SplitEnumeratorContext<VyreFileSplit> context, FileDiscovery discovery,
                              Duration monitorInterval, VyreEnumeratorState restored) {
        this.context = context;
        this.discovery = discovery;
        this.monitorInterval = monitorInterval;
        this.knownFiles = new HashSet<>(restored == null ? Set.of() : restored.knownFiles());
        if (monitorInterval != null) {
            identifyRestoredPaths();
            lastListed = Set.copyOf(knownFiles);
        }
        this.unassigned = new ArrayDeque<>(restored == null ? List.of() : restored.unassigned());
        this.fresh = restored == null;
    }

    /**
     * A monitored source restored from a checkpoint of version 2 or older knew files by path: those that
     * still exist are known by identity from now on (a restore of version 3 holds identities already).
     */
    private void identifyRestoredPaths() {
        for (String known : List.copyOf(knownFiles)) {
            if (known.startsWith("id:") || !FileLocation.isLocal(known)) {
                continue;  // known by identity already, or a remote file (known by its path)
            }
            String identity = FileIdentity.ofOrNull(Path.of(known));
            if (identity != null && !identity.isEmpty()) {
                knownFiles.remove(known);
                knownFiles.add(identity);
            }
        }
    }

    private boolean continuous() {
        return monitorInterval != null;
    }

    @Override
    public void start() {
        if (continuous()) {
            context.callAsync(discovery::listing, this::onDiscovered, 0, monitorInterval.toMillis());
        } else if (knownFiles.isEmpty() && unassigned.isEmpty()) {
            List<FileDiscovery.Listed> files = discovery.listing();
            for (FileDiscovery.Listed f : files) {
                knownFiles.add(f.path());
                unassigned.addAll(discovery.rangesOf(f.path(), f.size()));
            }
            LOG.info("bounded Vyre source: {} files, {} splits", files.size(), unassigned.size());
        }
        if (!continuous() && fresh && !unassigned.isEmpty()) {
            // checkpoints at execution.checkpointing.interval-during-backlog (where set) while splits wait; not
            // after a restore, whose readers may include finished ones that Flink cannot deliver the report to
            context.setIsProcessingBacklog(true);
        } else {
            backlogEnded = true;
        }
    }

    private void onDiscovered(List<FileDiscovery.Listed> files, Throwable error) {
        if (error != null) {
            throw new IllegalStateException("listing the monitored input failed: " + error.getMessage(), error);
        }
        Set<String> listed = new HashSet<>();
        for (FileDiscovery.Listed f : files) {
            String key = f.key();
            listed.add(key);
            if (knownFiles.contains(key)) {
                continue;  // seen before, under this name or another (a rotated log goes on with its split)
            }
            String path = f.path();
            long size = f.size();
            if (InputFiles.streamed(path)) {
                // a compressed file, or one of another file system (an object store's objects are written whole),
                // is not tailed: it is read once, whole, when two listings saw the same size
                Long seen = settling.put(key, size);
                if (size == 0 || seen == null || seen != size) {
                    continue;
                }
                settling.remove(key);
                unassigned.addAll(discovery.rangesOf(path, size));
                LOG.info("monitored Vyre source found {} ({}: read once, its size has settled)", path,
                    Compression.of(path).compressed() ? Compression.of(path) + "-compressed" : "not a local file");
            } else {
                unassigned.add(VyreFileSplit.tail(path, f.identity()));
                LOG.info("monitored Vyre source found {}", path);
            }
            knownFiles.add(key);
        }
        settling.keySet().retainAll(listed);  // gone before it settled
        Set<String> recent = new HashSet<>(listed);
        recent.addAll(lastListed);
        knownFiles.retainAll(recent);  // gone from two listings in a row: deleted, or rotated out of the paths
        lastListed = listed;
        pushToReaders();
    }

    /** Continuous mode: new splits go to registered readers round-robin. */
    private void pushToReaders() {
        List<Integer> readers = new ArrayList<>(context.registeredReaders().keySet());
        if (readers.isEmpty()) {
            return;
        }
        readers.sort(null);
        while (!unassigned.isEmpty()) {
            int reader = readers.get(Math.floorMod(nextReader++, readers.size()));
            context.assignSplit(unassigned.poll(), reader);
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        if (continuous()) {
            pushToReaders();
            return;
        }
        List<VyreFileSplit> batch = new ArrayList<>();
        long bytes = 0;
        long batchBytes = Math.min(BATCH_BYTES, discovery.splitBytes());
        int readers = Math.max(1, context.registeredReaders().size());
        int batchSplits = (int) Math.min(BATCH_SPLITS, Math.max(1, (unassigned.size() + 2L * readers - 1) / (2L * readers)));
        while (!unassigned.isEmpty() && batch.size() < batchSplits) {
            VyreFileSplit next = unassigned.peek();
            long size = next.end() - next.offset();
            if (!batch.isEmpty() && size > batchBytes - bytes) {
                break;
            }
            batch.add(unassigned.poll());
            bytes += size;
        }
        if (!batch.isEmpty()) {
            holding.add(subtaskId);
            context.assignSplits(new SplitsAssignment<>(Map.of(subtaskId, batch)));
        } else if (backlogEnded) {
            if (noMoreSplitsSent.add(subtaskId)) {
                context.signalNoMoreSplits(subtaskId);
            }
        } else {
            waiting.add(subtaskId);
            endBacklogOnceDrained();
        }
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        if (event instanceof ReaderDrained) {
            holding.remove(subtaskId);
            endBacklogOnceDrained();
        }
    }

    @Override
    public void addSplitsBack(List<VyreFileSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
        noMoreSplitsSent.remove(subtaskId);
        holding.remove(subtaskId);
        waiting.remove(subtaskId);
        if (continuous()) {
            pushToReaders();
        }
    }

    @Override
    public void addReader(int subtaskId) {
        if (continuous()) {
            pushToReaders();
        }
    }

    /**
     * Ends the backlog once it is over: no split waits and every registered reader has read all it was handed and
     * asked for more. Until then a reader that asks when none are left waits for its answer (it has nothing to read
     * meanwhile), so that the report comes before any reader is told there are no more splits: Flink delivers the
     * report to every subtask of the source and fails over when one has already finished, and a reader finishes only
     * after that signal. A reader handed a split while its report of being drained was on its way counts as drained:
     * the backlog then ends early, as it did when it ended with the last split handed out, and that reader still
     * reads its split.
     */
    private void endBacklogOnceDrained() {
        if (backlogEnded || !unassigned.isEmpty()) {
            return;
        }
        for (int reader : context.registeredReaders().keySet()) {
            if (holding.contains(reader) || !waiting.contains(reader)) {
                return;
            }
        }
        endBacklog();
        for (int reader : waiting) {
            if (noMoreSplitsSent.add(reader)) {
                context.signalNoMoreSplits(reader);
            }
        }
        waiting.clear();
    }

    /**
     * Every split is read: the source stops reporting backlog, so the checkpoint interval drops from
     * execution.checkpointing.interval-during-backlog to execution.checkpointing.interval, and the final checkpoint,
     * which a bounded streaming job waits for before it finishes (FLIP-147), comes at that interval, not up to a whole
     * backlog interval later. While the input is read, checkpoints keep the backlog interval: a job over a few large
     * files has every split handed out at its start, and with the short interval its sink synced its part files
     * several times a second while it wrote (with dense matches the stream stood still for 0.6 s at a time). It is
     * never reported again (a reader that restarts and reads more splits does so at the short interval).
     */
    private void endBacklog() {
        if (!backlogEnded) {
            backlogEnded = true;
            LOG.info("bounded Vyre source: every split is read; no more backlog");
            context.setIsProcessingBacklog(false);
        }
    }

    @Override
    public VyreEnumeratorState snapshotState(long checkpointId) {
        return new VyreEnumeratorState(knownFiles, new ArrayList<>(unassigned));
    }

    @Override
    public void close() {
    }
}
