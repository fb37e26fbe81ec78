package io.vyre.runtime.backend.cuda;

import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import jcuda.Pointer;

/**
 * Device memory for programs and pattern tables, allocated once before launch and handed out by a bump
 * pointer. Space is not reused while the kernel runs: the kernel's read-only caches are only invalidated
 * at launch, so fresh addresses are the safe way to publish new tables to a running kernel.
 */
final class DeviceArena {
    private static final long ALIGN = 256;
    private final DevicePointer base;
    private final long capacity;
    private long used;

    DeviceArena(DeviceMemory memory, long capacity) {
        this.base = memory.allocate(capacity, "program arena");
        this.capacity = capacity;
    }

    /** Copies {@code size} bytes from {@code host} into fresh arena space and returns its device address. */
    long put(Pointer host, long size, String what) {
        long at = (used + ALIGN - 1) & -ALIGN;
        if (at + size > capacity) {
            throw new IllegalStateException("the CUDA program arena (" + capacity + " bytes) is full while loading "
                + what + " (" + size + " bytes): raise VyreRuntimeContext.deviceArenaBytes or load fewer programs");
        }
        DeviceMemory.write(base, at, host, size);
        used = at + size;
        return base.address() + at;
    }

    long used() {
        return used;
    }
}
