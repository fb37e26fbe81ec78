package io.vyre.runtime.backend.cuda;

import static io.vyre.runtime.backend.cuda.Cuda.check;

import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import io.vyre.runtime.backend.cuda.Cuda.HostPointer;
import io.vyre.runtime.io.IoCompletionPublisher;
import io.vyre.runtime.protocol.IoCompletion;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.IoQueueDescriptor;
import io.vyre.runtime.protocol.IoRequest;
import io.vyre.runtime.protocol.MegakernelIoQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamWriteValue_flags;
import jcuda.driver.JCudaDriver;
import org.agrona.concurrent.AtomicBuffer;

/**
 * The CUDA backend's data path from host to kernel, on one copy stream (the copy engine): a READ's bytes
 * and staged INPUT bytes go from the page-locked ingest buffer into the buffer's device mirror with
 * cuMemcpyHtoDAsync, and the kernel learns of them from words the stream writes after the copy
 * (cuStreamWriteValue32), in device memory where it polls them. No block reads bulk data or completions
 * over PCIe.
 *
 * <p>Per IO slot the stream writes {@code 2 x completions + 1 if the last one failed}: the kernel waits for
 * its own round and reads the host slot only when the low bit is set. A completion that claims another byte
 * count than was asked is marked failed here (and copies nothing), so the kernel never trusts such a count.
 * Per buffer the stream counts staged copies in device memory (for INPUT) and landed READ copies in host
 * memory (for {@link #landed}, which the runtime asks before it hands a lane to its next user: a READ the
 * kernel gave up on may still be copying). One copy costs one cuMemcpyHtoDAsync and one or two stream writes.
 */
final class CudaIoCompletions implements IoCompletionPublisher {
    private final CUcontext context;
    private final CUstream stream;
    private final MegakernelIoQueue queue;
    private final DevicePointer ioDone;
    private final DevicePointer stageLanded;
    private final DevicePointer hostLandedOnDevice;
    private final AtomicBuffer stageIssued;
    private final AtomicBuffer hostLanded;
    private final BufferMirrors mirrors;
    private final Consumer<String> onFault;
    private final int[] completionsPerSlot;
    private final int[] stagesIssued = new int[DeviceTables.BUFFERS];
    private final AtomicIntegerArray readCopiesIssued = new AtomicIntegerArray(DeviceTables.BUFFERS);
    private boolean closed;

    /** Ingest buffers the kernel may read, by handle: host address, capacity, device mirror. */
    interface BufferMirrors {
        /** {hostAddress, capacity, mirror}, or null for a handle that is not (or no longer) a registered buffer. */
        long[] lookup(int handle);
    }

    CudaIoCompletions(CUcontext context, CUstream stream, MegakernelIoQueue queue, DevicePointer ioDone,
                      DevicePointer stageLanded, AtomicBuffer stageIssued, AtomicBuffer hostLanded,
                      DevicePointer hostLandedOnDevice, BufferMirrors mirrors, Consumer<String> onFault) {
        this.context = context;
        this.stream = stream;
        this.queue = queue;
        this.ioDone = ioDone;
        this.stageLanded = stageLanded;
        this.stageIssued = stageIssued;
        this.hostLanded = hostLanded;
        this.hostLandedOnDevice = hostLandedOnDevice;
        this.mirrors = mirrors;
        this.onFault = onFault;
        this.completionsPerSlot = new int[queue.slotCount()];
    }

    @Override
    public synchronized void publish(IoRequest request, IoCompletion completion) {
        if (closed) {
            queue.complete(completion);
            return;
        }
        try {
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            boolean failed = !completion.ok();
            IoCompletion published = completion;
            if (completion.ok() && completion.byteCount() != request.byteCount()) {
                failed = true;  // the kernel reads the host slot and reports BAD_COMPLETION
            } else if (completion.ok() && request.op() == IoQueueDescriptor.OP_READ && request.byteCount() != 0) {
                long[] mirror = mirrors.lookup(request.dstHandle());
                if (mirror == null || Integer.toUnsignedLong(request.byteCount()) > mirror[1]) {
                    published = IoCompletion.error(request, mirror == null ? IoError.UNKNOWN_DESTINATION_HANDLE
                        : IoError.OUT_OF_BOUNDS, 0);
                    failed = true;
                } else {
                    int handle = request.dstHandle();
                    copy(handle, mirror, request.byteCount());
                    writeValue(hostLandedOnDevice, handle, readCopiesIssued.incrementAndGet(handle));
                }
            }
            queue.complete(published);
            int slot = request.slot();
            completionsPerSlot[slot]++;
            writeValue(ioDone, slot, (completionsPerSlot[slot] << 1) | (failed ? 1 : 0));
        } catch (RuntimeException e) {
            onFault.accept("publishing an IO completion to the CUDA kernel failed: " + e.getMessage());
            throw e;
        }
    }

    /** Copies the first {@code bytes} of a buffer to its mirror for the next INPUT of it. */
    synchronized void stage(int handle, int bytes) {
        long[] mirror = mirrors.lookup(handle);
        if (mirror == null) {
            throw new IllegalArgumentException("buffer handle " + handle + " is not a registered ingest buffer");
        }
        if (bytes < 0 || bytes > mirror[1]) {
            throw new IllegalArgumentException(bytes + " bytes do not fit buffer " + handle + " of " + mirror[1]);
        }
        if (closed || bytes == 0) {
            return;
        }
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        copy(handle, mirror, bytes);
        int staged = ++stagesIssued[handle];
        writeValue(stageLanded, handle, staged);
        stageIssued.putIntRelease(4 * handle, staged);
    }

    private void copy(int handle, long[] mirror, int bytes) {
        check(JCudaDriver.cuMemcpyHtoDAsync(DevicePointer.at(mirror[2]), new HostPointer(mirror[0]), bytes, stream),
            "cuMemcpyHtoDAsync(buffer " + handle + ", " + bytes + " bytes)");
    }

    private void writeValue(DevicePointer base, int index, int value) {
        check(JCudaDriver.cuStreamWriteValue32(stream, base.withByteOffset(4L * index), value,
            CUstreamWriteValue_flags.CU_STREAM_WRITE_VALUE_DEFAULT), "cuStreamWriteValue32");
    }

    @Override
    public boolean landed(int bufferHandle) {
        if (bufferHandle < 0 || bufferHandle >= DeviceTables.BUFFERS) {
            return true;
        }
        return hostLanded.getIntVolatile(4 * bufferHandle) == readCopiesIssued.get(bufferHandle);
    }

    /** After this, completions only reach the host queue (the kernel has stopped or is stopping). */
    synchronized void close() {
        closed = true;
    }
}
