package io.vyre.runtime.backend.cuda;

import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import java.util.EnumMap;
import java.util.Map;
import jcuda.Pointer;

/**
 * The kernel's argument block and the device memory it points to. Sizes come from the contract
 * ({@link KernelContract}, {@link DeviceCounter}, {@link DeviceTables}); the kernel only reads the pointers.
 */
final class KernelArguments {
    private final DeviceMemory memory;
    private final Map<KernelArg, Long> values = new EnumMap<>(KernelArg.class);
    private final Map<KernelArg, DevicePointer> regions = new EnumMap<>(KernelArg.class);

    KernelArguments(DeviceMemory memory) {
        this.memory = memory;
    }

    /** The kernel's own state in device memory: every region and its size, for a ring, IO queue and workers. */
    static Map<KernelArg, Long> stateRegions(int ringCapacity, int ioSlots, int workers, long maxRecords,
                                             long maxMatches) {
        Map<KernelArg, Long> r = new EnumMap<>(KernelArg.class);
        r.put(KernelArg.DEVICE_CONTROL, 4L * ControlBlockDescriptor.CONTROL_WORDS);
        r.put(KernelArg.CONTROL_DIRTY, 4L * (ControlBlockDescriptor.CONTROL_WORDS / 32));
        r.put(KernelArg.COUNTERS, 4L * DeviceCounter.totalWords());
        r.put(KernelArg.SLOT_RECORDS, 4L * ringCapacity * KernelContract.SLOT_RECORD_WORDS);
        r.put(KernelArg.READY_QUEUES, 4L * ringCapacity * KernelContract.PRIORITY_LEVELS);
        r.put(KernelArg.COMPLETIONS, 4L * ringCapacity);
        r.put(KernelArg.IO_OWNERS, 4L * ioSlots);
        r.put(KernelArg.IO_POSTED, 4L * ioSlots);
        r.put(KernelArg.IO_DONE, 4L * ioSlots);
        r.put(KernelArg.STAGE_LANDED, 4L * DeviceTables.BUFFERS);
        r.put(KernelArg.STAGE_CONSUMED, 4L * DeviceTables.BUFFERS);
        r.put(KernelArg.OUTPUT_CURSORS, 8L * DeviceTables.OUTPUTS);
        r.put(KernelArg.OUTPUT_DIRTY, 4L * (DeviceTables.OUTPUTS / 32));
        r.put(KernelArg.RECORDS, (long) workers * 16 * (maxRecords + 1));
        r.put(KernelArg.MATCHES, (long) workers * 12 * maxMatches);
        r.put(KernelArg.JOBS, (long) workers * KernelContract.JOB_BYTES);
        r.put(KernelArg.JOB_BOARD, 4L * workers);
        return r;
    }

    /** Allocates the kernel's own state in device memory, zeroed, and sets the sizes the kernel needs. */
    void allocateState(int ringCapacity, int ioSlots, int workers, long maxRecords, long maxMatches) {
        stateRegions(ringCapacity, ioSlots, workers, maxRecords, maxMatches).forEach(this::region);
        set(KernelArg.RING_CAPACITY, ringCapacity);
        set(KernelArg.IO_SLOTS, ioSlots);
        set(KernelArg.MAX_RECORDS, maxRecords);
        set(KernelArg.MAX_MATCHES, maxMatches);
    }

    private void region(KernelArg arg, long bytes) {
        DevicePointer p = memory.allocate(bytes, arg.name().toLowerCase());
        regions.put(arg, p);
        values.put(arg, p.address());
    }

    DevicePointer region(KernelArg arg) {
        DevicePointer p = regions.get(arg);
        if (p == null) {
            throw new IllegalStateException(arg + " was not allocated");
        }
        return p;
    }

    void set(KernelArg arg, long value) {
        values.put(arg, value);
    }

    /** Writes the argument block into device memory; every argument must have been set. */
    DevicePointer write() {
        long[] block = new long[KernelArg.values().length];
        for (KernelArg a : KernelArg.values()) {
            Long v = values.get(a);
            if (v == null) {
                throw new IllegalStateException("kernel argument " + a + " was never set");
            }
            block[a.ordinal()] = v;
        }
        DevicePointer p = memory.allocate(8L * block.length, "kernel arguments");
        DeviceMemory.write(p, 0, Pointer.to(block), 8L * block.length);
        return p;
    }
}
