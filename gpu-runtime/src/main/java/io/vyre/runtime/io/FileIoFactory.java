package io.vyre.runtime.io;

import io.netty.channel.uring.IoUring;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the pump's {@link FileIo} for an {@link IoPath}, probing io_uring once, and wraps it in the
 * {@link FileIoDecorator}s registered on the class path (none in the product).
 */
public final class FileIoFactory {
    private static final Logger LOG = LoggerFactory.getLogger(FileIoFactory.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
    private static final int RING_SIZE = 256;
    private static final List<FileIoDecorator> DECORATORS = ServiceLoader.load(FileIoDecorator.class,
        FileIoFactory.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
    private static final AtomicBoolean DECORATORS_LOGGED = new AtomicBoolean();

    private FileIoFactory() {
    }

    /** Why io_uring cannot be used here, or {@code null} when it can. */
    public static String ioUringUnavailableReason() {
        try {
            if (IoUring.isAvailable()) {
                return null;
            }
            Throwable cause = IoUring.unavailabilityCause();
            return cause == null ? "io_uring is not available" : cause.toString();
        } catch (Throwable t) {
            return "io_uring binding failed to load: " + t;
        }
    }

    public static FileIo create(IoPath requested) {
        return create(requested, 0);
    }

    /**
     * @param readPieceBytes for io_uring: 0 reads inline on the pump's thread, more sends reads to the
     *                       kernel's io-wq workers in pieces of at most that many bytes ({@link IoUringFileIo})
     */
    public static FileIo create(IoPath requested, int readPieceBytes) {
        FileIo io = undecorated(requested, readPieceBytes);
        if (!DECORATORS.isEmpty() && DECORATORS_LOGGED.compareAndSet(false, true)) {
            LOG.warn("IO pumps' file IO is wrapped by {} (registered as {})", DECORATORS,
                FileIoDecorator.class.getName());
        }
        for (FileIoDecorator decorator : DECORATORS) {
            io = decorator.decorate(io);
        }
        return io;
    }

    private static FileIo undecorated(IoPath requested, int readPieceBytes) {
        switch (requested) {
            case FILE_CHANNEL:
                return new FileChannelFileIo();
            case IO_URING: {
                String reason = ioUringUnavailableReason();
                if (reason != null) {
                    throw new IllegalStateException("io.path=IO_URING was requested but " + reason
                        + ": use AUTO or FILE_CHANNEL, or run where io_uring is allowed (Docker's default seccomp"
                        + " profile blocks it)");
                }
                return new IoUringFileIo(RING_SIZE, readPieceBytes);
            }
            default: {
                String reason = ioUringUnavailableReason();
                if (reason == null) {
                    try {
                        return new IoUringFileIo(RING_SIZE, readPieceBytes);
                    } catch (RuntimeException e) {
                        reason = "io_uring set-up failed: " + e;
                    }
                }
                if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                    LOG.warn("IO pump falls back to FileChannel reads because {}", reason);
                }
                return new FileChannelFileIo();
            }
        }
    }
}
