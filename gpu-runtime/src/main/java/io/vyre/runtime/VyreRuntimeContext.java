package io.vyre.runtime;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
import io.vyre.runtime.backend.BackendSettings;
import io.vyre.runtime.backend.KernelLimits;
import io.vyre.runtime.backend.MatchEngine;
import io.vyre.runtime.backend.MegakernelBackend;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.io.IoPath;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.IoQueueDescriptor;
import io.vyre.runtime.protocol.OutputRegionDescriptor;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings of one {@link VyreRuntime}. {@link #conclude()} checks every setting, with the fix in the
 * message, before anything is allocated or started.
 */
public final class VyreRuntimeContext {
    private static final Logger LOG = LoggerFactory.getLogger(VyreRuntimeContext.class);
    private String name = "vyre";
    private BackendKind backend = BackendKind.AUTO;
    private int cpuWorkers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private List<Integer> devices = List.of();
    private int ownerIndex;
    private int ringCapacity = WorkRingDescriptor.DEFAULT_CAPACITY;
    private int ioQueueSlots = IoQueueDescriptor.DEFAULT_SLOT_COUNT;
    private int tenants;
    private int ioPumps = 1;
    private IoPath ioPath = IoPath.AUTO;
    /** Unset: a runtime of its own then reads inline, a shared device runtime chooses by its backend. */
    private static final int UNSET = Integer.MIN_VALUE;
    private int ioReadPieceBytes = UNSET;
    private boolean callerReads = true;
    private int lanes = 4;
    private int ingestBufferBytes = 4 << 20;
    private int outputRegionWords = 1 << 20;
    private long nativeMemoryLimit = 1L << 30;
    private KernelLimits kernelLimits = KernelLimits.DEFAULT;
    private Duration watchdogTimeout = Duration.ofSeconds(30);
    private int gpuBlocks;
    private long deviceArenaBytes = 256L << 20;
    private boolean serveIoQueue = true;
    private MatchEngine cpuMatchEngine = MatchEngine.AUTO;
    private List<Vir0Program> workload = List.of();
    private Supplier<byte[]> calibrationSample = () -> null;
    private Function<BackendSettings, MegakernelBackend> backendFactory;
    /** The backend already chosen (with its reason) for a runtime opened on someone else's behalf. */
    private EngineChoice.Choice decided;
    private boolean concluded;

    public VyreRuntimeContext name(String name) {
        this.name = name;
        return this;
    }

    public VyreRuntimeContext backend(BackendKind backend) {
        this.backend = backend;
        return this;
    }

    /**
     * The programs this runtime will run: with {@code backend=auto}, their largest literal set is what the
     * CPU and the GPU are measured on before one of them is chosen ({@link EngineChoice}).
     */
    public VyreRuntimeContext workload(List<Vir0Program> programs) {
        this.workload = List.copyOf(programs);
        return this;
    }

    public List<Vir0Program> workload() {
        return workload;
    }

    /**
     * Bytes of the input the workload will read (the start of its first file), for {@code backend=auto} to
     * measure on: how fast a DFA runs depends on how deep the text leads it into the automaton, which synthetic
     * text does not show (on the H200, a million patterns measured 49 GB/s on random text and scanned log lines
     * far slower). Without one, a synthetic sample of printable text is used.
     */
    public VyreRuntimeContext calibrationSample(byte[] sample) {
        byte[] copy = sample == null ? null : sample.clone();
        return calibrationSample(() -> copy);
    }

    /**
     * As {@link #calibrationSample(byte[])}, read only if a measurement is made: the owners of one task manager
     * open their runtimes with it, and only the first one for a pattern set calibrates.
     */
    public VyreRuntimeContext calibrationSample(Supplier<byte[]> sample) {
        this.calibrationSample = sample;
        return this;
    }

    /** The input sample for {@code backend=auto} (read now), or null. */
    public byte[] calibrationSample() {
        byte[] sample = calibrationSample.get();
        return sample == null || sample.length == 0 ? null : sample.clone();
    }

    /** How the CPU megakernel runs MATCH: Vectorscan where it loads (AUTO, the default), or forced. */
    public VyreRuntimeContext cpuMatchEngine(MatchEngine cpuMatchEngine) {
        this.cpuMatchEngine = cpuMatchEngine;
        return this;
    }

    public MatchEngine cpuMatchEngine() {
        return cpuMatchEngine;
    }

    public VyreRuntimeContext cpuWorkers(int cpuWorkers) {
        this.cpuWorkers = cpuWorkers;
        return this;
    }

    /** CUDA device ordinals this runtime may use; the owner index picks one round-robin. */
    public VyreRuntimeContext devices(List<Integer> devices) {
        this.devices = List.copyOf(devices);
        return this;
    }

    /** Index of the owner (a Flink subtask): picks the GPU round-robin. */
    public VyreRuntimeContext ownerIndex(int ownerIndex) {
        this.ownerIndex = ownerIndex;
        return this;
    }

    public VyreRuntimeContext ringCapacity(int ringCapacity) {
        this.ringCapacity = ringCapacity;
        return this;
    }

    /** IO queue slots of the runtime's own partition, and of each tenant's ({@link #tenants}). */
    public VyreRuntimeContext ioQueueSlots(int ioQueueSlots) {
        this.ioQueueSlots = ioQueueSlots;
        return this;
    }

    /**
     * Tenants that may be open on this runtime at once ({@link VyreRuntime#openTenant}), each with an IO queue
     * partition of {@link #ioQueueSlots} slots of its own; 0 (the default) for a runtime with one owner.
     */
    public VyreRuntimeContext tenants(int tenants) {
        this.tenants = tenants;
        return this;
    }

    public int tenants() {
        return tenants;
    }

    /**
     * IO pump threads (default 1): each serves its share of the IO queue partitions, so a runtime shared by
     * many tenants reads from the page cache on several cores. At most {@link #ioQueuePartitions()}.
     */
    public VyreRuntimeContext ioPumps(int ioPumps) {
        this.ioPumps = ioPumps;
        return this;
    }

    public int ioPumps() {
        return ioPumps;
    }

    /** IO queue partitions: the runtime's own (tenant 0) and one per tenant. */
    public int ioQueuePartitions() {
        return tenants + 1;
    }

    public VyreRuntimeContext ioPath(IoPath ioPath) {
        this.ioPath = ioPath;
        return this;
    }

    /**
     * How io_uring reads (default 0): 0 makes each read inline on its pump's thread (one core copies out of
     * the page cache per pump); more sends reads to the kernel's io-wq workers in pieces of at most this
     * many bytes (a multiple of 4096), so a pump's reads are copied on many cores at once. A device runtime
     * shared through {@link DeviceRuntimes} takes the owner's value where it is set, and otherwise reads in
     * pieces on CUDA (where one pump's inline copies bounded a subtask) and inline on the CPU.
     */
    public VyreRuntimeContext ioReadPieceBytes(int ioReadPieceBytes) {
        this.ioReadPieceBytes = ioReadPieceBytes;
        return this;
    }

    public int ioReadPieceBytes() {
        return ioReadPieceBytes == UNSET ? 0 : ioReadPieceBytes;
    }

    /**
     * Whether the CPU megakernel's workers read their own slots' bytes (default true): a worker posts its READ
     * already claimed, reads the file on its own thread with a positional read (not through io_uring), then scans
     * what is in its core's cache; off, every request waits for an IO pump to copy it on another core. Such a read
     * blocks its worker for as long as the file system takes (the IO wait limit does not cut it short): on a slow
     * network file system, turn this off. A GPU's kernel cannot read files: on CUDA this changes nothing. See
     * {@link io.vyre.runtime.io.CallerReads}.
     */
    public VyreRuntimeContext callerReads(boolean callerReads) {
        this.callerReads = callerReads;
        return this;
    }

    public boolean callerReads() {
        return callerReads;
    }

    /** Whether {@link #ioReadPieceBytes(int)} was called: 0 set there asks for inline reads even on CUDA. */
    public boolean ioReadPieceBytesSet() {
        return ioReadPieceBytes != UNSET;
    }

    /** Invocations that can be in flight at once: each lane is one ingest buffer plus one output region. */
    public VyreRuntimeContext lanes(int lanes) {
        this.lanes = lanes;
        return this;
    }

    public VyreRuntimeContext ingestBufferBytes(int ingestBufferBytes) {
        this.ingestBufferBytes = ingestBufferBytes;
        return this;
    }

    public VyreRuntimeContext outputRegionWords(int outputRegionWords) {
        this.outputRegionWords = outputRegionWords;
        return this;
    }

    public VyreRuntimeContext nativeMemoryLimit(long nativeMemoryLimit) {
        this.nativeMemoryLimit = nativeMemoryLimit;
        return this;
    }

    public VyreRuntimeContext kernelLimits(KernelLimits kernelLimits) {
        this.kernelLimits = kernelLimits;
        return this;
    }

    public VyreRuntimeContext watchdogTimeout(Duration watchdogTimeout) {
        this.watchdogTimeout = watchdogTimeout;
        return this;
    }

    /** Blocks of the CUDA kernel: 0 (the default) is one per multiprocessor; block 0 schedules, the rest work. */
    public VyreRuntimeContext gpuBlocks(int gpuBlocks) {
        this.gpuBlocks = gpuBlocks;
        return this;
    }

    /** Device memory for programs and pattern tables on CUDA, reserved at launch; larger sets take more blocks later. */
    public VyreRuntimeContext deviceArenaBytes(long deviceArenaBytes) {
        this.deviceArenaBytes = deviceArenaBytes;
        return this;
    }

    /**
     * Whether the runtime serves the IO queue with its own pump (the default). With {@code false} the
     * application serves it: it claims the kernel's requests from {@link VyreRuntime#ioQueue()}, checks them
     * against {@link VyreRuntime#capabilities()} and completes every one with {@link VyreRuntime#completeIo}
     * (a storage system of its own; tests that play a slow, failing or hostile host).
     */
    public VyreRuntimeContext serveIoQueue(boolean serveIoQueue) {
        this.serveIoQueue = serveIoQueue;
        return this;
    }

    public boolean servesIoQueue() {
        return serveIoQueue;
    }

    /**
     * Supplies the backend instead of {@link #backend(BackendKind)}: for backends outside this library and
     * for tests of the runtime's own failure handling.
     */
    public VyreRuntimeContext backendFactory(Function<BackendSettings, MegakernelBackend> backendFactory) {
        this.backendFactory = backendFactory;
        return this;
    }

    /** Validates every setting; called by {@link VyreRuntime#open}. */
    public VyreRuntimeContext conclude() {
        require(name != null && !name.isBlank() && name.matches("[A-Za-z0-9_.-]+"), "name",
            "'" + name + "' must be non-empty letters, digits, '_', '.', '-' (it names threads)");
        require(backend != null, "backend", "must be auto, cpu or cuda");
        require(cpuMatchEngine != null, "cpuMatchEngine", "must be AUTO, VECTORSCAN or JAVA_DFA");
        require(cpuWorkers >= 1 && cpuWorkers <= 256, "cpuWorkers", cpuWorkers + " is outside [1, 256]");
        require(ownerIndex >= 0, "ownerIndex", ownerIndex + " is negative");
        for (int d : devices) {
            require(d >= 0, "devices", "device ordinal " + d + " is negative");
        }
        try {
            WorkRingDescriptor.checkCapacity(ringCapacity);
            IoQueueDescriptor.checkSlotCount(ioQueueSlots);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid runtime setting: " + e.getMessage(), e);
        }
        require(tenants >= 0 && tenants < ControlBlockDescriptor.TENANT_COUNT, "tenants", tenants
            + " is outside [0, " + (ControlBlockDescriptor.TENANT_COUNT - 1) + "]: the control block has "
            + ControlBlockDescriptor.TENANT_COUNT + " tenant words and the runtime keeps tenant 0");
        require((long) ioQueuePartitions() * ioQueueSlots <= IoQueueDescriptor.MAX_SLOT_COUNT, "ioQueueSlots",
            ioQueueSlots + " slots for each of " + ioQueuePartitions() + " tenant partitions exceed the queue's "
            + IoQueueDescriptor.MAX_SLOT_COUNT + " slots: use fewer tenants or slots");
        require(ioPumps >= 1 && ioPumps <= ioQueuePartitions(), "ioPumps", ioPumps + " is outside [1, "
            + ioQueuePartitions() + "]: each pump serves at least one IO queue partition (one per tenant, plus the"
            + " runtime's own)");
        require(ioPath != null, "ioPath", "must be AUTO, IO_URING or FILE_CHANNEL");
        require(ioReadPieceBytes == UNSET || ioReadPieceBytes >= 0 && ioReadPieceBytes % 4096 == 0, "ioReadPieceBytes",
            ioReadPieceBytes + " must be 0 (inline reads) or a positive multiple of 4096");
        require(lanes >= 1 && lanes <= ringCapacity, "lanes", lanes + " must be in [1, ringCapacity=" + ringCapacity + "]");
        require(ingestBufferBytes >= NativeMemory.PAGE_SIZE && ingestBufferBytes <= (1 << 30), "ingestBufferBytes",
            ingestBufferBytes + " is outside [" + NativeMemory.PAGE_SIZE + ", 1 GiB]");
        require(outputRegionWords >= 16 && outputRegionWords <= (1 << 28), "outputRegionWords",
            outputRegionWords + " is outside [16, 2^28]");
        require(gpuBlocks == 0 || gpuBlocks >= 2, "gpuBlocks", gpuBlocks + " must be 0 (one per multiprocessor) or >= 2");
        require(deviceArenaBytes >= (1 << 20), "deviceArenaBytes", deviceArenaBytes + " is below 1 MiB");
        require(watchdogTimeout != null && !watchdogTimeout.isNegative() && !watchdogTimeout.isZero(),
            "watchdogTimeout", watchdogTimeout + " must be positive");
        long needed = footprintBytes();
        require(needed <= nativeMemoryLimit, "nativeMemoryLimit", "the lanes, ring and queue need " + needed
            + " bytes, more than the limit of " + nativeMemoryLimit + ": raise the limit or use fewer/smaller lanes");
        concluded = true;
        return this;
    }

    private static void require(boolean ok, String setting, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("invalid runtime setting " + setting + ": " + problem);
        }
    }

    boolean isConcluded() {
        return concluded;
    }

    /** Which backend the runtime opens, and why: supplied, forced, or measured (auto). */
    EngineChoice.Choice chooseBackend() {
        if (decided != null) {
            return decided;
        }
        if (backendFactory != null) {
            return new EngineChoice.Choice(backend, "supplied by the application's backend factory");
        }
        if (backend != BackendKind.AUTO) {
            return new EngineChoice.Choice(backend, "backend=" + backend.name().toLowerCase(Locale.ROOT) + " was set");
        }
        EngineChoice.Choice choice = EngineChoice.choose(this);
        LOG.info("{}: backend=auto picked {}: {}", name, choice.backend(), choice.reason());
        return choice;
    }

    /**
     * Which backend a runtime of this context opens, and why, without opening one: for {@code auto} the
     * measurement of {@link EngineChoice}, cached per JVM and pattern set, so the runtime opened later for the
     * same workload on this machine reuses it.
     */
    public EngineChoice.Choice resolveBackend() {
        return chooseBackend();
    }

    VyreRuntimeContext decided(EngineChoice.Choice choice) {
        this.decided = choice;
        return backend(choice.backend());
    }

    boolean hasBackendFactory() {
        return backendFactory != null;
    }

    Function<BackendSettings, MegakernelBackend> backendFactory() {
        return backendFactory;
    }

    int gpuBlocks() {
        return gpuBlocks;
    }

    long deviceArenaBytes() {
        return deviceArenaBytes;
    }

    MegakernelBackend createBackend(EngineChoice.Choice choice) {
        return backendFactory != null ? backendFactory.apply(backendSettings())
            : Backends.create(choice.backend(), backendSettings());
    }

    BackendSettings backendSettings() {
        return new BackendSettings(cpuWorkers, devices, ownerIndex, watchdogTimeout.toNanos(), gpuBlocks, deviceArenaBytes,
            cpuMatchEngine);
    }

    public String name() {
        return name;
    }

    public List<Integer> devices() {
        return devices;
    }

    public BackendKind backend() {
        return backend;
    }

    public int cpuWorkers() {
        return cpuWorkers;
    }

    public int ringCapacity() {
        return ringCapacity;
    }

    public int ioQueueSlots() {
        return ioQueueSlots;
    }

    public IoPath ioPath() {
        return ioPath;
    }

    public int lanes() {
        return lanes;
    }

    public int ingestBufferBytes() {
        return ingestBufferBytes;
    }

    public int outputRegionWords() {
        return outputRegionWords;
    }

    /** The native memory the lanes, ring, queue and control block take. */
    public long footprintBytes() {
        return (long) lanes * ((long) ingestBufferBytes + OutputRegionDescriptor.byteLength(outputRegionWords))
            + WorkRingDescriptor.byteLength(ringCapacity)
            + IoQueueDescriptor.byteLength(ioQueuePartitions() * ioQueueSlots) + 4096;
    }

    public long nativeMemoryLimit() {
        return nativeMemoryLimit;
    }

    public KernelLimits kernelLimits() {
        return kernelLimits;
    }

    public Duration watchdogTimeout() {
        return watchdogTimeout;
    }
}
