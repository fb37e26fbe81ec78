package io.vyre.runtime;

import io.vyre.runtime.backend.AgentRunners;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.KernelEnvironment;
import io.vyre.runtime.backend.MegakernelBackend;
import io.vyre.runtime.backend.SlotWaiters;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.bytecode.Vir0Validator;
import io.vyre.runtime.io.CallerReads;
import io.vyre.runtime.io.Capability;
import io.vyre.runtime.io.IoCapabilities;
import io.vyre.runtime.io.IoCompletionPublisher;
import io.vyre.runtime.io.IoPath;
import io.vyre.runtime.io.IoPumpAgent;
import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.memory.OutputRegion;
import io.vyre.runtime.memory.OutputRegions;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.program.ProgramTable;
import io.vyre.runtime.protocol.ControlBlock;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.IoCompletion;
import io.vyre.runtime.protocol.IoQueueDescriptor;
import io.vyre.runtime.protocol.IoRequest;
import io.vyre.runtime.protocol.MegakernelIoQueue;
import io.vyre.runtime.protocol.OutputRegionDescriptor;
import io.vyre.runtime.protocol.SlotResult;
import io.vyre.runtime.protocol.WorkRing;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One megakernel runtime for one owner (a Flink subtask): a work ring, a control block, an IO queue with
 * its host pump, lanes of ingest buffers and output regions, and a backend (CPU or CUDA) interpreting the
 * ring. {@link #close()} stops the kernel, joins every thread and frees every byte.
 *
 * <pre>{@code
 * try (VyreRuntime rt = VyreRuntime.open(new VyreRuntimeContext().backend(BackendKind.CPU))) {
 *     LoadedProgram scan = rt.load(program);
 *     int file = rt.registerFileForRead(path);
 *     Lane lane = rt.acquireLane();
 *     lane.output().reset();
 *     SlotResult r = rt.call(scan, file, offsetLo, offsetHi, length, lane.ingestHandle(), limit, lane.output().handle());
 * }
 * }</pre>
 */
public final class VyreRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VyreRuntime.class);
    private static final long IO_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long closing waits for the IO pumps' threads to end once their IO drained, or did not. */
    private static final long PUMP_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final VyreRuntimeContext context;
    private final NativeMemory memory;
    private final ControlBlock control;
    private final WorkRing ring;
    /** Threads waiting for slots; parked until the kernel completes theirs where it {@link MegakernelBackend#wakesWaiters wakes} them. */
    private final SlotWaiters waiters;
    private final MegakernelIoQueue ioQueue;
    private final IoCapabilities capabilities = new IoCapabilities();
    private final OutputRegions outputs = new OutputRegions();
    private final ProgramTable programs = new ProgramTable();
    /** Results taken off the ring so a publisher could reuse their slot before their owner awaited them. */
    private final Map<Long, SlotResult> parked = new ConcurrentHashMap<>();
    private final LanePool lanes;
    /** Whether IO into a buffer handle is still open (requested, in flight, or being copied to the device). */
    private final IntPredicate ioOpenInto;
    /** Lanes tenants gave back, for the next tenant that needs lanes of their size. */
    private final List<Lane> spareLanes = new ArrayList<>();
    private final AtomicInteger nextLane = new AtomicInteger();
    /** Tenant ids taken ({@link #openTenant}); id 0 is the runtime's own and never handed out. */
    private final boolean[] tenantsInUse;
    private final MegakernelBackend backend;
    /** Why the backend is the one it is: forced by the settings, supplied, or measured against the other. */
    private final String backendReason;
    /** Empty when the application serves the IO queue itself ({@link VyreRuntimeContext#serveIoQueue}). */
    private final List<IoPumpAgent> pumps;
    /** The READs the kernel's workers serve themselves (a CPU megakernel), or null. */
    private final CallerReads callerReads;
    /** IO queue partitions the pumps serve: one above the highest tenant id taken so far. */
    private int servedPartitions = 1;
    private final List<AgentRunners.Started> pumpRunners;
    private volatile boolean closed;
    /** A waiting thread's spins, then yields, before it parks (see {@link #idleStrategy}). */
    private static final int IDLE_SPINS = 2_000;
    private static final int IDLE_YIELDS = 50;
    /**
     * Polls (spins) before a thread waiting on a kernel that wakes waiters parks: about 10 us, a short op's round trip.
     * The kernel runs on the same cores, so polling longer takes from it: with 2,050 polls before parking the sources'
     * fetcher threads saved 9% of their CPU, with 100 they saved 16% (docs/BENCHMARKS.md).
     */
    private static final int WOKEN_POLLS = 100;
    /** When this runtime opened: the origin of the watchdog's millisecond clock. */
    private final long openedNanos = System.nanoTime();
    /**
     * The heartbeat waiting threads last saw change (high 32 bits) and when, in ms since open (low 32 bits): one
     * word replaced by compare-and-set, so a waiter that was descheduled cannot pair a heartbeat with an older time.
     */
    private final AtomicLong lastBeat = new AtomicLong();
    /**
     * When a waiting thread last checked the heartbeat: a gap longer than half the watchdog means nobody watched
     * (the process was paused: a GC, a stopped or starved VM), and the watchdog starts over instead of blaming the
     * kernel for time it was not watched.
     */
    private volatile long lastCheckNanos = System.nanoTime();
    /**
     * What the watchdog saw when it declared the kernel hung, or {@code null}. A hung runtime stays hung: every later
     * wait fails, and it takes no new tenants.
     */
    private final AtomicReference<String> hung = new AtomicReference<>();

    private VyreRuntime(VyreRuntimeContext context) {
        this.context = context;
        this.memory = new NativeMemory(context.nativeMemoryLimit());
        MegakernelBackend created = null;
        List<AgentRunners.Started> runners = new ArrayList<>();
        List<IoPumpAgent> ioPumps = new ArrayList<>();
        try {
            NativeBuffer controlMemory = memory.allocate("control", ControlBlockDescriptor.BYTE_LENGTH);
            control = new ControlBlock(controlMemory.buffer());
            control.initialize();
            NativeBuffer ringMemory = memory.allocate("ring", WorkRingDescriptor.byteLength(context.ringCapacity()));
            ring = new WorkRing(ringMemory.buffer(), context.ringCapacity(), control);
            waiters = new SlotWaiters(context.ringCapacity(), SlotWaiters.PARK_NANOS);
            int queueSlots = context.ioQueuePartitions() * context.ioQueueSlots();
            NativeBuffer queueMemory = memory.allocate("io-queue", IoQueueDescriptor.byteLength(queueSlots));
            ioQueue = new MegakernelIoQueue(queueMemory.buffer(), queueSlots, context.ioQueuePartitions());
            List<Lane> laneList = allocateLanes(context.lanes(), context.ingestBufferBytes(), context.outputRegionWords());
            EngineChoice.Choice choice = context.chooseBackend();
            backendReason = choice.reason();
            created = context.createBackend(choice);
            MegakernelBackend b = created;
            ioOpenInto = handle -> ioQueue.hasOpenRequestOn(handle) || !b.ioCompletions().landed(handle);
            lanes = lanePool(context.name(), laneList);
            tenantsInUse = new boolean[context.tenants() + 1];
            IoCompletionPublisher completions = (request, completion) -> b.ioCompletions().publish(request, completion);
            callerReads = context.servesIoQueue() && context.callerReads() && created.kind() == BackendKind.CPU
                ? new CallerReads(ioQueue, capabilities, completions)
                : null;
            if (callerReads != null) {
                capabilities.readByWorkers();
            }
            if (context.servesIoQueue()) {
                int shards = context.ioPumps();
                for (int shard = 0; shard < shards; shard++) {
                    String pumpName = "vyre-io-pump-" + context.name() + (shards > 1 ? "-" + shard : "");
                    IoPumpAgent agent = new IoPumpAgent(pumpName, ioQueue, capabilities, context.ioPath(),
                        context.ioReadPieceBytes(), completions, shard, shards).alongside(callerReads);
                    if (context.tenants() > 0) {
                        agent.servePartitionsBelow(1);  // raised as tenants take their ids
                    }
                    // an idle turn reads every slot it serves: spin for about 4,096 such reads, then back off
                    int slots = Math.max(1, ioQueue.slotCount() / shards);
                    AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(Math.max(1, 4096 / slots), 10,
                        TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(200)),
                        t -> LOG.error("{}: IO pump failed", context.name(), t), null, agent);
                    ioPumps.add(agent);
                    runners.add(AgentRunners.start(runner, pumpName));
                    awaitPump(agent);
                }
            }
            created.launch(new KernelEnvironment(context.name(), ringMemory.buffer(), context.ringCapacity(), control,
                ioQueue, capabilities, outputs, programs, context.kernelLimits(), waiters, callerReads));
            backend = created;
            pumps = List.copyOf(ioPumps);
            pumpRunners = List.copyOf(runners);
        } catch (RuntimeException | Error e) {
            boolean releasable = true;
            if (created != null) {
                created.close();
                releasable = created.sharedMemoryReleasable();
            }
            boolean pumpsStopped = AgentRunners.closeWithin(runners, System.nanoTime() + PUMP_CLOSE_NANOS,
                context.name() + " IO pumps");
            if (releasable && pumpsStopped) {
                memory.close();
            } else {
                LOG.error("{}: {} did not stop after the launch failed; the ring, queue and buffers are not freed so"
                    + " nothing writes into freed memory", context.name(), pumpsStopped ? "the " + created.kind()
                    + " kernel" : "an IO pump");
            }
            if (e instanceof NativeMemory.DirectMemoryExhaustedException) {
                throw new VyreRuntimeException(context.name() + ": " + e.getMessage() + " (this runtime needs about "
                    + context.footprintBytes() + " bytes)", e);
            }
            throw e;
        }
        LOG.info("{}: runtime open: {}, IO path {}, ring {} slots, {} lanes of {} bytes, room for {} tenants",
            context.name(), backend.description(), pumps.isEmpty() ? "served by the application"
                : pumps.get(0).stats().path() + " (" + pumps.size() + " pump" + (pumps.size() > 1 ? "s" : "")
                + (pumps.get(0).stats().path() == IoPath.IO_URING && context.ioReadPieceBytes() > 0
                    ? ", reads in io-wq pieces of " + context.ioReadPieceBytes() + " bytes" : "") + ")",
            context.ringCapacity(), context.lanes(), context.ingestBufferBytes(), context.tenants());
    }

    private static void awaitPump(IoPumpAgent pump) {
        try {
            pump.awaitStarted(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VyreRuntimeException("interrupted while the IO pump started", e);
        }
    }

    public static VyreRuntime open(VyreRuntimeContext context) {
        AgronaAccess.check();
        context.conclude();
        return new VyreRuntime(context);
    }

    public VyreRuntimeContext context() {
        return context;
    }

    public MegakernelBackend backend() {
        return backend;
    }

    /** Why this runtime runs on its backend: forced by the settings, or measured against the other (auto). */
    public String backendReason() {
        return backendReason;
    }

    public ControlBlock control() {
        return control;
    }

    public WorkRing ring() {
        return ring;
    }

    public MegakernelIoQueue ioQueue() {
        return ioQueue;
    }

    public IoCapabilities capabilities() {
        return capabilities;
    }

    /** The (first) IO pump, or {@code null} when the application serves the IO queue itself. */
    public IoPumpAgent pump() {
        return pumps.isEmpty() ? null : pumps.get(0);
    }

    /** Every IO pump: each serves its share of the tenants' IO queue partitions on a thread of its own. */
    public List<IoPumpAgent> pumps() {
        return pumps;
    }

    /** IO requests claimed and not completed, over all pumps. */
    public long ioInFlight() {
        long n = callerReads == null ? 0 : callerReads.inFlight();
        for (IoPumpAgent p : pumps) {
            n += p.inFlight();
        }
        return n;
    }

    /**
     * Completes an IO request the application claimed from {@link #ioQueue()}, when it serves the queue itself
     * ({@link VyreRuntimeContext#serveIoQueue(boolean)}): the completion reaches the kernel the way the
     * backend's kernel waits for it (for CUDA, a READ's bytes are copied to the device first).
     */
    public void completeIo(IoRequest request, IoCompletion completion) {
        checkOpen();
        backend.ioCompletions().publish(request, completion);
    }

    public NativeMemory memory() {
        return memory;
    }

    public List<Lane> lanes() {
        return lanes.all();
    }

    /** Validates a program, compiles its constants and makes it resident; publish it with {@link #call}. */
    public LoadedProgram load(Vir0Program program) {
        checkOpen();
        LoadedProgram loaded = programs.load(program);
        try {
            backend.programLoaded(loaded);
        } catch (RuntimeException | Error e) {
            try {
                backend.programUnloaded(loaded);  // what the backend took of it before it failed
            } catch (RuntimeException | Error again) {
                e.addSuppressed(again);
            }
            programs.unload(loaded.handle());
            throw e;
        }
        return loaded;
    }

    public void unload(LoadedProgram program) {
        backend.programUnloaded(program);
        programs.unload(program.handle());
    }

    public int registerFileForRead(Path path) throws IOException {
        checkOpen();
        return capabilities.registerFileForRead(path);
    }

    /** See {@link IoCapabilities#refreshFileBounds(int)}: lets the kernel read what a file grew by since. */
    public long refreshFileBounds(int handle) throws IOException {
        checkOpen();
        return capabilities.refreshFileBounds(handle);
    }

    public int registerFileForWrite(Path path, long maxBytes) {
        checkOpen();
        return capabilities.registerFileForWrite(path, maxBytes);
    }

    /**
     * Announces that the first {@code bytes} of the lane's ingest buffer hold input for the next INPUT of it
     * (call after writing them, before publishing): on CUDA the copy engine moves them to device memory
     * while the slot waits in the ring. Not staging is correct too, only slower on CUDA (the kernel then
     * pulls the bytes over PCIe); do not write the buffer again until the slot that reads it is done.
     */
    public void stageInput(Lane lane, int bytes) {
        checkOpen();
        if (bytes < 0 || bytes > lane.ingest().capacity()) {
            throw new IllegalArgumentException(bytes + " bytes do not fit lane " + lane.index() + "'s ingest buffer of "
                + lane.ingest().capacity() + " bytes");
        }
        backend.stageInput(lane.ingestHandle(), bytes);
    }

    /** Removes a handle from the capability tables: the kernel can no longer name it. */
    public void releaseHandle(int handle) {
        capabilities.release(handle);
        backend.handleReleased(handle);
    }

    /** Takes a free lane, waiting up to {@code timeout}. */
    public Lane acquireLane(Duration timeout) throws InterruptedException {
        checkOpen();
        return lanes.acquire(timeout);
    }

    public Lane acquireLane() throws InterruptedException {
        return acquireLane(context.watchdogTimeout());
    }

    /**
     * Gives a lane back. A lane whose ingest buffer may still receive bytes (a read the kernel gave up waiting
     * for) is held back until they landed, so they never overwrite the next user's input.
     */
    public void releaseLane(Lane lane) {
        lanes.release(lane);
    }

    /**
     * Opens a tenant: a tenant id, the IO queue partition of that id, and {@code laneCount} lanes of its own
     * (reused from tenants that closed, or allocated and made resolvable by the running kernel).
     *
     * @param maxInFlight most slots the tenant may have published and not taken
     * @throws VyreRuntimeException when all {@link VyreRuntimeContext#tenants()} tenants are open
     */
    public VyreTenant openTenant(String name, int laneCount, int ingestBufferBytes, int outputRegionWords, int maxInFlight) {
        return openTenant(name, laneCount, ingestBufferBytes, outputRegionWords, maxInFlight, () -> { });
    }

    VyreTenant openTenant(String name, int laneCount, int ingestBufferBytes, int outputRegionWords, int maxInFlight,
                          Runnable onClose) {
        checkOpen();
        if (laneCount < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException(name + ": a tenant needs at least one lane and one slot in flight, got "
                + laneCount + " lanes and " + maxInFlight + " slots");
        }
        int id = takeTenantId(name);
        List<Lane> own = List.of();
        try {
            own = lanesFor(id, laneCount, ingestBufferBytes, outputRegionWords);
            control.allowTenant(id);
            VyreTenant tenant = new VyreTenant(this, id, name, own, maxInFlight, onClose);
            LOG.info("{}: tenant {} open as {} ({} lanes of {} bytes, IO queue partition of {} slots)", context.name(),
                id, name, laneCount, ingestBufferBytes, ioQueue.partitionSlots());
            return tenant;
        } catch (RuntimeException | Error e) {
            returnLanes(own);
            freeTenant(id);
            throw e;
        }
    }

    private synchronized int takeTenantId(String name) {
        for (int id = 1; id < tenantsInUse.length; id++) {
            if (!tenantsInUse[id]) {
                tenantsInUse[id] = true;
                if (id + 1 > servedPartitions) {
                    servedPartitions = id + 1;  // before the tenant can publish anything
                    pumps.forEach(p -> p.servePartitionsBelow(servedPartitions));
                }
                return id;
            }
        }
        throw new VyreRuntimeException(context.name() + ": " + name + " cannot join: all " + context.tenants()
            + " tenants of this runtime are open (VyreRuntimeContext.tenants; in Flink"
            + " VyreRuntimeSettings.tenantsPerDevice)");
    }

    synchronized void freeTenant(int id) {
        tenantsInUse[id] = false;
    }

    /** Tenants open now. */
    public synchronized int openTenants() {
        int n = 0;
        for (int id = 1; id < tenantsInUse.length; id++) {
            n += tenantsInUse[id] ? 1 : 0;
        }
        return n;
    }

    /** Lanes for a tenant: spare ones of the right size nothing is on its way into, else new ones. */
    private List<Lane> lanesFor(int tenant, int count, int ingestBytes, int outputWords) {
        List<Lane> own = new ArrayList<>();
        synchronized (spareLanes) {
            for (Iterator<Lane> it = spareLanes.iterator(); it.hasNext() && own.size() < count; ) {
                Lane lane = it.next();
                if (lane.ingest().capacity() == ingestBytes && lane.output().capacityWords() == outputWords
                    && !ioOpenInto.test(lane.ingestHandle())) {
                    it.remove();
                    own.add(lane);
                }
            }
        }
        if (own.size() < count) {
            List<Lane> added;
            try {
                added = allocateLanes(count - own.size(), ingestBytes, outputWords);
            } catch (RuntimeException | Error e) {
                returnLanes(own);
                throw e;
            }
            List<Capability> buffers = new ArrayList<>();
            List<OutputRegion> regions = new ArrayList<>();
            for (Lane lane : added) {
                buffers.add(capabilities.destination(lane.ingestHandle()));
                regions.add(lane.output());
            }
            try {
                backend.lanesAdded(buffers, regions);
            } catch (RuntimeException | Error e) {
                forget(added);
                returnLanes(own);
                throw e;
            }
            own.addAll(added);
        }
        for (Lane lane : own) {
            capabilities.assign(lane.ingestHandle(), tenant);
        }
        return own;
    }

    /**
     * New lanes. On a failure part-way the handles of those made so far are released (they were never mapped
     * into the kernel, so they are not handed out); their memory goes with the runtime.
     */
    private List<Lane> allocateLanes(int count, int ingestBytes, int outputWords) {
        List<Lane> laneList = new ArrayList<>();
        try {
            for (int k = 0; k < count; k++) {
                int i = nextLane.getAndIncrement();
                NativeBuffer ingest = memory.allocate("ingest-" + i, ingestBytes);
                NativeBuffer out = memory.allocate("output-" + i, OutputRegionDescriptor.byteLength(outputWords));
                laneList.add(new Lane(i, capabilities.registerBuffer(ingest), ingest, outputs.register(out)));
            }
        } catch (RuntimeException | Error e) {
            forget(laneList);
            throw e;
        }
        return laneList;
    }

    /** Removes lanes the kernel never saw from the tables, so nothing can name them. */
    private void forget(List<Lane> unmapped) {
        for (Lane lane : unmapped) {
            capabilities.release(lane.ingestHandle());
            outputs.remove(lane.output().handle());
        }
    }

    /** A closed tenant's lanes, kept for the next tenant (handed out once no IO is on its way into them). */
    void returnLanes(List<Lane> returned) {
        for (Lane lane : returned) {
            capabilities.assign(lane.ingestHandle(), 0);
        }
        synchronized (spareLanes) {
            spareLanes.addAll(returned);
        }
    }

    LanePool lanePool(String owner, List<Lane> laneList) {
        return new LanePool(owner, laneList, ioOpenInto);
    }

    /**
     * Ends a closing tenant's slots: those not claimed yet end as TENANT_DENIED, those running are waited for
     * (up to the watchdog each); their results are dropped. A slot the kernel has not finished in that time
     * keeps its tenant id and lanes out of use for good (logged), since it may still read into them.
     *
     * @return whether every slot ended
     */
    boolean drainTenant(int id, String name, Set<Long> open) {
        if (closed) {
            return true;
        }
        control.denyTenant(id);
        boolean drained = true;
        for (Long seq : List.copyOf(open)) {
            try {
                // ends with the result, or at once when its owner took it meanwhile
                await(seq, context.watchdogTimeout(), () -> open.contains(seq) ? null : "taken");
                open.remove(seq);
            } catch (VyreRuntimeException e) {
                LOG.warn("{}: {} closed with slot {} unfinished: {}", context.name(), name, seq, e.getMessage());
                drained = false;
            }
        }
        return drained;
    }

    /**
     * Validates an instruction and publishes it into the next slot, waiting while the ring is full.
     *
     * @return the slot's sequence, for {@link #await}
     */
    public long publish(Instruction instruction, int tenant, int priority) {
        checkOpen();
        Vir0Validator.validateSlot(instruction, tenant, priority);
        int[] args = instruction.operands();
        IdleStrategy idle = idleStrategy();
        long seq;
        while ((seq = ring.tryPublish(instruction.opcode().code(), tenant, priority, args)) < 0) {
            SlotResult evicted = ring.evictBlockingResult();
            if (evicted != null) {
                parked.put(evicted.sequence(), evicted);
                waiters.done(ring.slotIndex(evicted.sequence()));  // its owner may have looked between take and put
                continue;
            }
            checkHealthy("publishing into a full ring");
            idle.idle();
        }
        return seq;
    }

    public long publish(Instruction instruction) {
        return publish(instruction, 0, 0);
    }

    /** Waits for a slot to be DONE and takes its result, failing when the kernel faults or stalls. */
    public SlotResult await(long sequence, Duration timeout) {
        return await(sequence, timeout, () -> null);
    }

    /**
     * {@link #await(long, Duration)} that also gives up, returning {@code null}, once {@code abandon} says why
     * (a non-null reason; a tenant that closes, a result another thread took).
     */
    SlotResult await(long sequence, Duration timeout, Supplier<String> abandon) {
        IdleStrategy idle = idleStrategy();
        long deadline = System.nanoTime() + timeout.toNanos();
        // a kernel that wakes waiters: a few polls for a short op, then sleep until the kernel says the slot is done
        boolean woken = backend.wakesWaiters();
        int polls = 0;
        int index = ring.slotIndex(sequence);
        SlotResult result;
        while ((result = takeOrParked(sequence)) == null) {
            if (abandon.get() != null) {
                return null;
            }
            checkHealthy("waiting for slot ", sequence);
            if (System.nanoTime() - deadline > 0) {
                throw new VyreRuntimeException(context.name() + ": slot " + sequence + " was not done within " + timeout
                    + " although the kernel is alive (heartbeat " + control.heartbeat() + "): the op is slow or the"
                    + " ring is blocked by a result nobody took");
            }
            if (!woken || polls < WOKEN_POLLS) {
                polls++;
                idle.idle();
            } else {
                waiters.enter(index);
                try {
                    if ((result = takeOrParked(sequence)) != null) {
                        return result;
                    }
                    waiters.park();
                } finally {
                    waiters.leave(index);
                }
            }
            checkOpen();  // the ring's memory goes with a close: not read again after a wait the runtime did not outlive
        }
        return result;
    }

    public SlotResult await(long sequence) {
        return await(sequence, Duration.ofDays(1));
    }

    /** A result if the slot is done, else {@code null}; never blocks. */
    public SlotResult poll(long sequence) {
        SlotResult result = takeOrParked(sequence);
        if (result == null) {
            checkHealthy("polling slot ", sequence);
        }
        return result;
    }

    private SlotResult takeOrParked(long sequence) {
        SlotResult result = ring.take(sequence);
        return result != null ? result : parked.remove(sequence);
    }

    public SlotResult execute(Instruction instruction) {
        return await(publish(instruction));
    }

    /** Publishes {@code CALL program, params...} (up to 7 params: r1..r7) and waits for it. */
    public SlotResult call(LoadedProgram program, int... params) {
        return await(publishCall(program, 0, 0, params));
    }

    public long publishCall(LoadedProgram program, int tenant, int priority, int... params) {
        if (params.length > WorkRingDescriptor.ARG_COUNT - 1) {
            throw new IllegalArgumentException("CALL passes at most " + (WorkRingDescriptor.ARG_COUNT - 1)
                + " parameters, got " + params.length);
        }
        int[] args = new int[WorkRingDescriptor.ARG_COUNT];
        args[0] = program.handle();
        System.arraycopy(params, 0, args, 1, params.length);
        return publish(new Instruction(Opcode.CALL, 0, args), tenant, priority);
    }

    /** Slots published and not done yet (ring occupancy as the kernel sees it). */
    public long ringOccupancy() {
        return ring.published() - control.doneCount();
    }

    void checkHealthy(String doing) {
        checkHealthy(doing, -1);
    }

    /**
     * Fails when the runtime is closed, its kernel faulted, or its heartbeat stood still for the watchdog
     * timeout. Called by every waiting thread on every idle turn: no lock, no message built until it fails.
     *
     * @param slot appended to {@code doing} in a failure's message, unless negative
     */
    void checkHealthy(String doing, long slot) {
        checkOpen();
        String fault = backend.fault();
        if (fault != null) {
            throw new VyreRuntimeException(context.name() + ": the " + backend.kind() + " megakernel faulted while "
                + doing + (slot >= 0 ? slot : "") + ": " + fault);
        }
        if (hung.get() == null) {
            long now = System.nanoTime();
            long watchdog = context.watchdogTimeout().toNanos();
            boolean unwatched = now - lastCheckNanos > watchdog / 2;
            lastCheckNanos = now;
            int heartbeat = control.heartbeat();
            long last = lastBeat.get();
            int nowMillis = (int) TimeUnit.NANOSECONDS.toMillis(now - openedNanos);
            if (heartbeat != (int) (last >>> 32) || unwatched) {
                lastBeat.compareAndSet(last, ((long) heartbeat << 32) | Integer.toUnsignedLong(nowMillis));
                return;
            }
            if (TimeUnit.MILLISECONDS.toNanos(nowMillis - (int) last) <= watchdog) {
                return;
            }
            String seen = "heartbeat has not advanced for " + context.watchdogTimeout() + " (stuck at " + heartbeat + ")";
            if (hung.compareAndSet(null, seen)) {
                LOG.error("{}: the {} megakernel is hung: its {}; its tenants fail, and new tenants open another runtime",
                    context.name(), backend.kind(), seen);
            }
        }
        throw new VyreRuntimeException(context.name() + ": the " + backend.kind() + " megakernel's " + hung.get()
            + " while " + doing + (slot >= 0 ? slot : "") + ": the kernel is hung; close this runtime and open a new one");
    }

    private void checkOpen() {
        if (closed) {
            throw new VyreRuntimeException(context.name() + ": the runtime is closed");
        }
    }

    /** Spins for tens of microseconds (a GPU round trip) before yielding and then parking. */
    private static IdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(IDLE_SPINS, IDLE_YIELDS, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(100));
    }

    public boolean isClosed() {
        return closed;
    }

    /** The threads waiting for slots (tests check that the CPU kernel wakes them). */
    SlotWaiters waiters() {
        return waiters;
    }

    /**
     * Why this runtime cannot take a new tenant (closed, its kernel faulted, or the watchdog found it hung), or
     * {@code null} when it can.
     */
    public String unserviceableReason() {
        if (closed) {
            return "closed";
        }
        String fault = backend.fault();
        String seen = hung.get();
        return fault != null ? "faulted: " + fault : seen != null ? "hung: its " + seen : null;
    }

    /** Stops the kernel, drains and stops the IO pump, frees all native memory. Idempotent; always returns. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        backend.close();
        long deadline = System.nanoTime() + IO_DRAIN_NANOS;
        while (ioInFlight() > 0 && System.nanoTime() < deadline && pumpRunners.stream().noneMatch(p -> p.runner().isClosed())) {
            Thread.onSpinWait();
        }
        long inFlight = ioInFlight();
        boolean pumpsStopped = AgentRunners.closeWithin(pumpRunners, System.nanoTime() + PUMP_CLOSE_NANOS,
            context.name() + " IO pumps");
        if (!pumpsStopped) {
            LOG.error("{}: an IO pump did not stop (blocked in a system call?); the buffers it reads into and writes from"
                + " are not freed (the process should be restarted)", context.name());
        } else if (!backend.sharedMemoryReleasable()) {
            LOG.error("{}: the {} kernel did not stop; its ring, queue and buffers are not freed so it cannot write"
                + " into freed memory (the process should be restarted)", context.name(), backend.kind());
        } else if (inFlight == 0) {
            memory.close();
        } else {
            LOG.error("{}: {} IO operations were still in flight after {} s; their buffers are not freed so the OS"
                + " cannot write into freed memory", context.name(), inFlight, IO_DRAIN_NANOS / 1_000_000_000L);
        }
        LOG.info("{}: runtime closed ({} slots done, {} failed){}", context.name(), control.doneCount(),
            control.failedCount(), pumpsSummary());
    }

    /** What the IO pumps (and the workers reading for themselves) did over the runtime's life, for the close log. */
    private String pumpsSummary() {
        long reads = 0;
        long bytes = 0;
        long readNanos = 0;
        long cpuNanos = 0;
        for (IoPumpAgent p : pumps) {
            reads += p.stats().readsDone();
            bytes += p.stats().bytesRead();
            readNanos += p.stats().readNanos();
            cpuNanos += Math.max(0, p.stats().cpuNanos());
        }
        String summary = pumps.isEmpty() ? "" : reads == 0
            ? String.format(Locale.ROOT, "; %d IO pump%s, %.2f s of their CPU", pumps.size(),
                pumps.size() == 1 ? "" : "s", cpuNanos / 1e9)
            : String.format(Locale.ROOT, "; %d IO pump%s read %.2f GiB in %,d reads, %.3f ms each from claim to the"
                + " last byte on average, %.2f s of the pumps' CPU", pumps.size(), pumps.size() == 1 ? "" : "s",
                bytes / (double) (1L << 30), reads, readNanos / (double) reads / 1e6, cpuNanos / 1e9);
        if (callerReads != null && callerReads.readsDone() > 0) {
            summary += String.format(Locale.ROOT, "; the kernel's workers read %.2f GiB themselves in %,d reads, %.3f ms"
                + " each on average", callerReads.bytesRead() / (double) (1L << 30), callerReads.readsDone(),
                callerReads.readNanos() / (double) callerReads.readsDone() / 1e6);
        }
        return summary;
    }

    /** The READs this runtime's kernel workers served themselves, or null where every request goes to a pump. */
    public CallerReads callerReads() {
        return callerReads;
    }
}
