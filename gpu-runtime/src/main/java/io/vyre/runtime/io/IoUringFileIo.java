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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.agrona.BufferUtil;
import org.agrona.collections.IntArrayQueue;
import org.agrona.collections.LongArrayList;

/**
 * File IO through io_uring, using Netty's native transport as the binding: one ring driven by a
 * {@link ManualIoEventLoop} on the pump thread, raw SQEs ({@link IoUringIoOps}) for OPENAT, READ, WRITE,
 * FSYNC and CLOSE into the page-aligned ingest buffers. Netty does not expose IORING_REGISTER_BUFFERS,
 * so reads are IORING_OP_READ rather than READ_FIXED (the kernel pins the pages per request).
 *
 * <p>A read of data in the page cache is a copy, and io_uring makes it inline, on the thread that submits:
 * one pump copies on one core. With {@code readPieceBytes > 0} a read goes out as pieces of at most that
 * many bytes, each flagged IOSQE_ASYNC, so the kernel's io-wq workers copy them on as many cores as there
 * are pieces in flight; the read completes, as one, with the bytes its pieces read from its start on.
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
    static final byte IOSQE_ASYNC = 1 << 4;
    private static final int MAX_PENDING = 4096;
    private static final long NO_TOKEN = Long.MIN_VALUE;
    private static final int NOT_SPLIT = -1;
    private static final int MAX_SPLIT_READS = 256;

    private final ManualIoEventLoop loop;
    private final IoRegistration registration;
    private final long[] tokens = new long[MAX_PENDING];
    private final ByteBuffer[] keepAlive = new ByteBuffer[MAX_PENDING];
    private final IntArrayQueue freeIds = new IntArrayQueue(MAX_PENDING, -1);
    private final LongArrayList ready = new LongArrayList();
    private final int readPieceBytes;
    /** Per SQE id: the split read it is a piece of, or NOT_SPLIT. */
    private final int[] pieceOf = new int[MAX_PENDING];
    private final int[] pieceIndex = new int[MAX_PENDING];
    /** Split reads in flight at most (only with readPieceBytes > 0): each keeps its pieces' results. */
    private final SplitRead[] splits;
    private final IntArrayQueue freeSplits = new IntArrayQueue(MAX_SPLIT_READS, -1);
    private int inFlight;
    /** SQEs of split reads beyond one per read: inFlight counts SQEs, callers count reads. */
    private int extraPieces;

    /** Creates the ring, owned by (and only to be driven from) the calling thread; reads are made inline. */
    public IoUringFileIo(int ringSize) {
        this(ringSize, 0);
    }

    /**
     * Creates the ring, owned by (and only to be driven from) the calling thread.
     *
     * @param readPieceBytes 0: each read is one inline SQE; more: reads go to io-wq workers in pieces of at
     *                       most this many bytes (a multiple of the page size)
     */
    public IoUringFileIo(int ringSize, int readPieceBytes) {
        if (readPieceBytes < 0 || readPieceBytes % 4096 != 0) {
            throw new IllegalArgumentException("readPieceBytes " + readPieceBytes
                + " must be 0 (inline reads) or a positive multiple of 4096");
        }
        IoUring.ensureAvailability();
        this.readPieceBytes = readPieceBytes;
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
        splits = new SplitRead[readPieceBytes > 0 ? MAX_SPLIT_READS : 0];
        for (int i = 0; i < splits.length; i++) {
            freeSplits.addInt(i);
            splits[i] = new SplitRead();
        }
        Arrays.fill(pieceOf, NOT_SPLIT);
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
        submit(token, path, IORING_OP_OPENAT, (byte) 0, AT_FDCWD, 0L, BufferUtil.address(path), forWrite ? 0644 : 0,
            flags);
    }

    @Override
    public void read(long token, int fileId, long fileOffset, NativeBuffer into, int bufferOffset, int length) {
        long address = into.address() + bufferOffset;
        if (readPieceBytes == 0) {
            submit(token, null, IORING_OP_READ, (byte) 0, fileId, fileOffset, address, length, 0);
            return;
        }
        long perPiece = ((long) length + SplitRead.MAX_PIECES - 1) / SplitRead.MAX_PIECES;
        int piece = (int) Math.max(readPieceBytes, (perPiece + 4095) & ~4095L);
        int pieces = (int) (((long) length + piece - 1) / piece);
        if (pieces <= 1 || freeIds.size() < pieces || freeSplits.isEmpty()) {
            submit(token, null, IORING_OP_READ, IOSQE_ASYNC, fileId, fileOffset, address, length, 0);
            return;
        }
        int split = freeSplits.pollInt();
        SplitRead r = splits[split];
        r.start(token, pieces);
        extraPieces += pieces - 1;
        for (int k = 0; k < pieces; k++) {
            long at = (long) k * piece;
            int size = (int) Math.min(piece, length - at);
            r.asked[k] = size;
            int id = submit(NO_TOKEN, null, IORING_OP_READ, IOSQE_ASYNC, fileId, fileOffset + at, address + at, size, 0);
            pieceOf[id] = split;
            pieceIndex[id] = k;
        }
    }

    @Override
    public void write(long token, int fileId, long fileOffset, NativeBuffer from, int bufferOffset, int length) {
        submit(token, null, IORING_OP_WRITE, (byte) 0, fileId, fileOffset, from.address() + bufferOffset, length, 0);
    }

    @Override
    public void sync(long token, int fileId) {
        submit(token, null, IORING_OP_FSYNC, (byte) 0, fileId, 0L, 0L, 0, IORING_FSYNC_DATASYNC);
    }

    @Override
    public void closeFile(int fileId) {
        submit(NO_TOKEN, null, IORING_OP_CLOSE, (byte) 0, fileId, 0L, 0L, 0, 0);
    }

    /** Submits one SQE; returns its id, or -1 when MAX_PENDING are in flight (then the token fails EAGAIN). */
    private int submit(long token, ByteBuffer keep, byte op, byte sqeFlags, int fd, long offset, long address, int length,
                       int opFlags) {
        if (freeIds.isEmpty()) {
            loop.runNow();
            if (freeIds.isEmpty()) {
                ready.addLong(token);
                ready.addLong(-11); // EAGAIN: more than MAX_PENDING operations in flight
                return -1;
            }
        }
        int id = freeIds.pollInt();
        tokens[id] = token;
        keepAlive[id] = keep;
        inFlight++;
        registration.submit(new IoUringIoOps(op, sqeFlags, (short) 0, fd, offset, address, length, opFlags,
            (short) id, (short) 0, (short) 0, 0, 0L));
        return id;
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
        return inFlight - extraPieces + ready.size() / 2;
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
            int split = pieceOf[id];
            if (split != NOT_SPLIT) {
                pieceOf[id] = NOT_SPLIT;
                SplitRead r = splits[split];
                if (r.landed(pieceIndex[id], e.res())) {
                    ready.addLong(r.token);
                    ready.addLong(r.result());
                    freeSplits.addInt(split);
                } else {
                    extraPieces--;
                }
            } else if (token != NO_TOKEN) {
                ready.addLong(token);
                ready.addLong(e.res());
            }
        }

        @Override
        public void close() {
        }
    }

    /** A read that went out as pieces: it completes when all have, with what its pieces read from its start on. */
    private static final class SplitRead {
        static final int MAX_PIECES = 64;
        final int[] asked = new int[MAX_PIECES];
        final long[] results = new long[MAX_PIECES];
        long token;
        int pieces;
        int outstanding;

        void start(long token, int pieces) {
            this.token = token;
            this.pieces = pieces;
            this.outstanding = pieces;
        }

        /** Returns whether this was the last piece. */
        boolean landed(int piece, long result) {
            results[piece] = result;
            return --outstanding == 0;
        }

        /**
         * The bytes read contiguously from the start, up to the first piece that read less than it asked (the
         * end of the file); an error only when the first piece failed (a caller reads the rest again and meets
         * a later piece's error there).
         */
        long result() {
            long total = 0;
            for (int k = 0; k < pieces; k++) {
                long r = results[k];
                if (r < 0) {
                    return total > 0 ? total : r;
                }
                total += r;
                if (r < asked[k]) {
                    break;
                }
            }
            return total;
        }
    }
}
