package io.vyre.runtime.io;

import io.vyre.runtime.memory.NativeBuffer;

/**
 * Called on the pump thread after a READ filled an ingest buffer and before the completion is published,
 * so a backend can move the bytes where its kernel reads them (the CUDA backend copies them to device
 * memory with the copy engine).
 */
@FunctionalInterface
public interface IoCompletionHook {
    IoCompletionHook NONE = (handle, buffer, bytes) -> { };

    void readCompleted(int bufferHandle, NativeBuffer buffer, int bytes);
}
