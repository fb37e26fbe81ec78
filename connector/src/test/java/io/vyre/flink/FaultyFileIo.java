package io.vyre.flink;

import io.vyre.runtime.io.FileIo;
import io.vyre.runtime.io.FileIoDecorator;
import io.vyre.runtime.io.ForwardingFileIo;
import io.vyre.runtime.memory.NativeBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults at the IO pump's edge to the operating system, for files under one folder: a read that completes with
 * EIO, a read that throws inside the pump, a read that ends early (0 bytes: the file looks truncated). Each file
 * faults {@link #faultsPerFile} times, on reads at or past {@link #fromOffset}; every other call goes to the real
 * io_uring or FileChannel IO underneath. Registered through META-INF/services and idle until {@link #arm}.
 */
public final class FaultyFileIo implements FileIoDecorator {
    public enum Fault { EIO, THROW, SHORT_READ }

    static final int EIO = 5;
    private static volatile Fault fault;
    private static volatile Path under;
    private static volatile int faultsPerFile;
    private static volatile long fromOffset;
    private static final Map<Path, AtomicInteger> FAULTED = new ConcurrentHashMap<>();
    /** Faults injected since {@link #arm}. */
    public static final AtomicInteger INJECTED = new AtomicInteger();

    /** From now on, reads of files under {@code folder} at or past {@code offset} fault {@code perFile} times each. */
    public static void arm(Fault kind, Path folder, int perFile, long offset) {
        FAULTED.clear();
        INJECTED.set(0);
        faultsPerFile = perFile;
        fromOffset = offset;
        under = folder.toAbsolutePath();
        fault = kind;
    }

    public static void disarm() {
        fault = null;
        under = null;
    }

    private static boolean shouldFault(Path file, long offset) {
        Fault kind = fault;
        Path folder = under;
        if (kind == null || folder == null || file == null || !file.toAbsolutePath().startsWith(folder)
            || offset < fromOffset) {
            return false;
        }
        if (FAULTED.computeIfAbsent(file, f -> new AtomicInteger()).getAndIncrement() >= faultsPerFile) {
            return false;
        }
        INJECTED.incrementAndGet();
        return true;
    }

    @Override
    public FileIo decorate(FileIo io) {
        return new Faulty(io);
    }

    @Override
    public String toString() {
        return "FaultyFileIo (test fault injection)";
    }

    /** Driven from one pump thread, as every FileIo (inFlight() also from the thread closing the pump). */
    private static final class Faulty extends ForwardingFileIo {
        private final Map<Long, Path> opening = new HashMap<>();
        private final Map<Integer, Path> files = new HashMap<>();
        /** Completions of injected faults; inFlight() reads its size from a closing thread too. */
        private final ConcurrentLinkedQueue<long[]> injected = new ConcurrentLinkedQueue<>();

        Faulty(FileIo io) {
            super(io);
        }

        @Override
        public void open(long token, Path file, boolean forWrite) {
            opening.put(token, file);
            delegate.open(token, file, forWrite);
        }

        @Override
        public void read(long token, int fileId, long fileOffset, NativeBuffer into, int bufferOffset, int length) {
            Path file = files.get(fileId);
            if (!shouldFault(file, fileOffset)) {
                delegate.read(token, fileId, fileOffset, into, bufferOffset, length);
                return;
            }
            switch (fault == null ? Fault.EIO : fault) {
                case THROW:
                    throw new UncheckedIOException(new IOException("injected: the controller of " + file
                        + " went away"));
                case SHORT_READ:
                    injected.add(new long[] {token, 0});
                    break;
                default:
                    injected.add(new long[] {token, -EIO});
            }
        }

        @Override
        public void closeFile(int fileId) {
            files.remove(fileId);
            delegate.closeFile(fileId);
        }

        @Override
        public int poll(CompletionSink sink) {
            int n = 0;
            for (long[] c; (c = injected.poll()) != null; n++) {
                sink.complete(c[0], c[1]);
            }
            return n + delegate.poll((token, result) -> {
                Path opened = opening.remove(token);
                if (opened != null && result >= 0) {
                    files.put((int) result, opened);
                }
                sink.complete(token, result);
            });
        }

        @Override
        public int inFlight() {
            return delegate.inFlight() + injected.size();
        }
    }
}
