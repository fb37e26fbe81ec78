package io.vyre.runtime.memory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.BufferUtil;

/**
 * Allocates page-aligned, zeroed off-heap buffers and frees them explicitly (not when the GC gets to
 * it), so a closed runtime has released every byte. Counts what is outstanding per instance and for the
 * whole JVM, which the leak checks read.
 */
public final class NativeMemory implements AutoCloseable {
    public static final int PAGE_SIZE = 4096;

    private static final AtomicLong GLOBAL_BYTES = new AtomicLong();
    private static final AtomicLong GLOBAL_BUFFERS = new AtomicLong();

    private final Map<NativeBuffer, Boolean> live = new IdentityHashMap<>();
    private long bytes;
    private final long limitBytes;

    public NativeMemory(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    public synchronized NativeBuffer allocate(String name, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("buffer '" + name + "' needs a positive capacity, got " + capacity);
        }
        if (capacity > Integer.MAX_VALUE - 2 * PAGE_SIZE) {
            throw new IllegalArgumentException("buffer '" + name + "' of " + capacity + " bytes is too large");
        }
        if (bytes + capacity > limitBytes) {
            throw new IllegalStateException("allocating " + capacity + " bytes for '" + name + "' would take this"
                + " runtime's native memory to " + (bytes + capacity) + " bytes, past its limit of " + limitBytes
                + ": raise VyreRuntimeContext.nativeMemoryLimit or use fewer/smaller buffers");
        }
        // whole pages after the aligned start, so the range can be page-locked (cuMemHostRegister) as is
        ByteBuffer allocation;
        try {
            allocation = ByteBuffer.allocateDirect(pageRounded(capacity) + PAGE_SIZE);
        } catch (OutOfMemoryError e) {
            String jvm = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (!jvm.contains("direct buffer memory")) {
                throw e;
            }
            throw new DirectMemoryExhaustedException("cannot allocate " + capacity + " bytes of direct memory for '"
                + name + "' (" + bytes + " bytes already held by this owner; the JVM says: " + e.getMessage() + "):"
                + " the JVM's direct memory limit (-XX:MaxDirectMemorySize) is reached. On a Flink task manager"
                + " raise taskmanager.memory.task.off-heap.size, or use fewer lanes or a smaller chunk size", e);
        }
        long base = BufferUtil.address(allocation);
        int offset = (int) ((PAGE_SIZE - (base & (PAGE_SIZE - 1))) & (PAGE_SIZE - 1));
        ByteBuffer view = allocation.duplicate().position(offset).limit(offset + capacity).slice();
        // allocateDirect hands out zeroed memory: no second pass over it (its first touch is the cost)
        NativeBuffer buffer = new NativeBuffer(name, allocation, view, base + offset, capacity);
        live.put(buffer, Boolean.TRUE);
        bytes += capacity;
        GLOBAL_BYTES.addAndGet(capacity);
        GLOBAL_BUFFERS.incrementAndGet();
        return buffer;
    }

    /** The JVM refused direct memory: a configuration problem, reported as such instead of an OutOfMemoryError. */
    public static final class DirectMemoryExhaustedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        DirectMemoryExhaustedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public synchronized void free(NativeBuffer buffer) {
        if (live.remove(buffer) == null) {
            return;
        }
        buffer.markFreed();
        BufferUtil.free(buffer.allocation());
        bytes -= buffer.capacity();
        GLOBAL_BYTES.addAndGet(-buffer.capacity());
        GLOBAL_BUFFERS.decrementAndGet();
    }

    public static int pageRounded(int capacity) {
        return (int) (((long) capacity + PAGE_SIZE - 1) & -PAGE_SIZE);
    }

    public synchronized long allocatedBytes() {
        return bytes;
    }

    public synchronized int liveBuffers() {
        return live.size();
    }

    public synchronized List<NativeBuffer> liveBufferList() {
        return new ArrayList<>(live.keySet());
    }

    /** Frees everything still allocated. */
    @Override
    public synchronized void close() {
        for (NativeBuffer b : new ArrayList<>(live.keySet())) {
            free(b);
        }
    }

    /** Bytes allocated by all NativeMemory instances of this JVM and not yet freed. */
    public static long globalOutstandingBytes() {
        return GLOBAL_BYTES.get();
    }

    public static long globalOutstandingBuffers() {
        return GLOBAL_BUFFERS.get();
    }
}
