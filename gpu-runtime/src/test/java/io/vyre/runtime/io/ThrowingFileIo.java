package io.vyre.runtime.io;

import io.vyre.runtime.memory.NativeBuffer;
import java.nio.file.Path;

/** FileChannel IO that throws, as a broken IO layer would, on reads at one offset and on opening one file. */
final class ThrowingFileIo extends ForwardingFileIo {
    private final long throwAtOffset;
    private final String throwOnOpening;

    ThrowingFileIo(long throwAtOffset, String throwOnOpening) {
        this.throwAtOffset = throwAtOffset;
        this.throwOnOpening = throwOnOpening;
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
}
