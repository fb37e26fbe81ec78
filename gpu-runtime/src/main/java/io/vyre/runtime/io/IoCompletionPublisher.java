package io.vyre.runtime.io;

import io.vyre.runtime.protocol.IoCompletion;
import io.vyre.runtime.protocol.IoRequest;
import io.vyre.runtime.protocol.MegakernelIoQueue;

/**
 * Hands the host's completion of an IO request to the kernel. Whoever serves the IO queue (the runtime's
 * {@link IoPumpAgent}, or an application serving it itself) completes every claimed request through the
 * backend's publisher, never by writing the queue directly: the CPU megakernel reads completions from the
 * queue's slot words, while the CUDA backend first moves a READ's bytes into device memory with the copy
 * engine and signals its kernel in device memory, in stream order after the bytes.
 */
public interface IoCompletionPublisher {

    /**
     * Publishes the completion of a claimed request. For a successful READ, the request's destination
     * buffer holds the bytes.
     */
    void publish(IoRequest request, IoCompletion completion);

    /**
     * Whether everything published into {@code bufferHandle} has landed where the kernel reads it, so the
     * host may write the buffer again (a copy to device memory may still be on its way after publishing).
     */
    default boolean landed(int bufferHandle) {
        return true;
    }

    /** A publisher for kernels that read completions straight from the queue (the CPU megakernel). */
    static IoCompletionPublisher into(MegakernelIoQueue queue) {
        return (request, completion) -> queue.complete(completion);
    }
}
