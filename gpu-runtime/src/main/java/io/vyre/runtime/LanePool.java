package io.vyre.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * A runtime's lanes: taken, given back, and held back while IO into them may still land. A lane comes back
 * quarantined when a request into its ingest buffer is still open (the kernel gave up waiting for it, or a
 * copy to device memory is on its way): handing it out then would let the late bytes overwrite the next
 * user's input. It returns to the free lanes once nothing is on its way into it.
 */
final class LanePool {
    private static final long QUARANTINE_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final String owner;
    private final List<Lane> all;
    private final BlockingQueue<Lane> free;
    private final List<Lane> quarantined = new ArrayList<>();
    private final IntPredicate ioOpenInto;

    /**
     * @param ioOpenInto whether IO into a buffer handle is still open (requested, in flight, or being copied)
     */
    LanePool(String owner, List<Lane> lanes, IntPredicate ioOpenInto) {
        this.owner = owner;
        this.all = List.copyOf(lanes);
        this.free = new ArrayBlockingQueue<>(Math.max(1, lanes.size()), false, lanes);
        this.ioOpenInto = ioOpenInto;
    }

    List<Lane> all() {
        return all;
    }

    Lane acquire(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean waitingOnQuarantine = releaseLanded();
            long left = deadline - System.nanoTime();
            Lane lane = free.poll(waitingOnQuarantine ? Math.min(left, QUARANTINE_RECHECK_NANOS) : left,
                TimeUnit.NANOSECONDS);
            if (lane != null) {
                return lane;
            }
            if (System.nanoTime() - deadline >= 0) {
                int held = quarantinedCount();
                throw new VyreRuntimeException(owner + ": no lane became free within " + timeout + "; all " + all.size()
                    + " are in use" + (held > 0 ? " (" + held + " held back until IO the kernel gave up on lands in"
                    + " them)" : "") + ": release lanes after reading their results");
            }
        }
    }

    void release(Lane lane) {
        if (ioOpenInto.test(lane.ingestHandle())) {
            synchronized (quarantined) {
                quarantined.add(lane);
            }
        } else {
            free.add(lane);
        }
    }

    int quarantinedCount() {
        synchronized (quarantined) {
            return quarantined.size();
        }
    }

    /** Frees the quarantined lanes nothing is on its way into any more; true while some stay quarantined. */
    private boolean releaseLanded() {
        synchronized (quarantined) {
            for (Iterator<Lane> it = quarantined.iterator(); it.hasNext(); ) {
                Lane lane = it.next();
                if (!ioOpenInto.test(lane.ingestHandle())) {
                    it.remove();
                    free.add(lane);
                }
            }
            return !quarantined.isEmpty();
        }
    }
}
