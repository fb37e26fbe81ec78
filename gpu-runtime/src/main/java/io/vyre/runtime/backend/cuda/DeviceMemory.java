package io.vyre.runtime.backend.cuda;

import static io.vyre.runtime.backend.cuda.Cuda.check;

import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * The device memory one CUDA runtime holds: everything is allocated before the kernel starts (cuMemFree
 * waits for a running kernel, so nothing is freed until it stopped) and counted, so the bound is the
 * configuration's.
 */
final class DeviceMemory {
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

    static void write(DevicePointer base, long offset, Pointer host, long size) {
        if (size > 0) {
            check(JCudaDriver.cuMemcpyHtoD(base.withByteOffset(offset), host, size), "cuMemcpyHtoD");
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
