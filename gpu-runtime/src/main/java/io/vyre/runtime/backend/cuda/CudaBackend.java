package io.vyre.runtime.backend.cuda;

import static io.vyre.runtime.backend.cuda.Cuda.check;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.BackendSettings;
import io.vyre.runtime.backend.KernelEnvironment;
import io.vyre.runtime.backend.MegakernelBackend;
import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import io.vyre.runtime.backend.cuda.Cuda.HostPointer;
import io.vyre.runtime.io.Capability;
import io.vyre.runtime.io.IoCompletionPublisher;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.memory.OutputRegion;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
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
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA persistent megakernel (src/main/cuda), launched once per runtime in its own context. The ring,
 * control block, IO queue and output regions stay the runtime's page-locked Agrona buffers, mapped into the
 * device; every ingest buffer also gets a mirror in device memory that the copy engine fills
 * ({@link CudaIoCompletions}); everything the kernel writes atomically lives in device memory. All device
 * memory is allocated before launch and freed only after the kernel stopped (the driver will not free memory
 * while it runs); a kernel that does not stop keeps its context and host memory, deliberately leaked rather
 * than freed under it. One lock orders launch, fault queries, table updates and close on the context.
 */
public final class CudaBackend implements MegakernelBackend {
    static final String PTX_RESOURCE = "/io/vyre/runtime/backend/cuda/megakernel.ptx";
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);
    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CONTEXT_DESTROY_WAIT_MILLIS = 2_000;
    /** Contexts whose destruction waits for other kernels on the device; each holds a little device memory. */
    private static final AtomicInteger PENDING_DESTROYS = new AtomicInteger();
    private static final int MANY_PENDING_DESTROYS = 4;
    /** Test seam: runs right after the kernel was launched (a test throws from it to fail a launch midway). */
    static volatile Runnable afterLaunch = () -> { };

    private final BackendSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final DeviceMemory memory = new DeviceMemory();
    private final List<HostPointer> registered = new ArrayList<>();
    /** Ingest buffers by handle: {host address, capacity, device mirror}. */
    private final Map<Integer, long[]> mirrors = new ConcurrentHashMap<>();
    private KernelEnvironment env;
    private CUcontext context;
    private CUmodule module;
    private CUstream kernelStream;
    private CUstream copyStream;
    private DeviceTables tables;
    private CudaIoCompletions completions;
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
    public String matchEngine() {
        return "cuda-dfa";
    }

    @Override
    public void launch(KernelEnvironment environment) {
        String reason = Cuda.unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("the CUDA backend cannot run here: " + reason);
        }
        lock.lock();
        try {
            this.env = environment;
            launchOnDevice();
        } catch (RuntimeException e) {
            stopAndRelease("its launch failed (" + e.getMessage() + ")");
            throw e;
        } finally {
            lock.unlock();
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
        check(JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(perSm, kernel, KernelContract.BLOCK_THREADS, 0L),
            "cuOccupancyMaxActiveBlocksPerMultiprocessor");
        int resident = perSm[0] * sms;
        int blocks = settings.gpuBlocks() > 0 ? settings.gpuBlocks() : sms;
        if (perSm[0] < 1 || blocks > resident) {
            throw new IllegalStateException("the megakernel needs " + blocks + " resident blocks of "
                + KernelContract.BLOCK_THREADS + " threads but " + deviceName + " holds " + resident + " (" + perSm[0]
                + " per multiprocessor): set gpuBlocks to at most " + resident);
        }
        int workers = blocks - 1;

        int capacity = env.ringCapacity();
        int ioSlots = env.ioQueue().slotCount();
        long maxRecords = env.limits().maxRecords();
        long maxMatches = env.limits().maxMatches();
        long mirrorBytes = 0;
        for (Capability c : env.capabilities().destinations().entries()) {
            if (c.kind() == Capability.Kind.BUFFER) {
                mirrorBytes += NativeMemory.pageRounded((int) c.boundBytes()) + KernelContract.MIRROR_PADDING;
            }
        }
        long needed = KernelArguments.stateRegions(capacity, ioSlots, workers, maxRecords, maxMatches).values()
            .stream().mapToLong(Long::longValue).sum() + mirrorBytes + settings.deviceArenaBytes();
        long[] free = {0};
        long[] total = {0};
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        if (needed > free[0]) {
            throw new IllegalStateException("the megakernel needs " + needed + " bytes of device memory (" + workers
                + " worker blocks, " + mirrorBytes + " bytes of ingest mirrors, the program arena), " + deviceName
                + " has " + free[0] + " free: lower gpuBlocks, the lanes or ingestBufferBytes, or the kernel limits");
        }

        KernelArguments args = new KernelArguments(memory);
        args.allocateState(capacity, ioSlots, workers, maxRecords, maxMatches);
        args.set(KernelArg.RING, register(env.ring(), "work ring"));
        args.set(KernelArg.CONTROL, register(env.control().buffer(), "control block"));
        args.set(KernelArg.IO_QUEUE, register(env.ioQueue().buffer(), "IO queue"));
        args.set(KernelArg.IO_PARTITIONS, env.ioQueue().partitions());
        args.set(KernelArg.IO_WAIT_NANOS, env.limits().ioWaitNanos());
        AtomicBuffer stageIssued = pinnedWords("staged copies issued", args, KernelArg.STAGE_ISSUED);
        AtomicBuffer hostLanded = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4 * DeviceTables.BUFFERS,
            NativeMemory.PAGE_SIZE));
        long hostLandedOnDevice = register(hostLanded, "copies landed");

        tables = new DeviceTables(memory, new DeviceArena(memory, settings.deviceArenaBytes()));
        for (Capability c : env.capabilities().destinations().entries()) {
            if (c.kind() == Capability.Kind.BUFFER) {
                mapBuffer(c);
            }
        }
        for (OutputRegion o : env.outputs().all()) {
            mapOutput(o);
        }
        for (LoadedProgram p : env.programs().programs()) {
            tables.putProgram(p);
        }
        args.set(KernelArg.BUFFER_TABLE, tables.buffers.address());
        args.set(KernelArg.OUTPUT_TABLE, tables.outputs.address());
        args.set(KernelArg.CONSTANT_TABLE, tables.constants.address());
        args.set(KernelArg.PROGRAM_TABLE, tables.programs.address());
        DevicePointer argBlock = args.write();

        kernelStream = new CUstream();
        check(JCudaDriver.cuStreamCreate(kernelStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(kernel)");
        copyStream = new CUstream();
        check(JCudaDriver.cuStreamCreate(copyStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(copies)");
        DevicePointer landedPointer = new DevicePointer();
        check(JCudaDriver.cuMemHostGetDevicePointer(landedPointer, new HostPointer(hostLanded.addressOffset()), 0),
            "cuMemHostGetDevicePointer(copies landed)");
        completions = new CudaIoCompletions(context, copyStream, env.ioQueue(), args.region(KernelArg.IO_DONE),
            args.region(KernelArg.STAGE_LANDED), stageIssued, hostLanded, landedPointer, mirrors::get,
            reason -> fault = reason);
        check(JCudaDriver.cuLaunchCooperativeKernel(kernel, blocks, 1, 1, KernelContract.BLOCK_THREADS, 1, 1, 0,
            kernelStream, Pointer.to(Pointer.to(argBlock))), "cuLaunchCooperativeKernel(" + blocks + " blocks)");
        launched = true;
        afterLaunch.run();
        long deadline = System.nanoTime() + STOP_WAIT_NANOS;
        while (env.control().kernelState() != ControlBlockDescriptor.STATE_RUNNING) {
            String f = queryFault();
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
            + KernelContract.BLOCK_THREADS + " threads, " + memory.bytes() / (1 << 20) + " MiB device memory";
    }

    /** Page-locks and maps an ingest buffer, gives it a device mirror and enters it in the buffer table. */
    private void mapBuffer(Capability c) {
        long host = register(c.buffer().buffer(), c.buffer().name());
        DevicePointer mirror = memory.allocate(NativeMemory.pageRounded((int) c.boundBytes())
            + KernelContract.MIRROR_PADDING, "mirror of " + c.buffer().name());
        tables.putBuffer(c.handle(), host, c.boundBytes(), mirror.address());
        mirrors.put(c.handle(), new long[] {c.buffer().buffer().addressOffset(), c.boundBytes(), mirror.address()});
    }

    private void mapOutput(OutputRegion o) {
        tables.putOutput(o.handle(), register(o.memory().buffer(), o.memory().name()), o.capacityWords());
    }

    /**
     * Maps lanes a tenant brought while the kernel runs. The table entries are written (synchronously) before
     * this returns, so before any slot that names them is published; the running kernel reads entries only
     * for handles named in slots.
     */
    @Override
    public void lanesAdded(List<Capability> ingestBuffers, List<OutputRegion> outputs) {
        lock.lock();
        try {
            if (!launched || poisoned || closing) {
                throw new IllegalStateException("the CUDA megakernel is not running"
                    + (fault != null ? " (" + fault + ")" : "") + ": no lanes can be added");
            }
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            for (Capability c : ingestBuffers) {
                mapBuffer(c);
            }
            for (OutputRegion o : outputs) {
                mapOutput(o);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A page-locked, device-mapped array of BUFFERS words the host writes and the kernel reads. */
    private AtomicBuffer pinnedWords(String what, KernelArguments args, KernelArg arg) {
        AtomicBuffer words = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4 * DeviceTables.BUFFERS,
            NativeMemory.PAGE_SIZE));
        args.set(arg, register(words, what));
        return words;
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
    public void programLoaded(LoadedProgram program) {
        onLiveContext(() -> tables.putProgram(program));
    }

    @Override
    public void programUnloaded(LoadedProgram program) {
        onLiveContext(() -> tables.removeProgram(program));
    }

    @Override
    public void handleReleased(int handle) {
        onLiveContext(() -> {
            if (mirrors.remove(handle) != null) {
                tables.removeBuffer(handle);
            }
        });
    }

    /** Stages the first {@code bytes} of an ingest buffer for the next INPUT of it, with the copy engine. */
    @Override
    public void stageInput(int bufferHandle, int bytes) {
        CudaIoCompletions c = completions;
        if (c != null) {
            c.stage(bufferHandle, bytes);
        }
    }

    private void onLiveContext(Runnable action) {
        lock.lock();
        try {
            if (launched && !poisoned && !closing) {
                check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
                action.run();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public IoCompletionPublisher ioCompletions() {
        CudaIoCompletions c = completions;
        if (c == null) {
            throw new IllegalStateException("the CUDA megakernel is not launched: no IO completions before launch");
        }
        return c;
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
        if (now - lastQuery < 1_000_000L || !lock.tryLock()) {
            return fault;
        }
        try {
            lastQuery = now;
            return closing ? fault : queryFault();
        } finally {
            lock.unlock();
        }
    }

    /** Asks the driver whether the kernel still runs (the lock is held). */
    private String queryFault() {
        JCudaDriver.cuCtxSetCurrent(context);
        int r = JCudaDriver.cuStreamQuery(kernelStream);
        if (r == CUresult.CUDA_ERROR_NOT_READY) {
            return fault;
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

    /** Whether the kernel is not running: never launched, or its stream is done. For tests of failed launches. */
    boolean kernelStopped() {
        lock.lock();
        try {
            if (poisoned) {
                return false;
            }
            if (!launched || context == null) {
                return true;
            }
            JCudaDriver.cuCtxSetCurrent(context);
            return JCudaDriver.cuStreamQuery(kernelStream) != CUresult.CUDA_ERROR_NOT_READY;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (env == null || closing) {
                return;
            }
            stopAndRelease("the runtime closed");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets SHUTDOWN, waits a bounded time for a launched kernel to exit and only then frees what the backend
     * holds; a kernel that does not exit keeps everything (the lock is held).
     */
    private void stopAndRelease(String why) {
        closing = true;
        if (completions != null) {
            completions.close();
        }
        env.control().requestShutdown();
        if (launched) {
            JCudaDriver.cuCtxSetCurrent(context);
            long deadline = System.nanoTime() + STOP_WAIT_NANOS;
            int r;
            while ((r = JCudaDriver.cuStreamQuery(kernelStream)) == CUresult.CUDA_ERROR_NOT_READY
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
                LOG.error("{}: the CUDA megakernel did not stop within {} s of SHUTDOWN after {}; abandoning its"
                    + " context (it ends with the process)", env.name(), TimeUnit.NANOSECONDS.toSeconds(STOP_WAIT_NANOS),
                    why);
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
        if (copyStream != null) {
            JCudaDriver.cuStreamSynchronize(copyStream);
        }
        for (HostPointer p : registered) {
            JCudaDriver.cuMemHostUnregister(p);
        }
        registered.clear();
        memory.freeAll();
        for (CUstream s : new CUstream[] {kernelStream, copyStream}) {
            if (s != null) {
                JCudaDriver.cuStreamDestroy(s);
            }
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
