package io.vyre.flink.source.reader;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.program.LoadedProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A source reader's megakernel runtime and what it made resident: the program variants and one capability
 * handle per file (re-registered when a tailed file grows). Opened when the reader starts, closed with it.
 */
final class RuntimeHolder implements AutoCloseable {
    private final VyreRuntimeSettings settings;
    private final VyreProgram<?> program;
    private final String name;
    private final int subtask;
    private final Map<Integer, LoadedProgram> loaded = new HashMap<>();
    private final Map<String, long[]> files = new HashMap<>();
    private volatile VyreRuntime runtime;

    RuntimeHolder(VyreRuntimeSettings settings, VyreProgram<?> program, String name, int subtask) {
        this.settings = settings;
        this.program = program;
        this.name = name;
        this.subtask = subtask;
    }

    synchronized void open() {
        if (runtime == null) {
            runtime = VyreRuntime.open(settings.toContext(name + "-" + subtask, subtask));
        }
    }

    VyreRuntime runtime() {
        VyreRuntime rt = runtime;
        if (rt == null) {
            throw new IllegalStateException("the Vyre source reader has not started");
        }
        return rt;
    }

    VyreRuntime runtimeOrNull() {
        return runtime;
    }

    synchronized LoadedProgram program(int flags) {
        return loaded.computeIfAbsent(flags, f -> runtime().load(program.program(f)));
    }

    /**
     * The handle of {@code path}, registered with its current size; a file that grew since is registered
     * again so the kernel may read the new bytes.
     *
     * @return {handle, size at registration}
     */
    synchronized long[] file(String path, boolean refresh) throws IOException {
        long[] known = files.get(path);
        if (known != null && !refresh) {
            return known;
        }
        long size = Files.size(Path.of(path));
        if (known != null && known[1] == size) {
            return known;
        }
        if (known != null) {
            runtime().releaseHandle((int) known[0]);
        }
        long[] fresh = {runtime().registerFileForRead(Path.of(path)), size};
        files.put(path, fresh);
        return fresh;
    }

    synchronized void release(String path) {
        long[] known = files.remove(path);
        if (known != null && runtime != null) {
            runtime.releaseHandle((int) known[0]);
        }
    }

    @Override
    public synchronized void close() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
