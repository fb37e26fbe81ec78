package io.vyre.runtime.io;

import static io.vyre.runtime.protocol.IoQueueDescriptor.OP_READ;

import io.vyre.runtime.protocol.IoCompletion;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.IoRequest;
import io.vyre.runtime.protocol.MegakernelIoQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * READs served on the thread that posted them, as a thread pool's caller-runs policy runs a task on the caller: a
 * CPU kernel worker that asks for its slot's bytes reads them itself, then scans them while they are in its own
 * core's cache, instead of idling while an IO pump copies them on another core. This is what a CPU engine that
 * reads and scans on each of its threads does, and it needs no core for a pump.
 *
 * <p>The request still goes through the IO queue and its rules. The worker posts it already CLAIMED (a pump never
 * sees it PUBLISHED, so exactly one of them serves it, and it is open until its completion like any other); it is
 * checked against the capability tables as the pump checks it ({@link ResolvedRequest}); its bytes come through the
 * descriptor the file has been held open by since its registration ({@link IoCapabilities}), so a file renamed or
 * deleted since is still the one read; it completes through the backend's publisher with the pump's completions and
 * error codes, its errors recorded on the handle. A READ this cannot serve ({@link #canServe}: no open registration
 * descriptor, or an interrupted thread) and every request other than a READ are posted PUBLISHED for a pump.
 *
 * <p>A FENCE orders these reads too: the pump serving a tenant's partition asks {@link #openUpTo} before it
 * completes a fence. Each read takes a ticket before it is posted and shows it in its slot until it completed; a read
 * posted before a fence was is, by the time the pump has scanned the queue once more after claiming the fence,
 * showing its ticket, which is at most the last ticket taken then.
 *
 * <p>A worker interrupted while it reads closes the file's shared descriptor (a {@link FileChannel} is
 * interruptible): later reads of that file then go to the pumps, which open it by its path (workers are only
 * interrupted when their runtime closes, and an interrupted one does not serve). A handle released while a worker
 * reads it fails that read with UNKNOWN_SOURCE_HANDLE; its reader gave the file up. A read blocks its worker for as
 * long as the file system takes: the kernel's IO wait limit does not cut it short.
 */
public final class CallerReads {
    private static final Logger LOG = LoggerFactory.getLogger(CallerReads.class);

    private final MegakernelIoQueue queue;
    private final IoCapabilities capabilities;
    private final IoCompletionPublisher completions;
    private final AtomicLong tickets = new AtomicLong();
    /** Per IO queue slot: the ticket of the read a caller serves in it, 0 when none. */
    private final AtomicLongArray serving;
    private final AtomicLong readsDone = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong readNanos = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public CallerReads(MegakernelIoQueue queue, IoCapabilities capabilities, IoCompletionPublisher completions) {
        this.queue = queue;
        this.capabilities = capabilities;
        this.completions = completions;
        this.serving = new AtomicLongArray(queue.slotCount());
    }

    /**
     * Whether a READ from {@code srcHandle} can be served by its poster: a file held open since its registration, by
     * a thread that is not interrupted (an interrupted read would close that descriptor for every reader).
     */
    public boolean canServe(int srcHandle) {
        FileChannel channel = capabilities.pinned(srcHandle);
        return channel != null && channel.isOpen() && !Thread.currentThread().isInterrupted();
    }

    /**
     * Serves the READ the calling thread has written into {@code slot} (a slot it owns, still EMPTY): posts it
     * already CLAIMED, so no pump sees it PUBLISHED, reads it and completes it, OK or ERROR, before returning.
     *
     * @throws IllegalStateException when the slot is not EMPTY
     */
    public void serve(int slot) {
        serving.set(slot, tickets.incrementAndGet());  // before the claim: whoever sees the claim sees the ticket
        try {
            IoRequest claimed = queue.postClaimed(slot);
            try {
                serve(claimed);
            } catch (RuntimeException e) {
                // the request is claimed: it must be answered, or its worker waits for its IO limit
                LOG.error("serving the READ in IO queue slot {} on its worker's thread failed; it fails", slot, e);
                finish(claimed, IoCompletion.error(claimed, IoError.IO_FAILURE, 0));
            }
        } finally {
            serving.set(slot, 0);
        }
    }

