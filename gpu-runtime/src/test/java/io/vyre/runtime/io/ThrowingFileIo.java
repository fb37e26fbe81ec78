package io.vyre.runtime.io;

import io.vyre.runtime.memory.NativeBuffer;
import java.nio.file.Path;

/** FileChannel IO that throws, as a broken IO layer would, on reads at one offset and on opening one file. */
final class ThrowingFileIo implements FileIo {
    private final FileChannelFileIo delegate = new FileChannelFileIo();
    private final long throwAtOffset;
    private final String throwOnOpening;

    ThrowingFileIo(long throwAtOffset, String throwOnOpening) {
        this.throwAtOffset = throwAtOffset;
        this.throwOnOpening = throwOnOpening;
    }

    @Override
    public IoPath path() {
        return IoPath.FILE_CHANNEL;
    }

    @Override
    public void open(long token, Path file, boolean forWrite) {
        if (file.getFileName().toString().equals(throwOnOpening)) {
            throw new IllegalStateException("injected: cannot open " + file);
        }
        delegate.open(token, file, forWrite);
    }

    @Override
    public void read(long token, int fileId, long fileOffset, NativeBuffer into, int bufferOffset, int length) {
        if (fileOffset == throwAtOffset) {
            throw new IllegalStateException("injected: the IO layer broke at offset " + fileOffset);
        }
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
