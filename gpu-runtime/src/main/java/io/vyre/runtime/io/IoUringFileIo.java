package io.vyre.runtime.io;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.Future;
import io.vyre.runtime.memory.NativeBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.BufferUtil;
import org.agrona.collections.IntArrayQueue;
import org.agrona.collections.LongArrayList;

/**
 * File IO through io_uring, using Netty's native transport as the binding: one ring driven by a
 * {@link ManualIoEventLoop} on the pump thread, raw SQEs ({@link IoUringIoOps}) for OPENAT, READ, WRITE,
 * FSYNC and CLOSE into the page-aligned ingest buffers. Netty does not expose IORING_REGISTER_BUFFERS,
 * so reads are IORING_OP_READ rather than READ_FIXED (the kernel pins the pages per request).
 */
public final class IoUringFileIo implements FileIo {
    static final byte IORING_OP_FSYNC = 3;
    static final byte IORING_OP_OPENAT = 18;
    static final byte IORING_OP_CLOSE = 19;
    static final byte IORING_OP_READ = 22;
    static final byte IORING_OP_WRITE = 23;
    static final int AT_FDCWD = -100;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0x40;
    static final int O_TRUNC = 0x200;
    static final int O_CLOEXEC = 0x80000;
    static final int IORING_FSYNC_DATASYNC = 1;
    private static final int MAX_PENDING = 4096;
    private static final long NO_TOKEN = Long.MIN_VALUE;

    private final ManualIoEventLoop loop;
    private final IoRegistration registration;
    private final long[] tokens = new long[MAX_PENDING];
    private final ByteBuffer[] keepAlive = new ByteBuffer[MAX_PENDING];
    private final IntArrayQueue freeIds = new IntArrayQueue(MAX_PENDING, -1);
    private final LongArrayList ready = new LongArrayList();
    private int inFlight;

    /** Creates the ring, owned by (and only to be driven from) the calling thread. */
    public IoUringFileIo(int ringSize) {
        IoUring.ensureAvailability();
        loop = new ManualIoEventLoop(Thread.currentThread(), IoUringIoHandler.newFactory(ringSize));
        Future<IoRegistration> f = loop.register(new Handle());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!f.isDone() && System.nanoTime() < deadline) {
            loop.runNow();
        }
        if (!f.isSuccess()) {
            loop.shutdown();
            throw new IllegalStateException("could not register with the io_uring event loop", f.cause());
        }
        registration = f.getNow();
        for (int i = 0; i < MAX_PENDING; i++) {
            freeIds.addInt(i);
        }
    }

    @Override
    public IoPath path() {
        return IoPath.IO_URING;
    }

    @Override
    public void open(long token, Path file, boolean forWrite) {
        byte[] name = file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer path = ByteBuffer.allocateDirect(name.length + 1);
        path.put(name).put((byte) 0).flip();
        int flags = (forWrite ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY) | O_CLOEXEC;
        submit(token, path, IORING_OP_OPENAT, AT_FDCWD, 0L, BufferUtil.address(path), forWrite ? 0644 : 0, flags);
    }

    @Override
    public void read(long token, int fileId, long fileOffset, NativeBuffer into, int bufferOffset, int length) {
        submit(token, null, IORING_OP_READ, fileId, fileOffset, into.address() + bufferOffset, length, 0);
    }

    @Override
    public void write(long token, int fileId, long fileOffset, NativeBuffer from, int bufferOffset, int length) {
        submit(token, null, IORING_OP_WRITE, fileId, fileOffset, from.address() + bufferOffset, length, 0);
    }

    @Override
    public void sync(long token, int fileId) {
        submit(token, null, IORING_OP_FSYNC, fileId, 0L, 0L, 0, IORING_FSYNC_DATASYNC);
    }

    @Override
    public void closeFile(int fileId) {
        submit(NO_TOKEN, null, IORING_OP_CLOSE, fileId, 0L, 0L, 0, 0);
    }

    private void submit(long token, ByteBuffer keep, byte op, int fd, long offset, long address, int length, int opFlags) {
        if (freeIds.isEmpty()) {
            loop.runNow();
            if (freeIds.isEmpty()) {
                ready.addLong(token);
                ready.addLong(-11); // EAGAIN: more than MAX_PENDING operations in flight
                return;
            }
        }
        int id = freeIds.pollInt();
        tokens[id] = token;
        keepAlive[id] = keep;
        inFlight++;
        registration.submit(new IoUringIoOps(op, (byte) 0, (short) 0, fd, offset, address, length, opFlags,
            (short) id, (short) 0, (short) 0, 0, 0L));
    }

    @Override
    public int poll(CompletionSink sink) {
        loop.runNow();
        int n = ready.size() / 2;
        for (int i = 0; i < ready.size(); i += 2) {
            sink.complete(ready.getLong(i), ready.getLong(i + 1));
        }
        ready.clear();
        return n;
    }

    @Override
    public int inFlight() {
        return inFlight + ready.size() / 2;
    }

    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (inFlight > 0 && System.nanoTime() < deadline) {
            loop.runNow();
        }
        registration.cancel();
        loop.shutdown();
        while (!loop.isTerminated() && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(2)) {
            loop.runNow();
        }
    }

    private final class Handle implements IoUringIoHandle {
        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            IoUringIoEvent e = (IoUringIoEvent) event;
            int id = e.data() & 0xFFFF;
            if (id >= MAX_PENDING) {
                return;
            }
            long token = tokens[id];
            keepAlive[id] = null;
            freeIds.addInt(id);
            inFlight--;
            if (token != NO_TOKEN) {
                ready.addLong(token);
                ready.addLong(e.res());
            }
        }

        @Override
        public void close() {
        }
    }
}
