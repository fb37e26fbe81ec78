package io.vyre.runtime.backend.cuda;

import static io.vyre.runtime.backend.cuda.Cuda.check;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.BackendSettings;
import io.vyre.runtime.backend.KernelEnvironment;
import io.vyre.runtime.backend.MegakernelBackend;
import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import io.vyre.runtime.backend.cuda.Cuda.HostPointer;
import io.vyre.runtime.io.Capability;
import io.vyre.runtime.io.IoCompletionHook;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.memory.OutputRegion;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUctx_flags;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.agrona.concurrent.AtomicBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA persistent megakernel (src/main/cuda/megakernel.cu), launched once per runtime in its own
 * context. The ring, control block, IO queue, ingest buffers and output regions stay the runtime's
 * page-locked Agrona buffers, mapped into the device; everything the kernel writes atomically lives in
 * device memory. All device memory is allocated before launch and freed after the kernel stopped (the
 * driver will not free memory while it runs); if it does not stop, the context and host memory are
 * deliberately leaked rather than freed under a running kernel.
 */
public final class CudaBackend implements MegakernelBackend {
    static final int BLOCK_THREADS = 512;
    static final String PTX_RESOURCE = "/io/vyre/runtime/backend/cuda/megakernel.ptx";
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);
    /** vyre_protocol.h: D_HEADER_WORDS = 2 * C_CONTROL_WORDS + 160 (device control words, counters, shadow). */
    private static final int D_HEADER_WORDS = 2 * ControlBlockDescriptor.CONTROL_WORDS + 160;
    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CONTEXT_DESTROY_WAIT_MILLIS = 2_000;
    /** Contexts whose destruction waits for other kernels on the device; each holds a little device memory. */
    private static final java.util.concurrent.atomic.AtomicInteger PENDING_DESTROYS =
        new java.util.concurrent.atomic.AtomicInteger();
    private static final int MANY_PENDING_DESTROYS = 4;

    private final BackendSettings settings;
    private final DeviceMemory memory = new DeviceMemory();
    private final List<HostPointer> registered = new ArrayList<>();
    private KernelEnvironment env;
    private CUcontext context;
    private CUmodule module;
    private CUstream stream;
    private DeviceTables tables;
    private String description = "cuda megakernel (not launched)";
    private volatile boolean launched;
    private volatile boolean closing;
    private volatile boolean poisoned;
    private volatile String fault;
    private volatile long lastQuery;

    CudaBackend(BackendSettings settings) {
        this.settings = settings;
    }

    @Override
    public BackendKind kind() {
        return BackendKind.CUDA;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public synchronized void launch(KernelEnvironment environment) {
        String reason = Cuda.unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("the CUDA backend cannot run here: " + reason);
        }
        this.env = environment;
        try {
            launchOnDevice();
        } catch (RuntimeException e) {
            releaseAfterStop();
            throw e;
        }
    }

    private void launchOnDevice() {
        int[] count = {0};
        check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        int ordinal = settings.pickDevice(count[0]);
        if (ordinal >= count[0]) {
            throw new IllegalStateException("CUDA device " + ordinal + " was configured but only " + count[0]
                + " are visible: fix the device list");
        }
        CUdevice device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        String deviceName = new String(name, StandardCharsets.US_ASCII).trim().replace("\0", "");
        int sms = Cuda.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);

        context = new CUcontext();
        check(JCudaDriver.cuCtxCreate(context, CUctx_flags.CU_CTX_MAP_HOST | CUctx_flags.CU_CTX_SCHED_SPIN, device),
            "cuCtxCreate");
        module = new CUmodule();
        check(JCudaDriver.cuModuleLoadData(module, loadPtx()), "cuModuleLoadData(megakernel.ptx)");
        CUfunction kernel = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(kernel, module, "vyre_megakernel"), "cuModuleGetFunction");
        int[] perSm = {0};
        check(JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(perSm, kernel, BLOCK_THREADS, 0L),
            "cuOccupancyMaxActiveBlocksPerMultiprocessor");
        if (perSm[0] < 1) {
            throw new IllegalStateException("the megakernel does not fit one block of " + BLOCK_THREADS
                + " threads per multiprocessor on " + deviceName);
        }
        // at most one block per multiprocessor: two per SM ran 15x slower in the scan benchmark and did not stop
        // on SHUTDOWN (docs/BENCHMARKS.md, 2026-11-26); not understood yet, so not allowed
        int blocks = settings.gpuBlocks() > 0 ? Math.min(settings.gpuBlocks(), sms) : sms;
        int workers = blocks - 1;

        int capacity = env.ringCapacity();
        long ring = register(env.ring(), "work ring");
        long control = register(env.control().buffer(), "control block");
        long queue = register(env.ioQueue().buffer(), "IO queue");
        long scratchBytes = NativeMemory.PAGE_SIZE;
        List<long[]> buffers = new ArrayList<>();
        for (Capability c : env.capabilities().destinations().entries()) {
            if (c.kind() == Capability.Kind.BUFFER) {
                buffers.add(new long[] {c.handle(), register(c.buffer().buffer(), c.buffer().name()), c.boundBytes()});
                scratchBytes = Math.max(scratchBytes, NativeMemory.pageRounded((int) c.boundBytes()));
            }
        }
        List<long[]> outputs = new ArrayList<>();
        for (OutputRegion o : env.outputs().all()) {
            outputs.add(new long[] {o.handle(), register(o.memory().buffer(), o.memory().name()), o.capacityWords()});
        }
        long maxRecords = env.limits().maxRecords();
        long maxMatches = env.limits().maxMatches();
        long perWorker = scratchBytes + 16 * (maxRecords + 1) + 12 * maxMatches;
        long needed = (long) workers * perWorker + settings.deviceArenaBytes();
        long[] free = {0};
        long[] total = {0};
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        if (needed > free[0]) {
            throw new IllegalStateException("the megakernel needs " + needed + " bytes of device memory (" + workers
                + " worker blocks x " + perWorker + " + arena), " + deviceName + " has " + free[0] + " free: lower"
                + " gpuBlocks, ingestBufferBytes or the kernel limits");
        }
        long stateWords = D_HEADER_WORDS + 3L * capacity + (long) WorkRingDescriptor.SLOT_WORDS * capacity
            + env.ioQueue().slotCount();
        DevicePointer state = memory.allocate(4 * stateWords, "kernel state");
        DevicePointer scratch = memory.allocate(workers * scratchBytes, "input scratch");
        DevicePointer records = memory.allocate(workers * 16 * (maxRecords + 1), "record scratch");
        DevicePointer matches = memory.allocate(workers * 12 * maxMatches, "match scratch");
        DeviceArena arena = new DeviceArena(memory, settings.deviceArenaBytes());
        tables = new DeviceTables(memory, arena);
        for (long[] b : buffers) {
            tables.putBuffer((int) b[0], b[1], b[2]);
        }
        for (long[] o : outputs) {
            tables.putOutput((int) o[0], o[1], o[2]);
        }
        for (LoadedProgram p : env.programs().programs()) {
            tables.putProgram(p);
        }
        long[] args = new long[24];
        args[0] = ring;
        args[1] = capacity;
        args[2] = control;
        args[3] = queue;
        args[4] = env.ioQueue().slotCount();
        args[5] = tables.buffers.address();
        args[6] = DeviceTables.BUFFERS;
        args[7] = tables.outputs.address();
        args[8] = DeviceTables.OUTPUTS;
        args[9] = tables.constants.address();
        args[10] = DeviceTables.CONSTANTS;
        args[11] = tables.programs.address();
        args[12] = DeviceTables.PROGRAMS;
        args[13] = state.address();
        args[14] = scratch.address();
        args[15] = scratchBytes;
        args[16] = records.address();
        args[17] = maxRecords;
        args[18] = matches.address();
        args[19] = maxMatches;
        args[20] = env.limits().ioWaitNanos();
        DevicePointer argBlock = memory.allocate(8L * args.length, "kernel arguments");
        DeviceMemory.write(argBlock, 0, Pointer.to(args), 8L * args.length);

        stream = new CUstream();
        check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        check(JCudaDriver.cuLaunchCooperativeKernel(kernel, blocks, 1, 1, BLOCK_THREADS, 1, 1, 0, stream,
            Pointer.to(Pointer.to(argBlock))), "cuLaunchCooperativeKernel(" + blocks + " blocks)");
        launched = true;
        long deadline = System.nanoTime() + STOP_WAIT_NANOS;
        while (env.control().kernelState() != ControlBlockDescriptor.STATE_RUNNING) {
            String f = fault();
            if (f != null) {
                throw new IllegalStateException(f);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the CUDA megakernel did not report RUNNING within "
                    + TimeUnit.NANOSECONDS.toSeconds(STOP_WAIT_NANOS) + " s");
            }
            Thread.onSpinWait();
        }
        description = "cuda megakernel on " + deviceName + " (device " + ordinal + "), " + blocks + " blocks x "
            + BLOCK_THREADS + " threads, " + memory.bytes() / (1 << 20) + " MiB device memory";
    }

    private long register(AtomicBuffer buffer, String what) {
        long size = NativeMemory.pageRounded(buffer.capacity());
        HostPointer host = new HostPointer(buffer.addressOffset());
        check(JCudaDriver.cuMemHostRegister(host, size,
            JCudaDriver.CU_MEMHOSTREGISTER_DEVICEMAP | JCudaDriver.CU_MEMHOSTREGISTER_PORTABLE),
            "cuMemHostRegister(" + what + ", " + size + " bytes)");
        registered.add(host);
        DevicePointer device = new DevicePointer();
        check(JCudaDriver.cuMemHostGetDevicePointer(device, host, 0), "cuMemHostGetDevicePointer(" + what + ")");
        return device.address();
    }

    static String loadPtx() {
        try (var in = CudaBackend.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(PTX_RESOURCE + " is missing from the classpath: rebuild vyre-gpu-runtime");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + PTX_RESOURCE, e);
        }
    }

    @Override
    public synchronized void programLoaded(LoadedProgram program) {
        if (launched && !poisoned) {
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            tables.putProgram(program);
        }
    }

    @Override
    public synchronized void programUnloaded(LoadedProgram program) {
        if (launched && !poisoned) {
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            tables.removeProgram(program);
        }
    }

    @Override
    public IoCompletionHook ioCompletionHook() {
        // zero copy: the kernel reads the page-locked ingest buffers with 16-byte loads
        return IoCompletionHook.NONE;
    }

    @Override
    public String fault() {
        if (poisoned) {
            return "the CUDA megakernel did not stop when asked; its context was abandoned";
        }
        String known = fault;
        if (known != null || !launched || closing) {
            return known;
        }
        long now = System.nanoTime();
        if (now - lastQuery < 1_000_000L) {
            return null;
        }
        lastQuery = now;
        JCudaDriver.cuCtxSetCurrent(context);
        int r = JCudaDriver.cuStreamQuery(stream);
        if (r == CUresult.CUDA_ERROR_NOT_READY) {
            return null;
        }
        fault = r == CUresult.CUDA_SUCCESS ? "the CUDA megakernel exited while the runtime was open"
            : "the CUDA megakernel failed: " + CUresult.stringFor(r) + "; the context is unusable, close the runtime";
        env.control().buffer().putIntVolatile(ControlBlockDescriptor.offset(ControlBlockDescriptor.KERNEL_STATE),
            ControlBlockDescriptor.STATE_FAULTED);
        LOG.error("{}: {}", env.name(), fault);
        return fault;
    }

    @Override
    public boolean sharedMemoryReleasable() {
        return !poisoned;
    }

    @Override
    public synchronized void close() {
        if (env == null || closing) {
            return;
        }
        closing = true;
        env.control().requestShutdown();
        if (launched) {
            JCudaDriver.cuCtxSetCurrent(context);
            long deadline = System.nanoTime() + STOP_WAIT_NANOS;
            int r;
            while ((r = JCudaDriver.cuStreamQuery(stream)) == CUresult.CUDA_ERROR_NOT_READY
                && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (r == CUresult.CUDA_ERROR_NOT_READY) {
                poisoned = true;
                LOG.error("{}: the CUDA megakernel did not stop within {} s of SHUTDOWN; abandoning its context (it"
                    + " ends with the process)", env.name(), TimeUnit.NANOSECONDS.toSeconds(STOP_WAIT_NANOS));
                CUcontext abandoned = context;
                Thread reaper = new Thread(() -> JCudaDriver.cuCtxDestroy(abandoned), "vyre-cuda-reaper");
                reaper.setDaemon(true);
                reaper.start();
                return;
            }
        }
        releaseAfterStop();
    }

    private void releaseAfterStop() {
        if (context == null) {
            return;
        }
        JCudaDriver.cuCtxSetCurrent(context);
        for (HostPointer p : registered) {
            JCudaDriver.cuMemHostUnregister(p);
        }
        registered.clear();
        memory.freeAll();
        if (stream != null) {
            JCudaDriver.cuStreamDestroy(stream);
        }
        if (module != null) {
            JCudaDriver.cuModuleUnload(module);
        }
        destroyContext();
    }

    /**
     * Destroys the (now idle) context on a thread of its own. On the GPU machine cuCtxDestroy did not
     * return while another runtime's persistent kernel ran on the same device (two Flink subtasks sharing a
     * GPU close at different times), so close() waits only a bounded time; the destruction completes when
     * the device lets it, at the latest when the process ends. Its memory was freed above already.
     */
    private void destroyContext() {
        CUcontext doomed = context;
        context = null;
        JCudaDriver.cuCtxSetCurrent(new CUcontext());
        PENDING_DESTROYS.incrementAndGet();
        Thread destroyer = new Thread(() -> {
            try {
                JCudaDriver.cuCtxDestroy(doomed);
            } finally {
                PENDING_DESTROYS.decrementAndGet();
            }
        }, "vyre-cuda-destroy-" + env.name());
        destroyer.setDaemon(true);
        destroyer.start();
        try {
            destroyer.join(CONTEXT_DESTROY_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (destroyer.isAlive()) {
            int waiting = PENDING_DESTROYS.get();
            String message = "{}: its CUDA context is destroyed once the device is free of other kernels (another"
                + " runtime shares the GPU); its memory is already released. Contexts waiting to be destroyed in this"
                + " JVM: {}";
            if (waiting > MANY_PENDING_DESTROYS) {
                LOG.warn(message, env.name(), waiting);
            } else {
                LOG.info(message, env.name(), waiting);
            }
        }
    }
}
