package io.vyre.runtime;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.Backends;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One megakernel runtime per device, shared by every owner in this JVM that runs on that device: the first
 * owner opens it, each owner is one of its {@link VyreTenant tenants}, the last one to leave closes it.
 * A Flink task manager runs one kernel per GPU (and one CPU worker pool, two workers per core) however many
 * source and sink subtasks it hosts, instead of a kernel per subtask that the GPU would time-slice.
 *
 * <p>Sharing follows class loading: the registry is a static of this class, so with the connector inside a
 * job jar (loaded by the job's class loader) runtimes are shared per job per task manager, and with the
 * connector in Flink's {@code lib/} per task manager across jobs.
 *
 * <p>A runtime whose kernel faulted, or that the watchdog found hung, takes no new tenants: the next owner opens a
 * fresh one, and the broken one closes when its last tenant has left.
 */
public final class DeviceRuntimes {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceRuntimes.class);
    private static final DeviceRuntimes SHARED = new DeviceRuntimes();
    /**
     * Tenants a device runtime holds when the owner's context does not say ({@link VyreRuntimeContext#tenants}):
     * as many as the control block has tenant words for.
     */
    public static final int DEFAULT_TENANTS = ControlBlockDescriptor.TENANT_COUNT - 1;
    /** IO queue slots per tenant partition of a shared runtime. */
    static final int TENANT_IO_SLOTS = 32;
    /**
     * IO pumps of a device runtime: the JVM property {@value}, else one per two cores, or one per eight where the
     * CPU megakernel's workers read for themselves ({@link #CPU_CALLER_READS_PROPERTY}: the pumps then only write
     * the sinks' files). Each pump serves its share of the tenants' IO queue partitions on its own thread (reads
     * from the page cache are copies). On the 16-core GPU machine, 8 pumps fed the CPU scan job about a third
     * faster than 4, and 16 less fast than 8, while the pumps did its reads (docs/BENCHMARKS.md).
     */
    public static final String IO_PUMPS_PROPERTY = "vyre.io.pumps";
    /**
     * Workers of the CPU runtime once a tenant that scans has joined: the JVM property {@value}, else two per core
     * (a worker waits for its slot's read while another scans). An owner whose {@link VyreRuntimeContext#cpuWorkers}
     * is more (4 by default, fewer on smaller machines) gets that many: the property never lowers what an owner asked
     * for.
     */
    public static final String CPU_SCAN_WORKERS_PROPERTY = "vyre.cpu.scan-workers";
    /**
     * How a device runtime's pumps read through io_uring: the JVM property {@value} (bytes per piece, 0 for
     * inline reads), else the owner's {@link VyreRuntimeContext#ioReadPieceBytes} where it sets one, else
     * {@link #CUDA_READ_PIECE_BYTES} for a CUDA runtime and inline reads for a CPU one.
     */
    public static final String IO_READ_PIECE_BYTES_PROPERTY = "vyre.io.read-piece-bytes";
    /**
     * Whether a CPU runtime's workers read their own slots' bytes ({@link VyreRuntimeContext#callerReads}): the JVM
     * property {@value} ({@code true} or {@code false}), else the owner's setting, true by default.
     */
    public static final String CPU_CALLER_READS_PROPERTY = "vyre.cpu.caller-reads";
    /**
     * A CUDA runtime's reads go to the kernel's io-wq workers in pieces of this many bytes. A tenant's reads are
     * all served by one pump, and an inline read copies on the pump's thread: one subtask on the H200 then
     * streamed 6.5 GiB/s steady, what one core copies out of the page cache, with the pump's core 100% busy; in
     * 1 MiB pieces 15.8 GiB/s on the same machine (256 KiB: 15.5). At 4 and 8 subtasks pieces and inline reads
     * stayed within the machines' noise (docs/BENCHMARKS.md). A CPU runtime reads inline: its workers scan on the
     * cores io-wq would copy on (its job measured 2-10% slower with pieces).
     */
    static final int CUDA_READ_PIECE_BYTES = 1 << 20;
    /** Ops of a program that only moves bytes (a sink's): its tenant needs no scanning workers. */
    private static final Set<Opcode> BYTE_MOVERS = EnumSet.of(Opcode.NOP, Opcode.INPUT, Opcode.WRITE_BACK,
        Opcode.BATCH_FENCE);

    private final Map<String, List<Shared>> runtimes = new HashMap<>();
    private final AtomicLong opened = new AtomicLong();

    /** A device runtime and the tenants it holds. */
    private static final class Shared {
        final String key;
        final VyreRuntime runtime;
        int tenants;

        Shared(String key, VyreRuntime runtime) {
            this.key = key;
            this.runtime = runtime;
        }

        boolean takesTenants() {
            return runtime.unserviceableReason() == null && tenants < runtime.context().tenants();
        }
    }

    /** The registry of this class loader (see the class comment for what that means in Flink). */
    public static DeviceRuntimes shared() {
        return SHARED;
    }

    /**
     * Joins the runtime of the device {@code owner} runs on as a new tenant, opening that runtime if none is
     * open. The owner's context says which device (backend, devices and owner index: auto is resolved by
     * measurement first), and what the tenant gets: {@code lanes} of {@code ingestBufferBytes} with output
     * regions of {@code outputRegionWords}, and a quota of twice its lanes in slots in flight. The runtime
     * itself takes the IO path, watchdog, match engine and kernel limits of the owner that opened it; owners that
     * differ in IO path, match engine or whether CPU workers read for themselves get runtimes of their own.
     *
     * A runtime with all its tenants taken (or faulted) leads to another runtime on the same device.
     *
     * @throws VyreRuntimeException or IllegalStateException when the device's runtime cannot open
     */
    public VyreTenant openTenant(VyreRuntimeContext owner) {
        owner.conclude();
        EngineChoice.Choice choice = owner.chooseBackend();
        int device = Backends.device(choice.backend(), owner.backendSettings());
        boolean workersRead = choice.backend() == BackendKind.CPU && callerReads(owner);
        String key = choice.backend().name().toLowerCase(Locale.ROOT) + device + "/" + owner.ioPath() + "/"
            + owner.cpuMatchEngine() + (workersRead ? "/workers-read" : "")
            + (owner.hasBackendFactory() ? "/factory@" + System.identityHashCode(owner) : "");
        Shared shared = null;
        synchronized (this) {
            List<Shared> onDevice = runtimes.computeIfAbsent(key, k -> new ArrayList<>());
            for (Shared candidate : onDevice) {
                if (candidate.takesTenants()) {
                    shared = candidate;
                    break;
                }
            }
            if (shared == null) {
                VyreRuntimeContext context = deviceContext(owner, choice, device, onDevice.size(), workersRead);
                if (onDevice.stream().anyMatch(d -> d.runtime.unserviceableReason() == null)) {
                    LOG.warn("{}: all {} tenants of the runtime on {} are taken; opening another runtime on the same"
                        + " device, which it time-slices (run fewer Vyre subtasks per task manager)", owner.name(),
                        context.tenants(), key);
                }
                shared = new Shared(key, VyreRuntime.open(context));
                onDevice.add(shared);
                opened.incrementAndGet();
            }
            shared.tenants++;
        }
        Shared joined = shared;
        try {
            joined.runtime.backend().workersWanted(cpuWorkersFor(owner));
            return joined.runtime.openTenant(owner.name(), owner.lanes(), owner.ingestBufferBytes(),
                owner.outputRegionWords(), 2 * owner.lanes(), () -> leave(joined));
        } catch (RuntimeException | Error e) {
            leave(joined);
            throw e;
        }
    }

    /** Runtimes this registry has opened so far (tests check that tenants share one). */
    public long runtimesOpened() {
        return opened.get();
    }

    /** Runtimes open now. */
    public synchronized int openRuntimes() {
        return runtimes.values().stream().mapToInt(List::size).sum();
    }

    private void leave(Shared shared) {
        boolean last;
        synchronized (this) {
            last = --shared.tenants == 0;
            if (last) {
                List<Shared> onDevice = runtimes.getOrDefault(shared.key, new ArrayList<>());
                onDevice.remove(shared);
                if (onDevice.isEmpty()) {
                    runtimes.remove(shared.key);
                }
            }
        }
        if (last) {
            LOG.info("{}: the last tenant left; closing the device runtime", shared.runtime.context().name());
            shared.runtime.close();
        }
    }

    /**
     * The CPU workers a tenant needs: two per core when its programs scan (a CPU worker waits for its slot's
     * read, the IO pump's copy, while another scans; on the 2-vCPU build machine the scan job streamed 12%
     * faster than with one per core), what it asked for when they only move bytes (a sink's INPUT and
     * WRITE_BACK). The runtime grows to what its tenants need: idle workers cost CPU (each idle turn reads the
     * ring), which a CUDA job's sink on the CPU runtime took from the subtasks feeding the GPU.
     */
    static int cpuWorkersFor(VyreRuntimeContext owner) {
        boolean onlyMovesBytes = !owner.workload().isEmpty() && owner.workload().stream()
            .allMatch(p -> p.ops().stream().allMatch(i -> BYTE_MOVERS.contains(i.opcode())));
        return onlyMovesBytes ? owner.cpuWorkers() : Math.max(owner.cpuWorkers(), cpuScanWorkers());
    }

    static int cpuScanWorkers() {
        int byCores = Math.min(256, 2 * Runtime.getRuntime().availableProcessors());
        return intProperty(CPU_SCAN_WORKERS_PROPERTY, byCores, workers -> workers >= 1 && workers <= 256,
            "a worker count in [1, 256]", "two workers per core (" + byCores + " here)");
    }

    /**
     * @param workersRead whether the runtime's kernel workers read for themselves ({@link
     *                    VyreRuntimeContext#callerReads} on the CPU): its pumps then only write the sinks' files
     */
    static int ioPumps(boolean workersRead) {
        int cores = Runtime.getRuntime().availableProcessors();
        int byCores = Math.max(1, cores / (workersRead ? 8 : 2));
        return intProperty(IO_PUMPS_PROPERTY, byCores, pumps -> pumps >= 1 && pumps <= 256, "a pump count in [1, 256]",
            "one pump per " + (workersRead ? "eight" : "two") + " cores (" + byCores + " here)");
    }

    static int ioReadPieceBytes(VyreRuntimeContext owner, BackendKind backend) {
        int otherwise = owner.ioReadPieceBytesSet() ? owner.ioReadPieceBytes()
            : backend == BackendKind.CUDA ? CUDA_READ_PIECE_BYTES : 0;
        return intProperty(IO_READ_PIECE_BYTES_PROPERTY, otherwise, bytes -> bytes >= 0 && bytes % 4096 == 0,
            "0 (inline reads) or a positive multiple of 4096", "the default (" + otherwise + " here)");
    }

    static boolean callerReads(VyreRuntimeContext owner) {
        String configured = System.getProperty(CPU_CALLER_READS_PROPERTY);
        if (configured == null) {
            return owner.callerReads();
        }
        String value = configured.trim().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new VyreRuntimeException("-D" + CPU_CALLER_READS_PROPERTY + "=" + configured + " is not true or false:"
                + " remove it for the owner's setting (" + owner.callerReads() + ")");
        }
        return Boolean.parseBoolean(value);
    }

    /** The JVM property {@code name} as an int that {@code valid} accepts, or {@code otherwise} when it is unset. */
    private static int intProperty(String name, int otherwise, IntPredicate valid, String expected, String unsetMeans) {
        String configured = System.getProperty(name);
        if (configured == null) {
            return otherwise;
        }
        try {
            int value = Integer.parseInt(configured.trim());
            if (valid.test(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new VyreRuntimeException("-D" + name + "=" + configured + " is not " + expected + ": remove it for "
            + unsetMeans);
    }

    /** The device runtime's own context: the owner's device and kernel settings, room for the tenants. */
    private static VyreRuntimeContext deviceContext(VyreRuntimeContext owner, EngineChoice.Choice choice, int device,
                                                    int others, boolean workersRead) {
        int tenants = owner.tenants() > 0 ? owner.tenants() : DEFAULT_TENANTS;
        String name = "vyre-" + choice.backend().name().toLowerCase(Locale.ROOT) + device + (others > 0 ? "-" + others : "");
        VyreRuntimeContext context = new VyreRuntimeContext().name(name).decided(choice)
            .devices(choice.backend() == BackendKind.CUDA ? List.of(device) : List.of()).ownerIndex(0)
            .cpuWorkers(cpuWorkersFor(owner))
            .tenants(tenants).ioQueueSlots(TENANT_IO_SLOTS)
            .ioPumps(Math.min(tenants + 1, ioPumps(workersRead)))
            .ringCapacity(Math.min(WorkRingDescriptor.MAX_CAPACITY,
                WorkRingDescriptor.capacityFor((tenants + 1) * 2 * owner.lanes())))
            .lanes(1).ingestBufferBytes(NativeMemory.PAGE_SIZE).outputRegionWords(1024)
            .ioPath(owner.ioPath()).ioReadPieceBytes(ioReadPieceBytes(owner, choice.backend()))
            .callerReads(workersRead)
            .watchdogTimeout(owner.watchdogTimeout()).cpuMatchEngine(owner.cpuMatchEngine())
            .kernelLimits(owner.kernelLimits()).gpuBlocks(owner.gpuBlocks()).deviceArenaBytes(owner.deviceArenaBytes())
            .nativeMemoryLimit(Long.MAX_VALUE);
        if (owner.hasBackendFactory()) {
            context.backendFactory(owner.backendFactory());
        }
        return context;
    }
}
