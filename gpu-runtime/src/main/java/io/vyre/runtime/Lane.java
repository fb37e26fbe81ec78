package io.vyre.runtime;

import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.memory.OutputRegion;

/**
 * One invocation's worth of memory: an ingest buffer the kernel reads its input from (registered in
 * both capability tables) and an output region it emits into. Borrowed from a runtime with
 * {@link VyreRuntime#acquireLane}, given back with {@link VyreRuntime#releaseLane}.
 *
 * @param index        the lane's index in its runtime
 * @param ingestHandle the ingest buffer's capability handle (the dst of LOAD_MISS, the buffer of INPUT)
 * @param ingest       the ingest buffer
 * @param output       the output region
 */
public record Lane(int index, int ingestHandle, NativeBuffer ingest, OutputRegion output) {
}
