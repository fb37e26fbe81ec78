package io.vyre.runtime.protocol;

/**
 * Layout of the control block: {@link #CONTROL_WORDS} little-endian u32 words shared by host and kernel.
 * Word indices 0-134 keep vyre-runtime 0.6.3's numbering.
 *
 * <pre>
 *   word   0        SHUTDOWN        host: non-zero asks the kernel to exit on its next iteration
 *   word   1        DONE_COUNT      kernel: +1 per slot drained (DONE), failed ones included
 *   words  2-31     TENANT_MASK[t]  host: non-zero allows tenant t; a denied slot ends DONE + TENANT_DENIED
 *   words 32-61     TENANT_QUOTA[t] host: most slots tenant t may run; QUOTA_UNLIMITED by default
 *   words 64-95     FAIRNESS[t]     kernel: slots run per tenant (compared against the quota)
 *   words 96-127    METRICS[m]      kernel: executions per opcode, m = Opcode.metricIndex()
 *   word 128        EPOCH           host: +1 per published batch
 *   words 129-134   PRIORITY_OFFSETS reserved (vyre-runtime ring partitions; unused here)
 *   word 135        HEARTBEAT       kernel: advances on every scheduling iteration
 *   word 136        DOORBELL        host: number of slots published so far (the published tail)
 *   word 137        KERNEL_STATE    kernel: STATE_* below
 *   word 138        FAULT_CODE      kernel: why it stopped when KERNEL_STATE is STATE_FAULTED
 *   word 139        FAILED_COUNT    kernel: slots that ended with a non-zero ERROR word
 *   word 140        WORKERS         kernel: workers (CPU threads or GPU blocks) running
 *   word 141        CONTROL_GENERATION host: +1 after each host write of a tenant mask, quota or observable
 *                                   word; a kernel that keeps copies of them re-reads them when it changes
 *   words 256-319   OBSERVABLE      scratch words the scalar opcodes may read and write
 * </pre>
 *
 * On the CUDA backend the kernel-written words are mirrored by one warp from device memory, so each
 * host-visible word has one writer; the host must never write a kernel-owned word. Observable words are
 * the exception that proves it: both sides may write them (the last write wins, as on the CPU); the CUDA
 * kernel imports the host's writes, announced by CONTROL_GENERATION, before it runs any slot published
 * after them.
 */
public final class ControlBlockDescriptor {
    public static final int SHUTDOWN = 0;
    public static final int DONE_COUNT = 1;
    public static final int TENANT_BASE = 2;
    public static final int TENANT_QUOTA_BASE = 32;
    public static final int TENANT_FAIRNESS_BASE = 64;
    public static final int TENANT_FAIRNESS_SLOTS = 32;
    public static final int METRICS_BASE = 96;
    public static final int METRICS_SLOTS = 32;
    public static final int EPOCH = 128;
    public static final int PRIORITY_OFFSETS_BASE = 129;
    public static final int PRIORITY_OFFSETS_SLOTS = 6;
    public static final int HEARTBEAT = 135;
    public static final int DOORBELL = 136;
    public static final int KERNEL_STATE = 137;
    public static final int FAULT_CODE = 138;
    public static final int FAILED_COUNT = 139;
    public static final int WORKERS = 140;
    public static final int CONTROL_GENERATION = 141;
    public static final int OBSERVABLE_BASE = 256;
    public static final int OBSERVABLE_WORDS = 64;
    public static final int CONTROL_WORDS = OBSERVABLE_BASE + OBSERVABLE_WORDS;
    public static final int BYTE_LENGTH = CONTROL_WORDS * Integer.BYTES;

    /** Tenants are numbered 0..TENANT_COUNT-1: the mask table spans words 2..31. */
    public static final int TENANT_COUNT = TENANT_QUOTA_BASE - TENANT_BASE;
    public static final int QUOTA_UNLIMITED = 0xFFFF_FFFF;

    public static final int STATE_NOT_STARTED = 0;
    public static final int STATE_RUNNING = 1;
    public static final int STATE_EXITED = 2;
    public static final int STATE_FAULTED = 3;

    private ControlBlockDescriptor() {
    }

    public static int offset(int word) {
        return word * Integer.BYTES;
    }

    public static boolean isObservable(long word) {
        return word >= OBSERVABLE_BASE && word < CONTROL_WORDS;
    }

    public static int tenantMaskWord(int tenant) {
        return TENANT_BASE + tenant;
    }

    public static int tenantQuotaWord(int tenant) {
        return TENANT_QUOTA_BASE + tenant;
    }

    public static int fairnessWord(int tenant) {
        return TENANT_FAIRNESS_BASE + tenant;
    }

    public static int metricWord(int metricIndex) {
        return METRICS_BASE + metricIndex;
    }
}
