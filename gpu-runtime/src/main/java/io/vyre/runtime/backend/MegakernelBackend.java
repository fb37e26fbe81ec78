package io.vyre.runtime.backend;

import io.vyre.runtime.io.Capability;
import io.vyre.runtime.io.IoCompletionPublisher;
import io.vyre.runtime.memory.OutputRegion;
import java.util.List;
import io.vyre.runtime.program.LoadedProgram;

/**
 * A megakernel: something that, once launched, claims work-ring slots, interprets their VIR0, asks for
 * data through the IO queue and completes the slots, until the control block's SHUTDOWN word is set.
 * The host never calls into it per slot; it only writes the ring.
 */
public interface MegakernelBackend extends AutoCloseable {
    BackendKind kind();

    /** What runs, for logs and metrics (e.g. "cpu megakernel, 4 workers"). */
    String description();

    /** What runs MATCH over literal sets (e.g. "vectorscan 5.4.11", "java-dfa", "cuda-dfa"), for logs and metrics. */
    String matchEngine();

    /** Starts the kernel over {@code environment}; returns once it is running. */
    void launch(KernelEnvironment environment);

    /** Makes a program's constants resident where the kernel reads them (device memory on a GPU). */
    void programLoaded(LoadedProgram program);

    void programUnloaded(LoadedProgram program);

    /**
     * Where IO completions go: whoever serves the IO queue publishes every completion through this (valid
     * once the kernel is launched, which is before it can post a request).
     */
    IoCompletionPublisher ioCompletions();

    /**
     * The host wrote the first {@code bytes} of an ingest buffer for an INPUT: move them where the kernel reads
     * them (the CUDA backend copies them to device memory with the copy engine; the CPU reads host memory).
     */
    default void stageInput(int bufferHandle, int bytes) {
    }

    /**
     * Lanes were added while the kernel runs (a tenant opened): make their ingest buffers and output regions
     * resolvable by the kernel before any slot names them (the CUDA backend page-locks and maps them and
     * gives each buffer a device mirror; the CPU resolves them through the tables as they are).
     */
    default void lanesAdded(List<Capability> ingestBuffers, List<OutputRegion> outputs) {
    }

    /** A capability handle was released: the kernel must not resolve it any more. */
    default void handleReleased(int handle) {
    }

    /**
     * A tenant joined that needs this many workers: a backend with a pool of worker threads (the CPU
     * megakernel) grows it to at least that; a GPU's blocks are fixed at launch.
     */
    default void workersWanted(int workers) {
    }

    /**
     * Whether the kernel calls {@link SlotWaiters#done} for every slot it completes, so that host threads waiting for
     * a slot may park until then (a kernel in this process); otherwise they poll the ring.
     */
    default boolean wakesWaiters() {
        return false;
    }

    /**
     * Null when the kernel is healthy; otherwise why it stopped (a fault, a lost device). The runtime fails
     * waiting callers with this reason.
     */
    String fault();

    /**
     * Whether the memory the kernel shared with the host may be freed after {@link #close()}: false when the
     * kernel did not stop and may still write into it (the runtime then leaks it rather than risk a crash).
     */
    default boolean sharedMemoryReleasable() {
        return true;
    }

    /** Sets SHUTDOWN, waits a bounded time for the kernel to exit and releases what it holds. Always returns. */
    @Override
    void close();
}
