package io.vyre.runtime;

import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.SlotResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owner's share of a {@link VyreRuntime} that several owners (the Flink subtasks of a task manager)
 * use at once: its tenant id in the ring's slots and the control block, its own partition of the IO queue,
 * its own capability handles (files and its lanes' buffers: the pump resolves its requests through them
 * only), its own lanes and programs, and a quota of slots in flight so it can neither fill the ring nor
 * starve the others.
 *
 * <p>{@link #close()} drains only this tenant: its slots not yet claimed end as TENANT_DENIED, those running
 * are waited for, then its lanes (once no IO is on its way into them), handles and programs go back. The
 * runtime and every other tenant go on. Thread-safe like the runtime.
 */
public final class VyreTenant implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VyreTenant.class);

    private final VyreRuntime runtime;
    private final int id;
    private final String name;
    private final List<Lane> laneList;
    private final LanePool lanes;
    private final Set<Integer> handles = ConcurrentHashMap.newKeySet();
    private final Set<LoadedProgram> programs = ConcurrentHashMap.newKeySet();
    /** Sequences published whose result this tenant has not taken yet. */
    private final Set<Long> open = ConcurrentHashMap.newKeySet();
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Runnable onClose;
    /** Publishes under way: close waits for them, so none lands after the drain looked at {@link #open}. */
    private final AtomicInteger publishing = new AtomicInteger();
    private volatile boolean closed;

    VyreTenant(VyreRuntime runtime, int id, String name, List<Lane> lanes, int maxInFlight, Runnable onClose) {
        this.runtime = runtime;
        this.id = id;
        this.name = name;
        this.laneList = List.copyOf(lanes);
        this.lanes = runtime.lanePool(name, lanes);
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.onClose = onClose;
    }

    /** The tenant id its slots carry (1..{@link VyreRuntimeContext#tenants()}). */
    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The shared runtime: its backend, pump statistics and control block, for metrics. Publish through the tenant. */
    public VyreRuntime runtime() {
        return runtime;
    }

    public List<Lane> lanes() {
        return laneList;
    }

    /** Most slots this tenant may have published and not taken. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Slots published and not taken. */
    public int inFlight() {
        return open.size();
    }

    public LoadedProgram load(Vir0Program program) {
        checkOpen();
        LoadedProgram loaded = runtime.load(program);
        programs.add(loaded);
        return loaded;
    }

    public void unload(LoadedProgram program) {
        if (programs.remove(program)) {
            runtime.unload(program);
        }
    }

    /** Registers a file only this tenant's IO requests can read. */
    public int registerFileForRead(Path path) throws IOException {
        checkOpen();
        int handle = runtime.capabilities().registerFileForRead(path, id);
        handles.add(handle);
        return handle;
    }

    /** Registers a file only this tenant's IO requests can write. */
    public int registerFileForWrite(Path path, long maxBytes) {
        checkOpen();
        int handle = runtime.capabilities().registerFileForWrite(path, maxBytes, id);
        handles.add(handle);
        return handle;
    }

    /** See {@link VyreRuntime#refreshFileBounds}. */
    public long refreshFileBounds(int handle) throws IOException {
        checkOpen();
        return runtime.refreshFileBounds(own(handle));
    }

    /** The capability's bound in bytes (a file's size when registered or last refreshed). */
    public long boundBytes(int handle) {
        return runtime.capabilities().source(own(handle)).boundBytes();
    }

    /** The last IO error the pump saw on one of this tenant's handles, or {@code null}. */
    public String lastIoError(int handle) {
        return runtime.capabilities().lastError(own(handle));
    }

    public void releaseHandle(int handle) {
        if (handles.remove(handle)) {
            runtime.releaseHandle(handle);
        }
    }

    public Lane acquireLane(Duration timeout) throws InterruptedException {
        checkOpen();
        return lanes.acquire(timeout);
    }

    public Lane acquireLane() throws InterruptedException {
        return acquireLane(runtime.context().watchdogTimeout());
    }

    public void releaseLane(Lane lane) {
        lanes.release(ownLane(lane));
    }

    /** See {@link VyreRuntime#stageInput}. */
    public void stageInput(Lane lane, int bytes) {
        runtime.stageInput(ownLane(lane), bytes);
    }

    /**
     * Publishes {@code CALL program, params...} as this tenant, waiting while its quota of slots in flight is
     * used up or the ring is full.
     */
    public long publishCall(LoadedProgram program, int priority, int... params) {
        checkOpen();
        if (!programs.contains(program)) {
            throw new IllegalArgumentException(name + ": program " + program.handle() + " was not loaded by this tenant");
        }
        publishing.incrementAndGet();
        try {
            checkOpen();
            takeQuota();
            try {
                long seq = runtime.publishCall(program, id, priority, params);
                open.add(seq);
                return seq;
            } catch (RuntimeException | Error e) {
                inFlight.release();
                throw e;
            }
        } finally {
            publishing.decrementAndGet();
        }
    }

    /** Waits for one of this tenant's slots; see {@link VyreRuntime#await(long, Duration)}. */
    public SlotResult await(long sequence, Duration timeout) {
        ownSequence(sequence);
        SlotResult result = runtime.await(sequence, timeout, () -> closed ? "closed" : null);
        if (result == null) {
            throw new VyreRuntimeException(name + ": the tenant closed while waiting for slot " + sequence);
        }
        return taken(sequence, result);
    }

    /** One of this tenant's results if its slot is done, else {@code null}; never blocks. */
    public SlotResult poll(long sequence) {
        ownSequence(sequence);
        return taken(sequence, runtime.poll(sequence));
    }

    private SlotResult taken(long sequence, SlotResult result) {
        if (result != null && open.remove(sequence)) {
            inFlight.release();
        }
        return result;
    }

    private void takeQuota() {
        try {
            while (!inFlight.tryAcquire(1, TimeUnit.MILLISECONDS)) {
                checkOpen();
                runtime.checkHealthy(name + " waiting for its quota of " + maxInFlight + " slots in flight (take"
                    + " results to free it)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VyreRuntimeException(name + ": interrupted while waiting for a slot of its quota", e);
        }
    }

    private int own(int handle) {
        if (!handles.contains(handle)) {
            throw new IllegalArgumentException(name + ": handle " + handle + " is not registered by this tenant");
        }
        return handle;
    }

    private Lane ownLane(Lane lane) {
        if (!laneList.contains(lane)) {
            throw new IllegalArgumentException(name + ": lane " + lane.index() + " is not one of this tenant's lanes");
        }
        return lane;
    }

    private void ownSequence(long sequence) {
        if (!open.contains(sequence)) {
            throw new IllegalArgumentException(name + ": slot " + sequence + " was not published by this tenant or its"
                + " result was taken already");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new VyreRuntimeException(name + ": the tenant is closed");
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Drains this tenant and gives back what it holds; the runtime and the other tenants go on. Idempotent;
     * always returns. Waits for publishes under way, then up to the runtime's watchdog for each slot still
     * running; a slot that does not end in that time keeps this tenant's id, lanes and programs out of use
     * for good (logged), since the kernel may still read into them.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        boolean drained = false;
        try {
            long deadline = System.nanoTime() + runtime.context().watchdogTimeout().toNanos();
            while (publishing.get() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            drained = publishing.get() == 0 && runtime.drainTenant(id, name, open);
            for (Integer handle : handles) {
                runtime.releaseHandle(handle);
            }
            handles.clear();
            if (drained) {
                open.clear();
                runtime.returnLanes(laneList);
                for (LoadedProgram p : programs) {
                    runtime.unload(p);
                }
                programs.clear();
            } else {
                LOG.error("{}: slots {} did not end; the tenant's id, lanes and programs stay out of use", name, open);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the tenant did not finish cleanly: {}", name, e.toString());
        } finally {
            if (drained) {
                runtime.freeTenant(id);
            }
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return name + " (tenant " + id + " of " + runtime.context().name() + ")";
    }
}
