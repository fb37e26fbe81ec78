package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.program.LoadedProgram;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A source reader's tenant on its device's shared megakernel runtime ({@link DeviceRuntimes}) and what it
 * made resident: the program variants and one capability handle per file, shared by every split of that
 * file the reader holds and released when the last one finishes. Opened when the reader starts (or when a
 * restored split is fetched before that, since Flink adds restored splits before it starts the reader),
 * closed with the reader: that drains only this tenant, the runtime stays for the other subtasks.
 */
final class RuntimeHolder implements AutoCloseable {
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

    /** One registered file: its handle (-1 until first read), its bound, and how many splits use it. */
    private static final class FileHandle {
        int handle = -1;
        long size;
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

    /** A split of {@code path} starts using the file's handle. */
    synchronized void retain(String path) {
        files.computeIfAbsent(path, p -> new FileHandle()).users++;
    }

    /**
     * The handle of {@code path} and its bound, registered on first use; with {@code refresh} the bound
     * follows the file's current size (a tailed file that grew) without invalidating queued reads.
     *
     * @return {handle, size the kernel may read}
     */
    synchronized long[] file(String path, boolean refresh) throws IOException {
        FileHandle f = files.computeIfAbsent(path, p -> new FileHandle());
        if (f.handle < 0) {
            Path file = Path.of(path);
            if (tenant == null && !closed) {
                open(file);
            }
            f.handle = tenant().registerFileForRead(file);
            f.size = tenant().boundBytes(f.handle);
        } else if (refresh) {
            f.size = tenant().refreshFileBounds(f.handle);
        }
        return new long[] {f.handle, f.size};
    }

    /** A split of {@code path} is done with it; the handle goes when no split of the file is left. */
    synchronized void release(String path) {
        FileHandle f = files.get(path);
        if (f == null || --f.users > 0) {
            return;
        }
        files.remove(path);
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
