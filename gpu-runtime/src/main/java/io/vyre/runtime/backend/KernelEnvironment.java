package io.vyre.runtime.backend;

import io.vyre.runtime.io.CallerReads;
import io.vyre.runtime.io.IoCapabilities;
import io.vyre.runtime.memory.OutputRegions;
import io.vyre.runtime.program.ProgramTable;
import io.vyre.runtime.protocol.ControlBlock;
import io.vyre.runtime.protocol.MegakernelIoQueue;
import org.agrona.concurrent.AtomicBuffer;

/**
 * Everything a backend's kernel may touch: the shared words (ring, control block, IO queue) and the
 * tables through which handles resolve. Nothing else is reachable from the kernel.
 *
 * @param name         the owner's name, for thread names and logs
 * @param ring         the work ring's memory
 * @param ringCapacity slots in the ring
 * @param control      the control block
 * @param ioQueue      the IO queue (kernel posts, host pump completes)
 * @param capabilities the two IO capability tables (ingest buffers and files)
 * @param outputs      output regions
 * @param programs     loaded programs and constants
 * @param limits       per-invocation bounds
 * @param waiters      host threads waiting for slots, which a backend that {@link MegakernelBackend#wakesWaiters()
 *                     wakes} tells of every slot it completes
 * @param callerReads  the host's leave for a kernel thread to serve its own READs (a CPU worker reads its slot's
 *                     bytes itself), or {@code null}: a pump serves every request
 */
public record KernelEnvironment(String name, AtomicBuffer ring, int ringCapacity, ControlBlock control,
                                MegakernelIoQueue ioQueue, IoCapabilities capabilities, OutputRegions outputs,
                                ProgramTable programs, KernelLimits limits, SlotWaiters waiters,
                                CallerReads callerReads) {
}
