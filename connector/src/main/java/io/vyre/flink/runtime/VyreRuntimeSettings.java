package io.vyre.flink.runtime;

import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.EngineChoice;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.io.IoPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How each parallel subtask joins its device's megakernel runtime: backend, devices, lanes, chunk size, IO
 * path. Each subtask is one tenant of the one runtime per device in its task manager
 * ({@link io.vyre.runtime.DeviceRuntimes}); the first subtask on a device opens it with these settings.
 * Serializable, so it travels with the source or sink to the task managers.
 */
@PublicEvolving
public final class VyreRuntimeSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VyreRuntimeSettings.class);
    /** Bytes of the input backend=auto measures on (the calibration's chunk). */
    public static final int CALIBRATION_SAMPLE_BYTES = 4 << 20;

    private BackendKind backend = BackendKind.AUTO;
    private List<Integer> devices = new ArrayList<>();
    private int cpuWorkers = 2;
    private int lanes = 4;
    private int chunkBytes = 4 << 20;
    private IoPath ioPath = IoPath.AUTO;
    private long watchdogSeconds = 30;
    private int tenantsPerDevice = DeviceRuntimes.DEFAULT_TENANTS;

    public static VyreRuntimeSettings defaults() {
        return new VyreRuntimeSettings();
    }

    public VyreRuntimeSettings backend(BackendKind backend) {
        this.backend = backend;
        return this;
    }

    /** CUDA device ordinals; each subtask takes one round-robin by its index. Empty: every visible device. */
    public VyreRuntimeSettings devices(List<Integer> devices) {
        this.devices = new ArrayList<>(devices);
        return this;
    }

    /**
     * Most subtasks (sources and sinks together) that can share one device's runtime in a task manager; each
     * takes an IO queue partition and a tenant word of it. At most 29.
     */
    public VyreRuntimeSettings tenantsPerDevice(int tenantsPerDevice) {
        this.tenantsPerDevice = tenantsPerDevice;
        return this;
    }

    public int tenantsPerDevice() {
        return tenantsPerDevice;
    }

    /** CPU workers at least (the task manager's shared CPU runtime has one per core anyway). */
    public VyreRuntimeSettings cpuWorkers(int cpuWorkers) {
        this.cpuWorkers = cpuWorkers;
        return this;
    }

    /** Chunks in flight per subtask (each holds one ingest buffer of {@code chunkBytes}). */
    public VyreRuntimeSettings lanes(int lanes) {
        this.lanes = lanes;
        return this;
    }

    /** Bytes read and interpreted per ring slot; also the longest line a lines source accepts. */
    public VyreRuntimeSettings chunkBytes(int chunkBytes) {
        this.chunkBytes = chunkBytes;
        return this;
    }

    public VyreRuntimeSettings ioPath(IoPath ioPath) {
        this.ioPath = ioPath;
        return this;
    }

    public VyreRuntimeSettings watchdog(Duration watchdog) {
        this.watchdogSeconds = Math.max(1, watchdog.toSeconds());
        return this;
    }

    public BackendKind backend() {
        return backend;
    }

    public List<Integer> devices() {
        return List.copyOf(devices);
    }

    public int lanes() {
        return lanes;
    }

    public int chunkBytes() {
        return chunkBytes;
    }

    public IoPath ioPath() {
        return ioPath;
    }

    /**
     * Words per output region: a quarter of the chunk's bytes, room for a match every 8 bytes or a line of 12
     * bytes on average; a chunk with more results overflows and is read again in halves. Output regions are
     * page-locked (and mapped by the GPU), so they are not sized for the worst case: at one word per byte a
     * source subtask held 80 MiB of page-locked memory for its 16 MiB of chunks in flight, now 32 MiB.
     */
    public int outputRegionWords() {
        return Math.max(1 << 12, chunkBytes / 4);
    }

    /** The runtime context of one subtask (what it asks of its device's runtime), validated. */
    @Internal
    public VyreRuntimeContext toContext(String name, int subtaskIndex) {
        return toContext(name, subtaskIndex, List.of());
    }

    /**
     * The runtime context of one subtask that will run {@code workload}, validated: with backend=auto, the
     * CPU and the GPU are measured on its largest literal set before one is chosen.
     */
    @Internal
    public VyreRuntimeContext toContext(String name, int subtaskIndex, List<Vir0Program> workload) {
        return toContext(name, subtaskIndex, workload, List.of());
    }

    /**
     * As {@link #toContext(String, int, List)}, on the GPUs Flink's external resource framework assigned to
     * the task manager ({@link GpuResources}) when there are some, else on the configured devices.
     */
    @Internal
    public VyreRuntimeContext toContext(String name, int subtaskIndex, List<Vir0Program> workload,
                                        List<Integer> assignedGpus) {
        return new VyreRuntimeContext().name(name.replaceAll("[^A-Za-z0-9_.-]", "_")).backend(backend).workload(workload)
            .devices(assignedGpus.isEmpty() ? devices : assignedGpus).ownerIndex(subtaskIndex).cpuWorkers(cpuWorkers).tenants(tenantsPerDevice).lanes(lanes).ringCapacity(WorkRingDescriptor.capacityFor(lanes))
            .ingestBufferBytes(chunkBytes).outputRegionWords(outputRegionWords()).ioPath(ioPath)
            .watchdogTimeout(Duration.ofSeconds(watchdogSeconds))
            .nativeMemoryLimit((long) lanes * (chunkBytes + 4L * outputRegionWords()) + (64L << 20))
            .conclude();
    }

    /**
     * The backend the runtime for {@code workload} opens on this machine, and why ({@code auto}: measured once
     * per JVM and pattern set, on the start of {@code firstInput}, so the subtasks that open it later in this JVM
     * reuse the measurement).
     */
    @Internal
    public EngineChoice.Choice chooseBackend(List<Vir0Program> workload, Path firstInput) {
        return toContext("backend-choice", 0, workload).calibrationSample(() -> calibrationSample(firstInput))
            .resolveBackend();
    }

    /**
     * The start of {@code file} (up to {@value #CALIBRATION_SAMPLE_BYTES} bytes), what backend=auto measures the
     * engines on; null when it cannot be read (a synthetic sample is used then).
     */
    public static byte[] calibrationSample(Path file) {
        if (file == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(CALIBRATION_SAMPLE_BYTES);
        } catch (IOException | RuntimeException e) {
            LOG.debug("backend=auto: no sample of {} ({}); measuring on synthetic text", file, e.toString());
            return null;
        }
    }

    /** Checks every setting, naming the one that is wrong. */
    public void validate() {
        toContext("validation", 0);
    }

    @Override
    public String toString() {
        return "backend=" + backend + ", devices=" + devices + ", tenantsPerDevice=" + tenantsPerDevice + ", lanes="
            + lanes + ", chunkBytes=" + chunkBytes
            + ", ioPath=" + ioPath;
    }
}
