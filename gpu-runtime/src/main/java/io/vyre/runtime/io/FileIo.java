package io.vyre.runtime.io;

import io.vyre.runtime.memory.NativeBuffer;
import java.nio.file.Path;

/**
 * The pump's seam to the operating system: asynchronous opens, reads, writes and syncs whose results
 * arrive through {@link #poll}. Implementations are driven from the pump thread only.
 */
public interface FileIo extends AutoCloseable {
    IoPath path();

    /** Opens {@code file}; completes with a file id (&gt;= 0) or a negative errno. */
    void open(long token, Path file, boolean forWrite);

    /** Reads up to {@code length} bytes; completes with the bytes read (0 at end of file) or a negative errno. */
    void read(long token, int fileId, long fileOffset, NativeBuffer into, int bufferOffset, int length);

    /** Writes up to {@code length} bytes; completes with the bytes written or a negative errno. */
    void write(long token, int fileId, long fileOffset, NativeBuffer from, int bufferOffset, int length);

    /** Flushes the file's data to storage; completes with 0 or a negative errno. */
    void sync(long token, int fileId);

    /** Closes the file; no completion. */
    void closeFile(int fileId);

    /** Delivers the completions that are ready; returns how many. */
    int poll(CompletionSink sink);

    /** Operations submitted and not yet delivered (also read by the thread that closes the pump). */
    int inFlight();

    @Override
    void close();

    @FunctionalInterface
    interface CompletionSink {
        void complete(long token, long result);
    }
}
