package io.vyre.runtime.backend;

/**
 * Per-invocation bounds every backend enforces the same way.
 *
 * @param maxRecords records one input may frame into before TOO_MANY_RECORDS
 * @param maxMatches matches one MATCH may collect before OUTPUT_OVERFLOW
 * @param ioWaitNanos how long an op waits for an IO completion before failing IO_ERROR
 */
public record KernelLimits(int maxRecords, int maxMatches, long ioWaitNanos) {
    public static final KernelLimits DEFAULT = new KernelLimits(1 << 18, 1 << 20, 60_000_000_000L);

    public KernelLimits {
        if (maxRecords < 1 || maxMatches < 1 || ioWaitNanos < 1) {
            throw new IllegalArgumentException("kernel limits must be positive: " + maxRecords + ", " + maxMatches
                + ", " + ioWaitNanos);
        }
    }
}
