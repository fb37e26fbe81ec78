package io.vyre.runtime.io;

import io.vyre.runtime.memory.NativeBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * FileChannel IO whose read completions (and, when asked, file syncs) are held back until the test releases
 * them: a slow disk on demand.
 */
final class HeldReadsFileIo extends ForwardingFileIo {
    private final Set<Long> readTokens = new HashSet<>();
    private final List<long[]> held = new ArrayList<>();
    private volatile boolean holding = true;
    private volatile boolean holdSyncs;

    /** Holds file syncs too (until {@link #release()}). */
    HeldReadsFileIo holdingSyncs() {
        holdSyncs = true;
        return this;
    }

    void release() {
        holding = false;
    }

    int heldReads() {
        return held.size();
    }

    @Override
    public void read(long token, int fileId, long fileOffset, NativeBuffer into, int bufferOffset, int length) {
        readTokens.add(token);
        delegate.read(token, fileId, fileOffset, into, bufferOffset, length);
    }

    @Override
    public void sync(long token, int fileId) {
        if (holdSyncs) {
            readTokens.add(token);
        }
        delegate.sync(token, fileId);
    }

    @Override
    public int poll(CompletionSink sink) {
        int n = delegate.poll((token, result) -> {
            if (readTokens.remove(token)) {
                held.add(new long[] {token, result});
            } else {
                sink.complete(token, result);
            }
        });
        if (!holding) {
            for (long[] h : held) {
                sink.complete(h[0], h[1]);
            }
            n += held.size();
            held.clear();
        }
        return n;
    }

    @Override
    public int inFlight() {
        return delegate.inFlight() + held.size();
    }
}
