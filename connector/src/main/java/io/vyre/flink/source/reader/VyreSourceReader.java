package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.runtime.GpuResources;
import io.vyre.flink.runtime.RuntimeMetrics;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.enumerator.ReaderDrained;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.flink.source.split.VyreFileSplitState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

/**
 * A Vyre source reader: one tenant of its device's shared megakernel runtime (its own IO queue partition,
 * lanes and handles), joined when the reader starts and left when it closes; one fetcher thread drives it
 * through {@link VyreSplitReader}.
 */
@Internal
public final class VyreSourceReader<T>
    extends SingleThreadMultiplexSourceReaderBase<VyreElement<T>, T, VyreFileSplit, VyreFileSplitState> {
    private final RuntimeHolder holder;
    /**
     * Splits asked for at start, one per lane: a lines split has one chunk in flight at a time, and a small
     * file is one chunk, so with a single split the other lanes sat idle between split assignments.
     */
    private final int initialSplits;
    /** Bytes of the assigned splits not yet read (kept by the fetcher), and the level below which to ask for more. */
    private final AtomicLong pendingBytes;
    private final long refillBytes;

    private VyreSourceReader(RuntimeHolder holder, VyreProgram<T> program, VyreRuntimeSettings settings,
                             SourceReaderContext context, boolean skipUnreadable, Duration pollInterval,
                             Duration tailFinalAfter, AtomicLong pendingBytes, RuntimeMetrics metrics,
                             RateLimiterStrategy<VyreFileSplit> rateLimiter, long recordLimit) {
        super(() -> new VyreSplitReader<>(holder, program, settings, metrics, context.metricGroup().getIOMetricGroup()
                .getNumBytesInCounter(), pendingBytes, skipUnreadable, pollInterval, tailFinalAfter, recordLimit),
            new VyreRecordEmitter<>(context.metricGroup().getIOMetricGroup().getNumRecordsInCounter()),
            context.getConfiguration(), context, rateLimiter);
        this.holder = holder;
        this.initialSplits = settings.lanes();
        this.pendingBytes = pendingBytes;
        this.refillBytes = (long) settings.lanes() * settings.chunkBytes();
    }

    public static <T> VyreSourceReader<T> create(VyreProgram<T> program, VyreRuntimeSettings settings,
                                                 SourceReaderContext context, boolean skipUnreadable,
                                                 Duration pollInterval, Duration tailFinalAfter,
                                                 RateLimiterStrategy<VyreFileSplit> rateLimiter,
                                                 long recordLimit) {
        RuntimeHolder holder = new RuntimeHolder(settings, program, "vyre-source", context.getIndexOfSubtask(),
            GpuResources.of(context));
        AtomicLong pending = new AtomicLong();
        context.metricGroup().setPendingBytesGauge(pending::get);
        RuntimeMetrics metrics = new RuntimeMetrics(context.metricGroup(), holder::tenantOrNull);
        return new VyreSourceReader<>(holder, program, settings, context, skipUnreadable, pollInterval, tailFinalAfter,
            pending, metrics, rateLimiter, recordLimit);
    }

    @Override
    public void start() {
        holder.open();
        super.start();
        for (int i = 0; i < initialSplits; i++) {
            context.sendSplitRequest();  // each finished split asks for the next
        }
    }

    /**
     * Asks for more once fewer splits than lanes are left, or less than a chunk per lane is still to be read
     * (a request may bring a batch of small files, which the reader packs into few chunks); tells the enumerator
     * when it holds none any more, which ends a bounded source's backlog once every reader has.
     */
    @Override
    protected void onSplitFinished(Map<String, VyreFileSplitState> finished) {
        int left = getNumberOfCurrentlyAssignedSplits();
        if (left < initialSplits || pendingBytes.get() < refillBytes) {
            context.sendSplitRequest();
        }
        if (left == 0) {
            context.sendSourceEventToCoordinator(new ReaderDrained());
        }
    }

    /**
     * Also available once the fetcher has failed, so that {@link #pollNext} throws its error and the task fails over.
     * Flink's {@code SourceReaderBase} looks for a failed fetcher before it polls its element queue; a fetcher that
     * fails in between has its wake-up taken by that poll (the empty queue turns unavailable again), and the task then
     * waited for records that never came instead of failing: a job stalled after an IO error until it was cancelled.
     */
    @Override
    public CompletableFuture<Void> isAvailable() {
        CompletableFuture<Void> available = super.isAvailable();
        return available.isDone() || !fetcherFailed() ? available : CompletableFuture.completedFuture(null);
    }

    private boolean fetcherFailed() {
        try {
            splitFetcherManager.checkErrors();
            return false;
        } catch (RuntimeException failed) {
            return true;
        }
    }

    @Override
    protected VyreFileSplitState initializedState(VyreFileSplit split) {
        return new VyreFileSplitState(split);
    }

    @Override
    protected VyreFileSplit toSplitType(String splitId, VyreFileSplitState state) {
        return state.toSplit();
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            holder.close();
        }
    }
}
