package io.vyre.runtime.testing;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.protocol.IoCompletion;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.IoRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The test plays the host side of the IO queue for a runtime opened with {@code serveIoQueue(false)}: it
 * claims the kernel's requests and completes them when, and how, the test says (late, short, wrong).
 */
public final class HostIoServer {
    private final VyreRuntime rt;
    private final IoRequest[] claimBuffer;

    public HostIoServer(VyreRuntime rt) {
        this.rt = rt;
        this.claimBuffer = new IoRequest[rt.ioQueue().slotCount()];
    }

    /** Claims requests until {@code count} were claimed by this call; fails after {@code timeout}. */
    public List<IoRequest> claim(int count, Duration timeout) {
        List<IoRequest> claimed = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (claimed.size() < count) {
            int n = rt.ioQueue().claimInto(claimBuffer);
            for (int i = 0; i < n; i++) {
                claimed.add(claimBuffer[i]);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the kernel posted " + claimed.size() + " of " + count + " IO requests within "
                    + timeout);
            }
            Thread.onSpinWait();
        }
        return claimed;
    }

    public IoRequest claimOne(Duration timeout) {
        return claim(1, timeout).get(0);
    }

    /** Completes a READ: fills the destination buffer with {@code bytes}, then publishes OK with their count. */
    public void completeRead(IoRequest request, byte[] bytes) {
        rt.capabilities().destination(request.dstHandle()).buffer().buffer().putBytes(0, bytes);
        rt.completeIo(request, IoCompletion.ok(request, bytes.length));
    }

    /** Publishes OK for whatever the request asked (fills nothing). */
    public void completeOk(IoRequest request) {
        rt.completeIo(request, IoCompletion.ok(request, request.byteCount()));
    }

    public void complete(IoRequest request, IoCompletion completion) {
        rt.completeIo(request, completion);
    }

    public void fail(IoRequest request, IoError error, int bytesValid) {
        rt.completeIo(request, IoCompletion.error(request, error, bytesValid));
    }
}
