package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.split.FileIdentity;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.program.LoadedProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source reader's tenant on its device's shared megakernel runtime ({@link DeviceRuntimes}) and what it
 * made resident: the program variants and one capability handle per file, shared by every split of that
 * file the reader holds and released when the last one finishes. Opened when the reader starts (or when a
 * restored split is fetched before that, since Flink adds restored splits before it starts the reader),
 * closed with the reader: that drains only this tenant, the runtime stays for the other subtasks.
 */
final class RuntimeHolder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeHolder.class);
    private final VyreRuntimeSettings settings;
    private final VyreProgram<?> program;
    private final String name;
    private final int subtask;
    private final List<Integer> assignedGpus;
    private final Map<Integer, LoadedProgram> loaded = new HashMap<>();
    private final Map<String, FileHandle> files = new HashMap<>();
    private final Map<Integer, LoadedProgram> staged = new HashMap<>();
    private volatile VyreTenant tenant;
    private boolean closed;

    /** One registered file: its handle (-1 until first read), its bound, where it was, and how many splits use it. */
    private static final class FileHandle {
        int handle = -1;
        long size;
        Path path;
        int users;
    }

    /** @param assignedGpus the GPUs Flink's external resource framework assigned (empty: none) */
    RuntimeHolder(VyreRuntimeSettings settings, VyreProgram<?> program, String name, int subtask,
                  List<Integer> assignedGpus) {
        this.settings = settings;
        this.program = program;
        this.name = name;
        this.subtask = subtask;
        this.assignedGpus = List.copyOf(assignedGpus);
    }

    /** Joins the device's runtime unless joined; a no-op after {@link #close()}. */
    synchronized void open() {
        open(null);
    }

    /** As {@link #open()}; with backend=auto, the engines are measured on the start of {@code firstInput}. */
    private void open(Path firstInput) {
        if (tenant == null && !closed) {
            tenant = DeviceRuntimes.shared().openTenant(settings.toContext(name + "-" + subtask, subtask,
                List.of(program.program(0)), assignedGpus).calibrationSample(
                    () -> VyreRuntimeSettings.calibrationSample(firstInput)));
        }
    }

    VyreTenant tenant() {
        VyreTenant t = tenant;
        if (t != null) {
            return t;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(name + "-" + subtask + ": the source reader is closed");
            }
            open();
            return tenant;
        }
    }

    VyreTenant tenantOrNull() {
        return tenant;
    }

    synchronized LoadedProgram program(int flags) {
        return loaded.computeIfAbsent(flags, f -> tenant().load(program.program(f)));
    }

    /** The program's {@link VyreProgram#stagedProgram(int)} for {@code flags}, loaded on first use. */
    synchronized LoadedProgram stagedProgram(int flags) {
        return staged.computeIfAbsent(flags, f -> tenant().load(program.stagedProgram(f)));
    }

    /** The file a split reads: its path, or its path and identity (two tailed files may share a name in turn). */
    private static String key(VyreFileSplit split) {
        return split.identity().isEmpty() ? split.path() : split.path() + "#" + split.identity();
    }

    /** A split starts using its file's handle. */
    synchronized void retain(VyreFileSplit split) {
        files.computeIfAbsent(key(split), k -> new FileHandle()).users++;
    }

    /**
     * The handle of the split's file and its bound, registered on first use; with {@code refresh} the bound
     * follows the file's current size (a tailed file that grew) without invalidating queued reads. A tailed
     * split that knows its file's identity registers that file wherever it is now in its folder (renamed by
     * rotation since it was listed, or since the checkpoint it was restored from).
     *
     * @return {handle, size the kernel may read}, or {@code null} for a tailed file that is gone
     */
    synchronized long[] file(VyreFileSplit split, boolean refresh) throws IOException {
        FileHandle f = files.computeIfAbsent(key(split), k -> new FileHandle());
        if (f.handle < 0) {
            Path file = locate(split);
            if (file == null) {
                return null;
            }
            if (tenant == null && !closed) {
                open(file);
            }
            f.handle = tenant().registerFileForRead(file);
            f.size = tenant().boundBytes(f.handle);
            f.path = file;
        } else if (refresh) {
            f.size = tenant().refreshFileBounds(f.handle);
        }
        return new long[] {f.handle, f.size};
    }

    /**
     * Whether a tailed split's file no longer has the name it was registered under (renamed by rotation, or
     * deleted): its split ends once it has read the file to the end and the file stays quiet. False for splits
     * that do not know their file's identity (they follow their path).
     */
    synchronized boolean renamedOrGone(VyreFileSplit split) {
        FileHandle f = files.get(key(split));
        if (split.identity().isEmpty() || f == null || f.path == null) {
            return false;
        }
        return !split.identity().equals(FileIdentity.ofOrNull(f.path));
    }

    /** Where the split's file is now: its path, or for a tailed file of known identity the file of that identity. */
    private static Path locate(VyreFileSplit split) throws IOException {
        Path path = Path.of(split.path());
        if (split.identity().isEmpty() || split.identity().equals(FileIdentity.ofOrNull(path))) {
            return path;
        }
        Path folder = path.toAbsolutePath().getParent();
        if (folder != null && Files.isDirectory(folder)) {
            try (Stream<Path> siblings = Files.list(folder)) {
                for (Path candidate : (Iterable<Path>) siblings::iterator) {
                    if (Files.isRegularFile(candidate) && split.identity().equals(FileIdentity.ofOrNull(candidate))) {
                        LOG.info("{}: followed the file it tails to {} (renamed, as a log rotation does)", split.path(),
                            candidate);
                        return candidate;
                    }
                }
            }
        }
        LOG.info("{}: the file it tails is gone (rotated away and deleted); its split ends", split.path());
        return null;
    }

    /** A split is done with its file; the handle goes when no split of the file is left. */
    synchronized void release(VyreFileSplit split) {
        String key = key(split);
        FileHandle f = files.get(key);
        if (f == null || --f.users > 0) {
            return;
        }
        files.remove(key);
        if (f.handle >= 0 && tenant != null && !tenant.isClosed()) {
            tenant.releaseHandle(f.handle);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (tenant != null) {
            tenant.close();
        }
    }
}
