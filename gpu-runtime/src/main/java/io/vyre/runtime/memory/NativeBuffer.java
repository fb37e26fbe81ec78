package io.vyre.runtime.memory;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Page-aligned off-heap memory owned by a {@link NativeMemory}: an Agrona buffer for word access, a
 * {@link ByteBuffer} view for channels and JCuda, and the raw address for io_uring.
 */
public final class NativeBuffer {
    private static final int SNAPSHOT_LIMIT = 1 << 20;

    private final String name;
    private final ByteBuffer allocation;
    private final ByteBuffer view;
    private final UnsafeBuffer buffer;
    private final long address;
    private final int capacity;
    private volatile boolean freed;

    NativeBuffer(String name, ByteBuffer allocation, ByteBuffer view, long address, int capacity) {
        this.name = name;
        this.allocation = allocation;
        this.view = view;
        this.address = address;
        this.capacity = capacity;
        this.buffer = new UnsafeBuffer(address, capacity);
    }

    public String name() {
        return name;
    }

    public UnsafeBuffer buffer() {
        checkLive();
        return buffer;
    }

    /** A fresh ByteBuffer view (position 0, limit = capacity) over the same memory. */
    public ByteBuffer byteBuffer() {
        checkLive();
        return view.duplicate().clear();
    }

    public long address() {
        checkLive();
        return address;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isFreed() {
        return freed;
    }

    ByteBuffer allocation() {
        return allocation;
    }

    /**
     * Points the Agrona view away from the memory about to be freed, so a late reader (a metric gauge,
     * a result read after close) sees a heap snapshot (small buffers) or an empty buffer (large ones)
     * instead of freed memory.
     */
    void markFreed() {
        freed = true;
        if (capacity <= SNAPSHOT_LIMIT) {
            byte[] copy = new byte[capacity];
            buffer.getBytes(0, copy);
            buffer.wrap(copy);
        } else {
            buffer.wrap(new byte[0]);
        }
    }

    private void checkLive() {
        if (freed) {
            throw new IllegalStateException("native buffer '" + name + "' was freed when its runtime closed;"
                + " do not keep buffers past VyreRuntime.close()");
        }
    }

    @Override
    public String toString() {
        return "NativeBuffer[" + name + ", " + capacity + " bytes]";
    }
}
