package io.vyre.runtime.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The word layouts are a wire format shared with the CUDA kernel: they must not drift. */
class LayoutTest {

    @Test
    void shouldKeepVyreSlotLayout() {
        assertThat(WorkRingDescriptor.SLOT_WORDS).isEqualTo(16);
        assertThat(WorkRingDescriptor.STATUS_WORD).isZero();
        assertThat(WorkRingDescriptor.OPCODE_WORD).isEqualTo(1);
        assertThat(WorkRingDescriptor.TENANT_WORD).isEqualTo(2);
        assertThat(WorkRingDescriptor.PRIORITY_WORD).isEqualTo(3);
        assertThat(WorkRingDescriptor.ARG0_WORD).isEqualTo(4);
        assertThat(WorkRingDescriptor.ARG0_WORD + WorkRingDescriptor.ARG_COUNT).isEqualTo(WorkRingDescriptor.SEQUENCE_WORD);
        assertThat(WorkRingDescriptor.DETAIL_WORD).isEqualTo(WorkRingDescriptor.SLOT_WORDS - 1);
        assertThat(WorkRingDescriptor.wordOffset(3, 5)).isEqualTo(3 * 64 + 20);
        assertThat(new int[] {WorkRingDescriptor.EMPTY, WorkRingDescriptor.PUBLISHED, WorkRingDescriptor.CLAIMED,
            WorkRingDescriptor.DONE}).containsExactly(0, 1, 2, 3);
    }

    @Test
    void shouldKeepVyreControlWordIndices() {
        assertThat(ControlBlockDescriptor.SHUTDOWN).isZero();
        assertThat(ControlBlockDescriptor.DONE_COUNT).isEqualTo(1);
        assertThat(ControlBlockDescriptor.TENANT_BASE).isEqualTo(2);
        assertThat(ControlBlockDescriptor.TENANT_QUOTA_BASE).isEqualTo(32);
        assertThat(ControlBlockDescriptor.TENANT_FAIRNESS_BASE).isEqualTo(64);
        assertThat(ControlBlockDescriptor.METRICS_BASE).isEqualTo(96);
        assertThat(ControlBlockDescriptor.EPOCH).isEqualTo(128);
        assertThat(ControlBlockDescriptor.PRIORITY_OFFSETS_BASE).isEqualTo(129);
    }

    @Test
    void shouldKeepControlRegionsDisjointAndOrdered() {
        assertThat(ControlBlockDescriptor.TENANT_BASE + ControlBlockDescriptor.TENANT_COUNT)
            .isLessThanOrEqualTo(ControlBlockDescriptor.TENANT_QUOTA_BASE);
        assertThat(ControlBlockDescriptor.TENANT_QUOTA_BASE + ControlBlockDescriptor.TENANT_COUNT)
            .isLessThanOrEqualTo(ControlBlockDescriptor.TENANT_FAIRNESS_BASE);
        assertThat(ControlBlockDescriptor.TENANT_FAIRNESS_BASE + ControlBlockDescriptor.TENANT_FAIRNESS_SLOTS)
            .isLessThanOrEqualTo(ControlBlockDescriptor.METRICS_BASE);
        assertThat(ControlBlockDescriptor.METRICS_BASE + ControlBlockDescriptor.METRICS_SLOTS)
            .isLessThanOrEqualTo(ControlBlockDescriptor.EPOCH);
        assertThat(ControlBlockDescriptor.PRIORITY_OFFSETS_BASE + ControlBlockDescriptor.PRIORITY_OFFSETS_SLOTS)
            .isLessThanOrEqualTo(ControlBlockDescriptor.HEARTBEAT);
        assertThat(ControlBlockDescriptor.WORKERS).isLessThan(ControlBlockDescriptor.OBSERVABLE_BASE);
    }

    @Test
    void shouldKeepSeedIoQueueLayout() {
        assertThat(IoQueueDescriptor.SLOT_WORDS).isEqualTo(8);
        assertThat(IoQueueDescriptor.DEFAULT_SLOT_COUNT).isEqualTo(64);
        assertThat(new int[] {IoQueueDescriptor.OP_TYPE, IoQueueDescriptor.SRC_HANDLE, IoQueueDescriptor.DST_HANDLE,
            IoQueueDescriptor.OFFSET_LO, IoQueueDescriptor.OFFSET_HI, IoQueueDescriptor.BYTE_COUNT,
            IoQueueDescriptor.STATUS, IoQueueDescriptor.TAG}).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(new int[] {IoQueueDescriptor.OP_READ, IoQueueDescriptor.OP_WRITE, IoQueueDescriptor.OP_FENCE})
            .containsExactly(0x01, 0x02, 0x03);
        assertThat(IoQueueDescriptor.STATUS_OK).isEqualTo(0x10);
        assertThat(IoQueueDescriptor.STATUS_ERROR).isEqualTo(0x11);
        assertThat(IoQueueDescriptor.IO_SOURCE_CAPABILITY_TABLE).isEqualTo("io_source_capability_table");
        assertThat(IoQueueDescriptor.IO_DESTINATION_CAPABILITY_TABLE).isEqualTo("io_destination_capability_table");
    }

    @Test
    void shouldRejectRingCapacitiesThatAreNotPowersOfTwo() {
        assertThatThrownBy(() -> WorkRingDescriptor.checkCapacity(100))
            .hasMessageContaining("100").hasMessageContaining("power of two");
        assertThatThrownBy(() -> WorkRingDescriptor.checkCapacity(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
