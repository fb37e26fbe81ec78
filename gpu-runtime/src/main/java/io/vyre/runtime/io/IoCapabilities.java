package io.vyre.runtime.io;

import static io.vyre.runtime.protocol.IoQueueDescriptor.IO_DESTINATION_CAPABILITY_TABLE;
import static io.vyre.runtime.protocol.IoQueueDescriptor.IO_SOURCE_CAPABILITY_TABLE;

import io.vyre.runtime.memory.NativeBuffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * The runtime's two capability tables and the handles in them. A handle number is unique across both
 * tables; a buffer sits in both (readable source for WRITE, writable destination for READ), a file in
 * the one its direction needs.
 *
 * <p>Every handle belongs to one tenant (0 unless registered for another): the pump resolves a request in
 * tenant {@code t}'s partition of the IO queue only through {@code t}'s handles, so each tenant sees
 * capability tables of its own. Buffers take handles below {@link #BUFFER_HANDLES} (a device keeps a
 * table of them), files the handles above, so a long-lived runtime that registers many files never runs
 * out of buffer handles.
 */
public final class IoCapabilities {
    /** Buffer handles are 1..BUFFER_HANDLES-1; file handles start at BUFFER_HANDLES. */
    public static final int BUFFER_HANDLES = 4096;

    private final CapabilityTable sources = new CapabilityTable(IO_SOURCE_CAPABILITY_TABLE);
    private final CapabilityTable destinations = new CapabilityTable(IO_DESTINATION_CAPABILITY_TABLE);
    private final AtomicInteger nextBufferHandle = new AtomicInteger(1);
    private final AtomicInteger nextHandle = new AtomicInteger(BUFFER_HANDLES);
    private final Map<Integer, Integer> owners = new ConcurrentHashMap<>();
    /** Released files with the tenant that owned them: the pump serving that tenant closes the file. */
    private final ConcurrentLinkedQueue<Owned> released = new ConcurrentLinkedQueue<>();
    /** Files just registered for READ: the pump serving the tenant opens them at once, not at their first read. */
    private final ConcurrentLinkedQueue<Owned> registered = new ConcurrentLinkedQueue<>();

    /**
     * Whether an IO pump serves these capabilities (it takes both queues); an application that serves the IO
     * queue itself opens and closes its files, and nothing would ever take the queued entries.
     */
    private volatile boolean pumped;
    /** Whether kernel workers read files themselves ({@link CallerReads}): the pumps then need not open them early. */
    private volatile boolean readByWorkers;

    private record Owned(Capability file, int owner) {
    }
    private final Map<Integer, String> lastErrors = new ConcurrentHashMap<>();
    /**
     * Each file registered for READ, held open from registration to release: its size is that file's, whatever
     * its name is later (a log renamed away by rotation, or deleted, keeps growing or ending under this handle).
     */
    private final Map<Integer, FileChannel> pinned = new ConcurrentHashMap<>();

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
        return registerFileForRead(path, 0);
    }

    /** {@link #registerFileForRead(Path)} for {@code tenant}: only its IO requests can name the handle. */
    public int registerFileForRead(Path path, int tenant) throws IOException {
        Path file = path.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                Files.exists(file) ? "not a regular file" : "no such file: check the path");
        }
        if (!Files.isReadable(file)) {
            throw new IOException(file + " is not readable: grant read permission to this process");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        int handle = nextHandle.getAndIncrement();
        pinned.put(handle, channel);
        owners.put(handle, tenant);
        Capability capability = Capability.fileForRead(handle, file, channel.size());
        sources.put(capability);
        if (pumped && !readByWorkers) {
            registered.add(new Owned(capability, tenant));
        }
        return handle;
    }

    /**
     * Re-reads the size of a file registered for READ and makes it the handle's new bound, so the kernel may
     * read what was appended since (a tailed file) while reads already queued on the handle stay valid. The
     * size is the registered file's, through the descriptor held since registration, also after the file was
     * renamed or deleted. The IO pump opens the file by its path on its next turn after the registration, and
     * reads it through that descriptor until it is released: a file replaced under its name in those
     * microseconds would be read as the new one.
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
        FileChannel channel = pinned.get(handle);
        long size = channel != null ? channel.size() : Files.size(known.path());
        // only while the handle is still registered: a concurrent release must not be undone
        sources.replaceIfPresent(handle, c -> Capability.fileForRead(handle, c.path(), size));
        return size;
    }

    /** Registers a file the kernel may WRITE, created (or truncated) when first written, up to {@code maxBytes}. */
    public int registerFileForWrite(Path path, long maxBytes) {
        return registerFileForWrite(path, maxBytes, 0);
    }

    /** {@link #registerFileForWrite(Path, long)} for {@code tenant}: only its IO requests can name the handle. */
    public int registerFileForWrite(Path path, long maxBytes, int tenant) {
        int handle = nextHandle.getAndIncrement();
        owners.put(handle, tenant);
        destinations.put(Capability.fileForWrite(handle, path.toAbsolutePath(), maxBytes));
        return handle;
    }

    /** Registers a buffer as READ destination and WRITE source. */
    public int registerBuffer(NativeBuffer buffer) {
        int handle = nextBufferHandle.getAndIncrement();
        if (handle >= BUFFER_HANDLES) {
            throw new IllegalStateException("no buffer handle left: a runtime holds at most " + (BUFFER_HANDLES - 1)
                + " ingest buffers; use fewer lanes or tenants");
        }
        owners.put(handle, 0);
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
        Integer owner = owners.remove(handle);
        if (file != null) {
            if (pumped) {
                released.add(new Owned(file, owner == null ? 0 : owner));
            }
        }
        lastErrors.remove(handle);
        FileChannel channel = pinned.remove(handle);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // a read-only channel: nothing is lost when its close fails
            }
        }
    }

    /** Hands a registered handle (a lane's buffer lent to another tenant) to {@code tenant}. */
    public void assign(int handle, int tenant) {
        owners.replace(handle, tenant);
    }

    /** The tenant a handle belongs to, or -1 when it is not registered. */
    public int ownerOf(int handle) {
        return owners.getOrDefault(handle, -1);
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

    /** The descriptor a file registered for READ is held open by, or {@code null} (not such a file, or released). */
    FileChannel pinned(int handle) {
        return pinned.get(handle);
    }

    /** A released file whose owner {@code serves} accepts (the pump that may have it open), or null. */
    Capability pollReleased(IntPredicate serves) {
        return poll(released, serves);
    }

    /** A file registered for READ whose owner {@code serves} accepts (the pump that is to open it), or null. */
    Capability pollRegistered(IntPredicate serves) {
        return poll(registered, serves);
    }

    /**
     * Kernel workers read the files registered from now on themselves, through the descriptors held since
     * registration ({@link CallerReads}): pumps open a file only for a read they are given, not at its registration.
     */
    public void readByWorkers() {
        readByWorkers = true;
    }

    /** An IO pump serves these capabilities from now on (called as it starts, before anything is registered). */
    void servedByPump() {
        pumped = true;
    }

    private static Capability poll(ConcurrentLinkedQueue<Owned> queue, IntPredicate serves) {
        for (Owned o : queue) {
            if (serves.test(o.owner()) && queue.remove(o)) {
                return o.file();
            }
        }
        return null;
    }
}
