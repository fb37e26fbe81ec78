package io.vyre.runtime.io;

import static io.vyre.runtime.protocol.IoQueueDescriptor.IO_DESTINATION_CAPABILITY_TABLE;
import static io.vyre.runtime.protocol.IoQueueDescriptor.IO_SOURCE_CAPABILITY_TABLE;

import io.vyre.runtime.memory.NativeBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime's two capability tables and the handles in them. A handle number is unique across both
 * tables; a buffer sits in both (readable source for WRITE, writable destination for READ), a file in
 * the one its direction needs.
 */
public final class IoCapabilities {
    private final CapabilityTable sources = new CapabilityTable(IO_SOURCE_CAPABILITY_TABLE);
    private final CapabilityTable destinations = new CapabilityTable(IO_DESTINATION_CAPABILITY_TABLE);
    private final AtomicInteger nextHandle = new AtomicInteger(1);
    private final ConcurrentLinkedQueue<Capability> released = new ConcurrentLinkedQueue<>();
    private final Map<Integer, String> lastErrors = new ConcurrentHashMap<>();

    public CapabilityTable sources() {
        return sources;
    }

    public CapabilityTable destinations() {
        return destinations;
    }

    /**
     * Registers a file the kernel may READ, bounded by its size now.
     *
     * @throws IOException naming the file when it does not exist or is not a regular file
     */
    public int registerFileForRead(Path path) throws IOException {
        Path file = path.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                Files.exists(file) ? "not a regular file" : "no such file: check the path");
        }
        if (!Files.isReadable(file)) {
            throw new IOException(file + " is not readable: grant read permission to this process");
        }
        int handle = nextHandle.getAndIncrement();
        sources.put(Capability.fileForRead(handle, file, Files.size(file)));
        return handle;
    }

    /**
     * Re-reads the size of a file registered for READ and makes it the handle's new bound, so the kernel may
     * read what was appended since (a tailed file) while reads already queued on the handle stay valid.
     *
     * @return the bound now in force
     * @throws IllegalArgumentException when {@code handle} is not a file in the source table
     */
    public long refreshFileBounds(int handle) throws IOException {
        Capability known = sources.lookup(handle);
        if (known == null || known.kind() != Capability.Kind.FILE) {
            throw new IllegalArgumentException(sources.describeMissing(handle) + ": only a file registered for READ"
                + " has bounds to refresh");
        }
        long size = Files.size(known.path());
        // only while the handle is still registered: a concurrent release must not be undone
        sources.replaceIfPresent(handle, c -> Capability.fileForRead(handle, c.path(), size));
        return size;
    }

    /** Registers a file the kernel may WRITE, created (or truncated) when first written, up to {@code maxBytes}. */
    public int registerFileForWrite(Path path, long maxBytes) {
        int handle = nextHandle.getAndIncrement();
        destinations.put(Capability.fileForWrite(handle, path.toAbsolutePath(), maxBytes));
        return handle;
    }

    /** Registers a buffer as READ destination and WRITE source. */
    public int registerBuffer(NativeBuffer buffer) {
        int handle = nextHandle.getAndIncrement();
        sources.put(Capability.buffer(handle, buffer, true, false));
        destinations.put(Capability.buffer(handle, buffer, false, true));
        return handle;
    }

    /** Removes a handle from both tables; the pump closes its file, if any, on its next duty cycle. */
    public void release(int handle) {
        Capability s = sources.remove(handle);
        Capability d = destinations.remove(handle);
        Capability file = s != null && s.kind() == Capability.Kind.FILE ? s
            : d != null && d.kind() == Capability.Kind.FILE ? d : null;
        if (file != null) {
            released.add(file);
        }
        lastErrors.remove(handle);
    }

    public Capability source(int handle) {
        return sources.lookup(handle);
    }

    public Capability destination(int handle) {
        return destinations.lookup(handle);
    }

    /** The last IO error the pump saw on this handle (with the path and errno), or {@code null}. */
    public String lastError(int handle) {
        return lastErrors.get(handle);
    }

    void recordError(int handle, String message) {
        lastErrors.put(handle, message);
    }

    Capability pollReleased() {
        return released.poll();
    }
}
