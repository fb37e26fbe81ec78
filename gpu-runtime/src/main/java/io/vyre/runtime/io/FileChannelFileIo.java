package io.vyre.runtime.io;

import io.vyre.runtime.memory.NativeBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.LongArrayList;

/** The fallback path: positional FileChannel IO, done at submission and delivered on the next poll. */
public final class FileChannelFileIo implements FileIo {
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EACCES = 13;

    private final List<FileChannel> files = new ArrayList<>();
    private final LongArrayList ready = new LongArrayList();

    @Override
    public IoPath path() {
        return IoPath.FILE_CHANNEL;
    }

    @Override
    public void open(long token, Path file, boolean forWrite) {
        try {
            FileChannel channel = forWrite
                ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING)
                : FileChannel.open(file, StandardOpenOption.READ);
            files.add(channel);
            done(token, files.size() - 1);
        } catch (IOException e) {
            done(token, -errno(e));
        }
    }

    @Override
    public void read(long token, int fileId, long fileOffset, NativeBuffer into, int bufferOffset, int length) {
        FileChannel channel = channel(fileId);
        if (channel == null) {
            done(token, -EBADF);
            return;
        }
        ByteBuffer dst = into.byteBuffer().position(bufferOffset).limit(bufferOffset + length);
        try {
            done(token, readAt(channel, dst, fileOffset));
        } catch (IOException e) {
            done(token, -errno(e));
        }
    }

    /**
     * Reads into {@code dst}'s remaining bytes from {@code fileOffset} on, positionally, until it is full or the file
     * ends; on an exception, {@code dst}'s position says how far it got.
     *
     * @return the bytes read
     */
    static long readAt(FileChannel channel, ByteBuffer dst, long fileOffset) throws IOException {
        long total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, fileOffset + total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public void write(long token, int fileId, long fileOffset, NativeBuffer from, int bufferOffset, int length) {
        FileChannel channel = channel(fileId);
        if (channel == null) {
            done(token, -EBADF);
            return;
        }
        ByteBuffer src = from.byteBuffer().position(bufferOffset).limit(bufferOffset + length);
        try {
            long total = 0;
            while (src.hasRemaining()) {
                total += channel.write(src, fileOffset + total);
            }
            done(token, total);
        } catch (IOException e) {
            done(token, -errno(e));
        }
    }

    @Override
    public void sync(long token, int fileId) {
        FileChannel channel = channel(fileId);
        if (channel == null) {
            done(token, -EBADF);
            return;
        }
        try {
            channel.force(false);
            done(token, 0);
        } catch (IOException e) {
            done(token, -errno(e));
        }
    }

    @Override
    public void closeFile(int fileId) {
        FileChannel channel = channel(fileId);
        if (channel != null) {
            files.set(fileId, null);
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a file we only read from cannot lose data
            }
        }
    }

    @Override
    public int poll(CompletionSink sink) {
        int n = ready.size() / 2;
        for (int i = 0; i < ready.size(); i += 2) {
            sink.complete(ready.getLong(i), ready.getLong(i + 1));
        }
        ready.clear();
        return n;
    }

    @Override
    public int inFlight() {
        return ready.size() / 2;
    }

    @Override
    public void close() {
        for (int i = 0; i < files.size(); i++) {
            closeFile(i);
        }
        ready.clear();
    }

    private FileChannel channel(int fileId) {
        return fileId >= 0 && fileId < files.size() ? files.get(fileId) : null;
    }

    private void done(long token, long result) {
        ready.addLong(token);
        ready.addLong(result);
    }

    static int errno(IOException e) {
        if (e instanceof NoSuchFileException) {
            return ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return EACCES;
        }
        return EIO;
    }
}
