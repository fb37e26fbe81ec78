package io.vyre.runtime.io;

import static io.vyre.runtime.protocol.IoQueueDescriptor.OP_FENCE;
import static io.vyre.runtime.protocol.IoQueueDescriptor.OP_READ;
import static io.vyre.runtime.protocol.IoQueueDescriptor.OP_WRITE;

import io.vyre.runtime.protocol.IoCompletion;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.IoRequest;
import io.vyre.runtime.protocol.MegakernelIoQueue;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host IO pump: one Agrona {@link Agent} per runtime whose duty cycle claims the kernel's IO
 * requests, checks them against the capability tables, submits them to {@link FileIo} (io_uring or
 * FileChannel), and publishes completions through the backend's {@link IoCompletionPublisher}. Every
 * claimed request is completed, OK or ERROR: nothing is dropped. A FENCE completes once every request its
 * tenant (its partition of the queue) issued before it has, after syncing the files that tenant wrote since
 * its previous fence; other tenants' IO neither delays nor fails it. Issue order is not
 * slot order (the kernel takes whichever slot is free), so requests are ordered by claim pass: a FENCE
 * claimed in pass k waits for every request claimed in passes up to k + 1. A request published before
 * the fence sits in a slot the scan of pass k had either claimed already or passed over before it was
 * published; pass k + 1, which starts after the fence was seen, finds it. Reads a kernel worker serves itself
 * ({@link CallerReads}) are waited for as well.
 */