    private void serve(IoRequest r) {
        ResolvedRequest resolved = ResolvedRequest.forRead(capabilities, queue, r);
        if (resolved.error() != null) {
            finish(r, IoCompletion.error(r, resolved.error(), 0));
            return;
        }
        int count = r.byteCount();
        if (count == 0) {
            finish(r, IoCompletion.ok(r, 0));
            return;
        }
        Capability file = resolved.file();
        FileChannel channel = capabilities.pinned(file.handle());
        if (channel == null) {
            // released since it was resolved: the handle is gone, as it would be for a request posted after
            finish(r, IoCompletion.error(r, IoError.UNKNOWN_SOURCE_HANDLE, 0));
            return;
        }
        long start = System.nanoTime();
        ByteBuffer into = resolved.buffer().buffer().byteBuffer().limit(count);
        long done;
        try {
            done = FileChannelFileIo.readAt(channel, into, r.offset());
        } catch (ClosedChannelException e) {
            done = into.position();
            if (capabilities.source(file.handle()) == null) {
                // released while it was read: the handle is gone, as it would be for a request posted after
                finish(r, IoCompletion.error(r, IoError.UNKNOWN_SOURCE_HANDLE, (int) done));
                return;
            }
            String message = "read of " + file.path() + " failed: the descriptor held since its registration was"
                + " closed (" + e.getClass().getSimpleName() + (e instanceof ClosedByInterruptException
                ? ": a reading thread was interrupted" : "") + "); release the handle and register the file again";
            failed(r, file, message, done);
            return;
        } catch (IOException e) {
            done = into.position();
            failed(r, file, ResolvedRequest.failureMessage("read", file, FileChannelFileIo.errno(e)) + ": " + e, done);
            return;
        }
        if (done < count) {
            String message = ResolvedRequest.shortReadMessage(r, file, done);
            capabilities.recordError(file.handle(), message);
            LOG.warn("short read: {}", message);
            finish(r, IoCompletion.error(r, IoError.SHORT_READ, (int) done));
            return;
        }
        long nanos = System.nanoTime() - start;
        finish(r, IoCompletion.ok(r, count));
        readNanos.addAndGet(nanos);
        bytesRead.addAndGet(count);
        readsDone.incrementAndGet();
    }

    private void failed(IoRequest r, Capability file, String message, long done) {
        capabilities.recordError(file.handle(), message);
        LOG.warn("IO request {} failed: {}", r, message);
        finish(r, IoCompletion.error(r, IoError.IO_FAILURE, (int) done));
    }

    private void finish(IoRequest r, IoCompletion completion) {
        if (!completion.ok()) {
            errors.incrementAndGet();
        }
        completions.publish(r, completion);
    }

    /** The last ticket a read has taken so far. */
    long lastTicket() {
        return tickets.get();
    }

    /**
     * Whether a read with a ticket of at most {@code ticket} is being served in one of {@code partition}'s slots.
     */
    boolean openUpTo(int partition, long ticket) {
        int size = queue.partitionSlots();
        for (int slot = partition * size; slot < (partition + 1) * size; slot++) {
            long t = serving.get(slot);
            if (t != 0 && t <= ticket) {
                return true;
            }
        }
        return false;
    }

    /** Reads being served now. */
    public int inFlight() {
        int n = 0;
        for (int slot = 0; slot < serving.length(); slot++) {
            if (serving.get(slot) != 0) {
                n++;
            }
        }
        return n;
    }

    /** Reads served with all their bytes. */
    public long readsDone() {
        return readsDone.get();
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    /** Nanoseconds summed over the {@link #readsDone} reads, each from its claim to its last byte. */
    public long readNanos() {
        return readNanos.get();
    }

    /** Reads served that completed with an error. */
    public long errors() {
        return errors.get();
    }
}
