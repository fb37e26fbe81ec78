package io.vyre.runtime.backend.cuda;

import static io.vyre.runtime.backend.cuda.Cuda.check;

import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * The device memory one CUDA runtime holds: everything is allocated before the kernel starts (cuMemFree
 * waits for a running kernel, so nothing is freed until it stopped) and counted, so the bound is the
 * configuration's.
 */
final class DeviceMemory {
    /** CUstream 0: the legacy default stream of the current context. */
    private static final CUstream LEGACY_DEFAULT_STREAM = new CUstream();
    private final List<DevicePointer> allocations = new ArrayList<>();
    private long bytes;

    DevicePointer allocate(long size, String what) {
        DevicePointer p = new DevicePointer();
        check(JCudaDriver.cuMemAlloc(p, Math.max(size, 256)), "cuMemAlloc(" + size + " bytes for " + what + ")");
        check(JCudaDriver.cuMemsetD8(p, (byte) 0, Math.max(size, 256)), "cuMemsetD8(" + what + ")");
        allocations.add(p);
        bytes += size;
        return p;
    }

    /**
     * Copies host bytes to device memory and returns once they are there. From pageable memory (a Java
     * array) cuMemcpyHtoD may return as soon as the bytes are staged, before the DMA lands; a running
     * kernel could then read the old table entry (seen with two runtimes time-sharing one GPU). The copy
     * goes through the legacy default stream, which the kernel's non-blocking stream does not wait on, so
     * synchronizing it waits for the copy alone.
     */
    static void write(DevicePointer base, long offset, Pointer host, long size) {
        if (size > 0) {
            check(JCudaDriver.cuMemcpyHtoD(base.withByteOffset(offset), host, size), "cuMemcpyHtoD");
            check(JCudaDriver.cuStreamSynchronize(LEGACY_DEFAULT_STREAM), "cuStreamSynchronize(default stream)");
        }
    }

    long bytes() {
        return bytes;
    }

    /** Frees everything; only call once the kernel has stopped. */
    void freeAll() {
        for (DevicePointer p : allocations) {
            JCudaDriver.cuMemFree(p);
        }
        allocations.clear();
        bytes = 0;
    }
}