public final class IoPumpAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(IoPumpAgent.class);
    private static final long TYPE_SLOT = 1L << 32;
    private static final long TYPE_OPEN = 2L << 32;
    private static final long TYPE_SYNC = 3L << 32;

    private final MegakernelIoQueue queue;
    private final IoCapabilities capabilities;
    private final Supplier<FileIo> fileIoFactory;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile RuntimeException startFailure;
    private FileIo io;
    private final IoCompletionPublisher completions;
    private final IoPumpStats stats;
    private final IoRequest[] claimed;
    private final Pending[] pending;
    private final Map<Integer, FileState> files = new HashMap<>();
    /** Released file handles whose file is closed once no request on them is in flight. */
    private final List<Integer> releasedFiles = new ArrayList<>();
    private final ArrayDeque<Pending> fences = new ArrayDeque<>();
    private final String roleName;
    private final int shard;
    private final int shards;
    private long claimPass;
    /** Partitions below this are served (all, unless the runtime says fewer are in use). */
    private volatile int servedPartitions;
    private int outstanding;
    /** The reads kernel workers serve themselves from this queue, which this pump's fences wait for too; or null. */
    private CallerReads callerReads;

    /**
     * @param requestedPath the IO path to use; the {@link FileIo} is created on the pump's own thread
     *                      (io_uring rings belong to the thread that drives them)
     */
    public IoPumpAgent(String roleName, MegakernelIoQueue queue, IoCapabilities capabilities, IoPath requestedPath,
                       IoCompletionPublisher completions) {
        this(roleName, queue, capabilities, requestedPath, completions, 0, 1);
    }

    /**
     * One of {@code shards} pumps of a runtime: it serves the queue partitions (tenants) {@code p} with
     * {@code p % shards == shard}, with its own IO path (each pump reads on its own thread).
     */
    public IoPumpAgent(String roleName, MegakernelIoQueue queue, IoCapabilities capabilities, IoPath requestedPath,
                       IoCompletionPublisher completions, int shard, int shards) {
        this(roleName, queue, capabilities, requestedPath, 0, completions, shard, shards);
    }

    /** As above; {@code readPieceBytes} as {@link FileIoFactory#create(IoPath, int)} takes it. */
    public IoPumpAgent(String roleName, MegakernelIoQueue queue, IoCapabilities capabilities, IoPath requestedPath,
                       int readPieceBytes, IoCompletionPublisher completions, int shard, int shards) {
        this(roleName, queue, capabilities, () -> FileIoFactory.create(requestedPath, readPieceBytes), completions,
            shard, shards);
    }

    /** With a {@link FileIo} of the caller's (tests hold or fail operations with one). */
    IoPumpAgent(String roleName, MegakernelIoQueue queue, IoCapabilities capabilities, Supplier<FileIo> fileIoFactory,
                IoCompletionPublisher completions) {
        this(roleName, queue, capabilities, fileIoFactory, completions, 0, 1);
    }

    private IoPumpAgent(String roleName, MegakernelIoQueue queue, IoCapabilities capabilities,
                        Supplier<FileIo> fileIoFactory, IoCompletionPublisher completions, int shard, int shards) {
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("pump " + shard + " of " + shards + " does not exist");
        }
        this.shard = shard;
        this.shards = shards;
        this.servedPartitions = queue.partitions();
        this.roleName = roleName;
        this.queue = queue;
        this.capabilities = capabilities;
        this.fileIoFactory = fileIoFactory;
        this.completions = completions;
        this.stats = new IoPumpStats();
        this.claimed = new IoRequest[queue.slotCount()];
        this.pending = new Pending[queue.slotCount()];
        capabilities.servedByPump();  // from now on registered files are queued for this pump to open
    }

    /**
     * Tells the pump that kernel workers serve some READs of its queue themselves ({@link CallerReads}): its fences
     * then wait for those too. Call before the pump's thread starts.
     */
    public IoPumpAgent alongside(CallerReads reads) {
        this.callerReads = reads;
        return this;
    }

    public IoPumpStats stats() {
        return stats;
    }

    @Override
    public String roleName() {
        return roleName;
    }

    @Override
    public void onStart() {
        try {
            io = fileIoFactory.get();
            stats.path = io.path();
        } catch (RuntimeException e) {
            startFailure = e;
            throw e;
        } finally {
            started.countDown();
        }
    }

    /**
     * Waits until the pump thread has set up its IO path.
     *
     * @throws RuntimeException the set-up failure (e.g. io_uring forced where it is refused)
     */
    public void awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
        if (!started.await(timeout, unit)) {
            throw new IllegalStateException(roleName + " did not start within " + timeout + " " + unit);
        }
        if (startFailure != null) {
            throw startFailure;
        }
    }

    /**
     * Serves the IO queue's partitions below {@code count} only: a runtime with tenants raises it as tenant ids
     * are first taken (and never lowers it: a closed tenant's requests may still be in flight), so a pump does
     * not scan the slots of tenants never opened on every turn.
     */
    public void servePartitionsBelow(int count) {
        servedPartitions = Math.max(1, Math.min(count, queue.partitions()));
    }

    @Override
    public int doWork() {
        int work = closeReleasedFiles();
        work += openRegisteredFiles();
        claimPass++;
        int n = queue.claimInto(claimed, shard, shards, servedPartitions);
        long claimedNanos = n > 0 ? System.nanoTime() : 0;
        for (int i = 0; i < n; i++) {
            start(claimed[i], claimedNanos);
            claimed[i] = null;
        }
        work += n;
        work += io.poll(this::onIoComplete);
        work += progressFences();
        return work;
    }

    /** Requests claimed and not completed yet, plus operations the OS still holds. */
    public int inFlight() {
        FileIo current = io;
        return outstanding + (current == null ? 0 : current.inFlight());
    }

    @Override
    public void onClose() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads.isCurrentThreadCpuTimeSupported()) {
            stats.cpuNanos = threads.getCurrentThreadCpuTime();
        }
        if (io == null) {
            return;
        }
        for (FileState f : files.values()) {
            if (f.fd >= 0) {
                io.closeFile(f.fd);
            }
        }
        files.clear();
        io.close();
    }

    private void start(IoRequest request, long claimedNanos) {
        Pending p = new Pending(request, claimPass, claimedNanos);
        pending[request.slot()] = p;
        outstanding++;
        stats.inFlight.incrementAndGet();
        try {
            switch (request.op()) {
                case OP_READ:
                    startRead(p);
                    break;
                case OP_WRITE:
                    startWrite(p);
                    break;
                case OP_FENCE:
                    stats.fences.incrementAndGet();
                    fences.add(p);
                    break;
                default:
                    fail(p, IoError.BAD_REQUEST, 0);
            }
        } catch (RuntimeException e) {
            failedWith(request.slot(), e);
        }
    }

    /**
     * An exception while serving one request (a file IO layer that throws, a completion that cannot be
     * published): that request fails with IO_FAILURE and the reason, and the pump goes on serving the others:
     * none of the requests it claimed with it is lost, and the kernel never waits for an answer that cannot come.
     */
    private void failedWith(int slot, RuntimeException e) {
        Pending p = pending[slot];
        LOG.error("{}: serving the IO request in slot {} failed; it fails, the pump goes on", roleName, slot, e);
        if (p == null) {
            return;  // it had completed: the exception came after (publishing its completion)
        }
        fences.remove(p);
        if (p.file != null) {
            capabilities.recordError(p.file.handle(), (p.request.op() == OP_READ ? "read" : "write") + " of "
                + p.file.path() + " failed in the IO pump: " + e);
        }
        try {
            fail(p, IoError.IO_FAILURE, 0);
        } catch (RuntimeException again) {
            LOG.error("{}: the failure of slot {} could not be published either", roleName, slot, again);
        }
    }

    private void startRead(Pending p) {
        ResolvedRequest resolved = ResolvedRequest.forRead(capabilities, queue, p.request);
        if (resolved.error() != null) {
            fail(p, resolved.error(), 0);
            return;
        }
        p.file = resolved.file();
        p.buffer = resolved.buffer();
        stats.reads.incrementAndGet();
        if (p.request.byteCount() == 0) {
            succeed(p);
            return;
        }
        withOpenFile(p, false);
    }

    private void startWrite(Pending p) {
        ResolvedRequest resolved = ResolvedRequest.forWrite(capabilities, queue, p.request);
        if (resolved.error() != null) {
            fail(p, resolved.error(), 0);
            return;
        }
        p.file = resolved.file();
        p.buffer = resolved.buffer();
        stats.writes.incrementAndGet();
        if (p.request.byteCount() == 0) {
            succeed(p);
            return;
        }
        withOpenFile(p, true);
    }

    private void withOpenFile(Pending p, boolean forWrite) {
        FileState f = files.computeIfAbsent(p.file.handle(), h -> new FileState());
        f.partition = queue.partitionOf(p.request.slot());
        if (f.fd >= 0) {
            submit(p, f);
        } else if (f.failedErrno != 0) {
            ioFailure(p, f.failedErrno, "open");
        } else {
            f.waiting.add(p);
            if (!f.opening) {
                f.opening = true;
                try {
                    io.open(TYPE_OPEN | p.file.handle(), p.file.path(), forWrite);
                } catch (RuntimeException e) {
                    f.opening = false;  // the next request on the file tries again
                    f.waiting.remove(p);
                    throw e;
                }
            }
        }
    }

    private void submit(Pending p, FileState f) {
        long offset = p.request.offset() + p.done;
        int remaining = (int) (p.request.byteCountUnsigned() - p.done);
        if (p.request.op() == OP_READ) {
            io.read(TYPE_SLOT | p.request.slot(), f.fd, offset, p.buffer.buffer(), (int) p.done, remaining);
        } else {
            f.dirty = true;
            io.write(TYPE_SLOT | p.request.slot(), f.fd, offset, p.buffer.buffer(), (int) p.done, remaining);
        }
    }

    private void onIoComplete(long token, long result) {
        try {
            completed(token, result);
        } catch (RuntimeException e) {
            // one completion that cannot be handled must not drop the others the IO layer delivers with it
            long type = token & 0xFFFF_FFFF_0000_0000L;
            if (type == TYPE_SLOT || type == TYPE_SYNC) {
                failedWith((int) token, e);
            } else {
                LOG.error("{}: handling the completion of an open failed", roleName, e);
            }
        }
    }

    private void completed(long token, long result) {
        long type = token & 0xFFFF_FFFF_0000_0000L;
        int value = (int) token;
        if (type == TYPE_OPEN) {
            onOpened(value, result);
        } else if (type == TYPE_SLOT) {
            onTransferred(pending[value], result);
        } else if (type == TYPE_SYNC) {
            Pending fence = pending[value];
            if (result < 0) {
                fence.syncErrno = (int) -result;
            }
            if (--fence.syncsOutstanding == 0) {
                fences.remove(fence);
                if (fence.syncErrno != 0) {
                    fail(fence, IoError.IO_FAILURE, 0);
                } else {
                    succeed(fence);
                }
            }
        }
    }

    private void onOpened(int handle, long result) {
        FileState f = files.get(handle);
        if (f == null) {
            if (result >= 0) {
                io.closeFile((int) result);
            }
            return;
        }
        f.opening = false;
        List<Pending> waiting = new ArrayList<>(f.waiting);
        f.waiting.clear();
        if (result >= 0) {
            f.fd = (int) result;
            for (Pending p : waiting) {
                try {
                    submit(p, f);
                } catch (RuntimeException e) {
                    failedWith(p.request.slot(), e);
                }
            }
        } else {
            f.failedErrno = (int) -result;
            for (Pending p : waiting) {
                ioFailure(p, f.failedErrno, "open");
            }
        }
    }

    private void onTransferred(Pending p, long result) {
        if (p == null) {
            return;
        }
        if (result < 0) {
            ioFailure(p, (int) -result, p.request.op() == OP_READ ? "read" : "write");
            return;
        }
        p.done += result;
        long count = p.request.byteCountUnsigned();
        if (p.done >= count) {
            if (p.request.op() == OP_READ) {
                stats.bytesRead.addAndGet(count);
                stats.readsDone.incrementAndGet();
                stats.readNanos.addAndGet(System.nanoTime() - p.claimedNanos);
            } else {
                stats.bytesWritten.addAndGet(count);
            }
            succeed(p);
        } else if (result == 0) {
            if (p.request.op() == OP_READ) {
                String message = ResolvedRequest.shortReadMessage(p.request, p.file, p.done);
                capabilities.recordError(p.file.handle(), message);
                LOG.warn("short read: {}", message);
                fail(p, IoError.SHORT_READ, (int) p.done);
            } else {
                ioFailure(p, FileChannelFileIo.EIO, "write");
            }
        } else {
            FileState f = files.get(p.file.handle());
            if (f == null) {
                fail(p, IoError.UNKNOWN_SOURCE_HANDLE, (int) p.done);
            } else {
                submit(p, f);
            }
        }
    }

    /**
     * Completes the fences whose turn it is. A fence orders only its own tenant's IO (its partition of the
     * queue): it waits for that partition's requests of passes up to its own + 1 and for the partition's
     * earlier fences, then syncs the files that partition wrote since; another tenant's slow IO or closing
     * files never hold it up or fail it.
     */
    private int progressFences() {
        int work = 0;
        List<Integer> blockedPartitions = new ArrayList<>();
        for (Iterator<Pending> it = fences.iterator(); it.hasNext(); ) {
            Pending fence = it.next();
            int partition = queue.partitionOf(fence.request.slot());
            if (blockedPartitions.contains(partition)) {
                continue;
            }
            if (callerReads != null && claimPass > fence.pass && fence.callerTicket < 0) {
                // the queue was scanned once more since the fence was claimed: every read posted before it is
                // claimed by now, by this pump or by a worker showing a ticket up to this one
                fence.callerTicket = callerReads.lastTicket();
            }
            if (fence.syncsOutstanding > 0 || claimPass <= fence.pass || earlierRequestsOpen(fence, partition)
                || (callerReads != null && callerReads.openUpTo(partition, fence.callerTicket))) {
                blockedPartitions.add(partition);
                continue;
            }
            work++;
            int syncs = 0;
            for (FileState f : files.values()) {
                if (f.dirty && f.fd >= 0 && f.partition == partition) {
                    f.dirty = false;
                    syncs++;
                    io.sync(TYPE_SYNC | fence.request.slot(), f.fd);
                }
            }
            if (syncs == 0) {
                it.remove();
                succeed(fence);
            } else {
                // stays first of its partition until its syncs are done: a later fence must not pass it
                fence.syncsOutstanding = syncs;
                blockedPartitions.add(partition);
            }
        }
        return work;
    }

    private boolean earlierRequestsOpen(Pending fence, int partition) {
        for (Pending p : pending) {
            if (p != null && p != fence && p.request.op() != OP_FENCE && p.pass <= fence.pass + 1
                && queue.partitionOf(p.request.slot()) == partition) {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes the files of released handles, each once no request on it is in flight (waiting for the
     * open or transferring): a request the kernel posted before the release still completes.
     */
    private int closeReleasedFiles() {
        int work = 0;
        Capability released;
        while ((released = capabilities.pollReleased(
            owner -> Math.floorMod(owner, queue.partitions()) % shards == shard)) != null) {
            releasedFiles.add(released.handle());
            work++;
        }
        for (Iterator<Integer> it = releasedFiles.iterator(); it.hasNext(); ) {
            int handle = it.next();
            if (inUse(handle)) {
                continue;
            }
            FileState f = files.remove(handle);
            if (f != null && f.fd >= 0) {
                io.closeFile(f.fd);
            }
            it.remove();
        }
        return work;
    }

    /**
     * Opens the files registered for READ since the last turn, at once rather than at their first read: a tailed
     * file that is quiet for a while, then renamed or deleted by log rotation, is still read through the
     * descriptor opened while it had its name.
     */
    private int openRegisteredFiles() {
        int work = 0;
        Capability file;
        while ((file = capabilities.pollRegistered(
            owner -> Math.floorMod(owner, queue.partitions()) % shards == shard)) != null) {
            work++;
            if (capabilities.source(file.handle()) == null) {
                continue;  // released already
            }
            FileState f = files.computeIfAbsent(file.handle(), h -> new FileState());
            if (f.fd >= 0 || f.opening || f.failedErrno != 0) {
                continue;
            }
            f.opening = true;
            try {
                io.open(TYPE_OPEN | file.handle(), file.path(), false);
            } catch (RuntimeException e) {
                f.opening = false;  // the first read tries again
                LOG.warn("{}: opening {} failed; its first read opens it: {}", roleName, file.path(), e.toString());
            }
        }
        return work;
    }

    private boolean inUse(int handle) {
        for (Pending fence : fences) {
            if (fence.syncsOutstanding > 0) {
                return true;  // a file sync in flight: no file closes until it finished (its fd would go bad)
            }
        }
        for (Pending p : pending) {
            if (p != null && p.file != null && p.file.handle() == handle) {
                return true;
            }
        }
        return false;
    }

    private void ioFailure(Pending p, int errno, String what) {
        String message = ResolvedRequest.failureMessage(what, p.file, errno);
        capabilities.recordError(p.file.handle(), message);
        LOG.warn("IO request {} failed: {}", p.request, message);
        fail(p, IoError.IO_FAILURE, (int) p.done);
    }

    private void succeed(Pending p) {
        finish(p, IoCompletion.ok(p.request, p.request.byteCount()));
    }

    private void fail(Pending p, IoError error, int bytesValid) {
        stats.errors.incrementAndGet();
        finish(p, IoCompletion.error(p.request, error, bytesValid));
    }

    private void finish(Pending p, IoCompletion completion) {
        pending[p.request.slot()] = null;
        outstanding--;
        stats.inFlight.decrementAndGet();
        completions.publish(p.request, completion);
    }

    static String errnoName(int errno) {
        switch (errno) {
            case 2: return "ENOENT: no such file; deleted after it was registered?";
            case 5: return "EIO: input/output error";
            case 9: return "EBADF: bad file descriptor";
            case 13: return "EACCES: permission denied";
            case 21: return "EISDIR: is a directory";
            case 24: return "EMFILE: too many open files";
            case 28: return "ENOSPC: no space left on device";
            default: return "see errno(3)";
        }
    }

    private static final class Pending {
        final IoRequest request;
        /** The claim pass that took it; a FENCE of pass k waits for every request of passes up to k + 1. */
        final long pass;
        Capability file;
        Capability buffer;
        long done;
        int syncsOutstanding;
        int syncErrno;
        /** A FENCE's: the last caller read ticket taken once the pass after its own had scanned the queue. */
        long callerTicket = -1;
        /** When its pass claimed it (System.nanoTime): its wait behind the others claimed with it counts. */
        final long claimedNanos;

        Pending(IoRequest request, long pass, long claimedNanos) {
            this.request = request;
            this.pass = pass;
            this.claimedNanos = claimedNanos;
        }
    }

    private static final class FileState {
        int fd = -1;
        boolean opening;
        int failedErrno;
        boolean dirty;
        /** The queue partition (tenant) whose requests use the file: its fences sync it. */
        int partition;
        final List<Pending> waiting = new ArrayList<>();
    }
}
