package io.vyre.runtime.io;

/**
 * Wraps the {@link FileIo} every IO pump gets, found through {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.vyre.runtime.io.FileIoDecorator}: the seam for fault injection and tracing at
 * the operating system's edge (an EIO, a read that throws, a short read), with the real pump, kernel and Flink
 * job around it. None is registered in the product; a registered one is logged when a pump first starts.
 */
public interface FileIoDecorator {
    /** Returns the IO the pump uses instead of {@code io} (called on the pump's thread, once per pump). */
    FileIo decorate(FileIo io);
}
