package io.vyre.runtime.protocol;

import static io.vyre.runtime.protocol.ControlBlockDescriptor.*;

import org.agrona.concurrent.AtomicBuffer;

/**
 * Flyweight over a control block laid out as {@link ControlBlockDescriptor} describes. Host-owned words
 * have setters; kernel-owned words are read here and written by the backends.
 */
public final class ControlBlock {
    private final AtomicBuffer buffer;

    public ControlBlock(AtomicBuffer buffer) {
        if (buffer.capacity() < BYTE_LENGTH) {
            throw new IllegalArgumentException("control block needs " + BYTE_LENGTH + " bytes, the buffer has "
                + buffer.capacity());
        }
        this.buffer = buffer;
    }

    /** Writes the defaults: every tenant denied but tenant 0, unlimited quotas, all counters zero. */
    public void initialize() {
        buffer.setMemory(0, BYTE_LENGTH, (byte) 0);
        for (int t = 0; t < TENANT_COUNT; t++) {
            buffer.putIntVolatile(offset(tenantQuotaWord(t)), QUOTA_UNLIMITED);
        }
        allowTenant(0);
    }

    public AtomicBuffer buffer() {
        return buffer;
    }

    public int word(int word) {
        return buffer.getIntVolatile(offset(word));
    }

    public void requestShutdown() {
        buffer.putIntVolatile(offset(SHUTDOWN), 1);
    }

    public boolean isShutdownRequested() {
        return buffer.getIntVolatile(offset(SHUTDOWN)) != 0;
    }

    public long doneCount() {
        return Integer.toUnsignedLong(word(DONE_COUNT));
    }

    public long failedCount() {
        return Integer.toUnsignedLong(word(FAILED_COUNT));
    }

    public void allowTenant(int tenant) {
        buffer.putIntVolatile(offset(tenantMaskWord(checkTenant(tenant))), 0xFFFF_FFFF);
        advanceControlGeneration();
    }

    public void denyTenant(int tenant) {
        buffer.putIntVolatile(offset(tenantMaskWord(checkTenant(tenant))), 0);
        advanceControlGeneration();
    }

    public boolean isTenantAllowed(int tenant) {
        return tenant >= 0 && tenant < TENANT_COUNT && word(tenantMaskWord(tenant)) != 0;
    }

    public void setTenantQuota(int tenant, long slots) {
        if (slots < 0 || slots > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("quota " + slots + " is outside [0, 2^32-1]");
        }
        buffer.putIntVolatile(offset(tenantQuotaWord(checkTenant(tenant))), (int) slots);
        advanceControlGeneration();
    }

    public long tenantQuota(int tenant) {
        return Integer.toUnsignedLong(word(tenantQuotaWord(checkTenant(tenant))));
    }

    public long tenantExecutions(int tenant) {
        return Integer.toUnsignedLong(word(fairnessWord(checkTenant(tenant))));
    }

    public long metric(int metricIndex) {
        if (metricIndex < 0 || metricIndex >= METRICS_SLOTS) {
            throw new IllegalArgumentException("metric index " + metricIndex + " is outside [0, " + METRICS_SLOTS + ")");
        }
        return Integer.toUnsignedLong(word(metricWord(metricIndex)));
    }

    public int epoch() {
        return word(EPOCH);
    }

    public void advanceEpoch() {
        buffer.getAndAddInt(offset(EPOCH), 1);
    }

    public int heartbeat() {
        return word(HEARTBEAT);
    }

    /** The kernel side: a worker that is alive (working, idle or waiting on the host) advances the heartbeat. */
    public void beat() {
        buffer.getAndAddInt(offset(HEARTBEAT), 1);
    }

    public int doorbell() {
        return word(DOORBELL);
    }

    public int kernelState() {
        return word(KERNEL_STATE);
    }

    public int faultCode() {
        return word(FAULT_CODE);
    }

    public int workers() {
        return word(WORKERS);
    }

    public int observable(int index) {
        return word(OBSERVABLE_BASE + checkObservable(index));
    }

    public void setObservable(int index, int value) {
        buffer.putIntVolatile(offset(OBSERVABLE_BASE + checkObservable(index)), value);
        advanceControlGeneration();
    }

    /** Announces host writes of tenant masks, quotas or observable words (after the words are written). */
    private void advanceControlGeneration() {
        buffer.getAndAddInt(offset(CONTROL_GENERATION), 1);
    }

    public int controlGeneration() {
        return word(CONTROL_GENERATION);
    }

    private static int checkTenant(int tenant) {
        if (tenant < 0 || tenant >= TENANT_COUNT) {
            throw new IllegalArgumentException("tenant " + tenant + " is outside [0, " + TENANT_COUNT + ")");
        }
        return tenant;
    }

    private static int checkObservable(int index) {
        if (index < 0 || index >= OBSERVABLE_WORDS) {
            throw new IllegalArgumentException("observable word " + index + " is outside [0, " + OBSERVABLE_WORDS + ")");
        }
        return index;
    }
}
