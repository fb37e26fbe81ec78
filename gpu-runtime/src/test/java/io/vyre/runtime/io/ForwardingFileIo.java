package io.vyre.runtime.io;

import io.vyre.runtime.memory.NativeBuffer;
import java.nio.file.Path;

/**
 * Real IO (FileChannel, or any other {@link FileIo}) that test doubles change one or two operations of; the rest goes
 * to the real thing.
 */
public abstract class ForwardingFileIo implements FileIo {
    protected final FileIo delegate;

    protected ForwardingFileIo() {
        this(new FileChannelFileIo());
    }

    protected ForwardingFileIo(FileIo delegate) {
        this.delegate = delegate;
    }

    @Override
    public IoPath path() {
        return delegate.path();
    }

    @Override
    public void open(long token, Path file, boolean forWrite) {
        delegate.open(token, file, forWrite);
    }

    @Override
    public void read(long token, int fileId, long fileOffset, NativeBuffer into, int bufferOffset, int length) {
        delegate.read(token, fileId, fileOffset, into, bufferOffset, length);
    }

    @Override
    public void write(long token, int fileId, long fileOffset, NativeBuffer from, int bufferOffset, int length) {
        delegate.write(token, fileId, fileOffset, from, bufferOffset, length);
    }

    @Override
    public void sync(long token, int fileId) {
        delegate.sync(token, fileId);
    }

    @Override
    public void closeFile(int fileId) {
        delegate.closeFile(fileId);
    }

    @Override
    public int poll(CompletionSink sink) {
        return delegate.poll(sink);
    }

    @Override
    public int inFlight() {
        return delegate.inFlight();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
