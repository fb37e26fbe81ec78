package io.vyre.runtime.backend.cuda;

/**
 * The kernel's hot counters in device memory, each on a 128-byte line of its own because blocks spin on
 * them: {@code DC_<NAME>} in vyre_protocol.h is the word offset of the counter within COUNTERS.
 */
enum DeviceCounter {
    /** Set by the ring warp once it saw SHUTDOWN: every block winds down. */
    STOP,
    /** Worker blocks that have left their loop. */
    EXITED,
    /** Next free entry of the completion queue. */
    COMPLETION_TAIL,
    /** Where a worker starts probing for a free IO slot. */
    IO_PROBE,
    /** Shared MATCH jobs on the job board. */
    ACTIVE_JOBS,
    /** Heads of the ready queues, one per priority level (READY_HEAD + priority). */
    READY_HEAD(KernelContract.PRIORITY_LEVELS),
    /** Tails of the ready queues, one per priority level. */
    READY_TAIL(KernelContract.PRIORITY_LEVELS);

    static final int LINE_WORDS = 32;

    private final int count;

    DeviceCounter() {
        this(1);
    }

    DeviceCounter(int count) {
        this.count = count;
    }

    int count() {
        return count;
    }

    /** Word offset of the first of this counter's lines. */
    int wordOffset() {
        int lines = 0;
        for (DeviceCounter c : values()) {
            if (c == this) {
                return lines * LINE_WORDS;
            }
            lines += c.count;
        }
        throw new AssertionError(this);
    }

    static int totalWords() {
        int lines = 0;
        for (DeviceCounter c : values()) {
            lines += c.count;
        }
        return lines * LINE_WORDS;
    }
}
