package io.vyre.runtime.protocol;

import static io.vyre.runtime.protocol.IoQueueDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The host surface of the seed's IO queue, with the test playing the kernel. */
class MegakernelIoQueueTest {
    private UnsafeBuffer bytes;
    private MegakernelIoQueue queue;

    @BeforeEach
    void setUp() {
        bytes = new UnsafeBuffer(ByteBuffer.allocateDirect(byteLength(8)));
        queue = new MegakernelIoQueue(bytes, 8);
    }

    private void post(int slot, int op, int src, int dst, long offset, int count, int tag) {
        bytes.putInt(wordOffset(slot, OP_TYPE), op);
        bytes.putInt(wordOffset(slot, SRC_HANDLE), src);
        bytes.putInt(wordOffset(slot, DST_HANDLE), dst);
        bytes.putInt(wordOffset(slot, OFFSET_LO), (int) offset);
        bytes.putInt(wordOffset(slot, OFFSET_HI), (int) (offset >>> 32));
        bytes.putInt(wordOffset(slot, BYTE_COUNT), count);
        bytes.putInt(wordOffset(slot, TAG), tag);
        bytes.putIntRelease(wordOffset(slot, STATUS), WorkRingDescriptor.PUBLISHED);
    }

    @Test
    void shouldPollPublishedRequestsWithoutClaimingThem() {
        post(2, OP_READ, 7, 9, 5_000_000_000L, 4096, 42);
        List<IoRequest> polled = queue.poll();
        assertThat(polled).containsExactly(new IoRequest(2, OP_READ, 7, 9, 5_000_000_000L, 4096, 42));
        assertThat(queue.status(2)).isEqualTo(WorkRingDescriptor.PUBLISHED);
        IoRequest[] into = new IoRequest[4];
        assertThat(queue.pollInto(into)).isEqualTo(1);
    }

    @Test
    void shouldClaimIntoTheCallersArrayUpToItsLength() {
        post(0, OP_READ, 1, 2, 0, 10, 0);
        post(3, OP_WRITE, 2, 1, 64, 10, 0);
        post(5, OP_FENCE, 0, 0, 0, 0, 0);
        IoRequest[] into = new IoRequest[2];
        assertThat(queue.claimInto(into)).isEqualTo(2);
        assertThat(into[0].slot()).isZero();
        assertThat(into[1].slot()).isEqualTo(3);
        assertThat(queue.status(0)).isEqualTo(WorkRingDescriptor.CLAIMED);
        assertThat(queue.status(5)).isEqualTo(WorkRingDescriptor.PUBLISHED);
        assertThat(queue.claimInto(into)).isEqualTo(1);
        assertThat(into[0].op()).isEqualTo(OP_FENCE);
    }

    @Test
    void shouldClaimOnlyTheShardsPartitionsBelowTheLimit() {
        queue = new MegakernelIoQueue(bytes, 8, 4);  // partitions of 2 slots: {0,1} {2,3} {4,5} {6,7}
        post(1, OP_READ, 1, 2, 0, 10, 0);
        post(2, OP_READ, 1, 2, 0, 10, 0);
        post(4, OP_READ, 1, 2, 0, 10, 0);
        post(6, OP_READ, 1, 2, 0, 10, 0);
        IoRequest[] into = new IoRequest[8];
        assertThat(queue.claimInto(into, 0, 2, 3)).as("shard 0 of 2, partitions below 3: 0 and 2").isEqualTo(2);
        assertThat(into[0].slot()).isEqualTo(1);
        assertThat(into[1].slot()).isEqualTo(4);
        assertThat(queue.claimInto(into, 1, 2, 3)).as("shard 1: partition 1 only (3 is past the limit)").isEqualTo(1);
        assertThat(into[0].slot()).isEqualTo(2);
        assertThat(queue.status(6)).isEqualTo(WorkRingDescriptor.PUBLISHED);
        assertThat(queue.claimInto(into, 1, 2, 4)).isEqualTo(1);
        assertThat(into[0].slot()).isEqualTo(6);
    }

    @Test
    void shouldPeekPublishedAndClaimedSlotsOnly() {
        post(1, OP_READ, 1, 2, 0, 10, 3);
        assertThat(queue.peek(1).tag()).isEqualTo(3);
        assertThat(queue.peek(0)).isNull();
        assertThat(queue.tryPeek(99)).isNull();
        assertThatThrownBy(() -> queue.peek(99)).isInstanceOf(IoQueueException.class)
            .hasMessageContaining("SLOT_OUT_OF_RANGE");
    }

    @Test
    void shouldCompleteAClaimedRequestWithBytesAndTag() {
        post(4, OP_READ, 1, 2, 0, 100, 77);
        IoRequest[] into = new IoRequest[1];
        queue.claimInto(into);
        queue.complete(IoCompletion.ok(into[0], 60));
        assertThat(queue.status(4)).isEqualTo(STATUS_OK);
        assertThat(bytes.getInt(wordOffset(4, BYTE_COUNT))).isEqualTo(60);
        assertThat(bytes.getInt(wordOffset(4, TAG))).isEqualTo(77);
    }

    @Test
    void shouldPutTheErrorCodeInTheTagWord() {
        post(4, OP_READ, 1, 2, 0, 100, 77);
        IoRequest[] into = new IoRequest[1];
        queue.claimInto(into);
        queue.complete(IoCompletion.error(into[0], IoError.OUT_OF_BOUNDS, 0));
        assertThat(queue.status(4)).isEqualTo(STATUS_ERROR);
        assertThat(IoError.fromCode(bytes.getInt(wordOffset(4, TAG)))).isEqualTo(IoError.OUT_OF_BOUNDS);
    }

    @Test
    void shouldRefuseToCompleteASlotTheHostDidNotClaim() {
        post(1, OP_READ, 1, 2, 0, 100, 0);
        IoCompletion c = new IoCompletion(1, 2, 100, 0, true);
        assertThat(queue.tryComplete(c)).isEqualTo(IoQueueFault.NOT_CLAIMED);
        assertThat(queue.status(1)).isEqualTo(WorkRingDescriptor.PUBLISHED);
        assertThat(queue.tryComplete(new IoCompletion(8, 2, 1, 0, true))).isEqualTo(IoQueueFault.SLOT_OUT_OF_RANGE);
        assertThatThrownBy(() -> queue.complete(c)).isInstanceOf(IoQueueException.class)
            .hasMessageContaining("slot 1").hasMessageContaining("claim it");
    }

    @Test
    void shouldCompleteABatchAllOrNothing() {
        post(0, OP_READ, 1, 2, 0, 1, 0);
        post(1, OP_READ, 1, 2, 0, 1, 0);
        post(2, OP_READ, 1, 2, 0, 1, 0);
        IoRequest[] into = new IoRequest[2];
        queue.claimInto(into);
        IoCompletion a = IoCompletion.ok(into[0], 1);
        IoCompletion b = IoCompletion.ok(into[1], 1);
        IoCompletion unclaimed = new IoCompletion(2, 2, 1, 0, true);
        assertThat(queue.tryCompleteBatch(List.of(a, b, unclaimed))).isEqualTo(IoQueueFault.NOT_CLAIMED);
        assertThat(queue.status(0)).isEqualTo(WorkRingDescriptor.CLAIMED);
        assertThat(queue.tryCompleteBatch(List.of(a, a))).isEqualTo(IoQueueFault.DUPLICATE_SLOT);
        assertThatThrownBy(() -> queue.completeBatch(List.of(a, unclaimed))).hasMessageContaining("slot 2");
        queue.completeBatch(List.of(a, b));
        assertThat(queue.status(0)).isEqualTo(STATUS_OK);
        assertThat(queue.status(1)).isEqualTo(STATUS_OK);
    }

    @Test
    void shouldEncodeAnEmptyQueueThatValidates() {
        byte[] empty = MegakernelIoQueue.encodeEmpty(64);
        assertThat(empty).hasSize(64 * 32);
        assertThat(MegakernelIoQueue.validate(empty)).isEqualTo(64);
        UnsafeBuffer small = new UnsafeBuffer(new byte[100]);
        assertThat(MegakernelIoQueue.tryEncodeEmptyInto(small, 0, 64)).isEqualTo(IoQueueFault.DESTINATION_TOO_SMALL);
        assertThat(MegakernelIoQueue.tryEncodeEmptyInto(small, 0, 0)).isEqualTo(IoQueueFault.BAD_SLOT_COUNT);
        UnsafeBuffer dirty = new UnsafeBuffer(new byte[64]);
        dirty.setMemory(0, 64, (byte) 7);
        assertThat(MegakernelIoQueue.tryEncodeEmptyInto(dirty, 0, 2)).isEqualTo(IoQueueFault.NONE);
        assertThat(MegakernelIoQueue.validate(dirty.byteArray())).isEqualTo(2);
    }

    @Test
    void shouldRejectQueueBytesNamingTheSlotAndWord() {
        assertThatThrownBy(() -> MegakernelIoQueue.validate(new byte[33])).isInstanceOf(IoQueueFormatException.class)
            .hasMessageContaining("33 bytes");
        ByteBuffer b = ByteBuffer.allocate(byteLength(4)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(wordOffset(2, STATUS), 9);
        assertThatThrownBy(() -> MegakernelIoQueue.validate(b.array()))
            .isInstanceOfSatisfying(IoQueueFormatException.class, e -> {
                assertThat(e.slot()).isEqualTo(2);
                assertThat(e.word()).isEqualTo(STATUS);
            }).hasMessageContaining("unknown status 9");
        b.putInt(wordOffset(2, STATUS), WorkRingDescriptor.PUBLISHED);
        b.putInt(wordOffset(2, OP_TYPE), 0x44);
        assertThatThrownBy(() -> MegakernelIoQueue.validate(b.array())).hasMessageContaining("slot 2, word 0")
            .hasMessageContaining("0x44");
        b.putInt(wordOffset(2, OP_TYPE), OP_READ);
        b.putInt(wordOffset(3, STATUS), STATUS_ERROR);
        b.putInt(wordOffset(3, OP_TYPE), OP_READ);
        b.putInt(wordOffset(3, TAG), 999);
        assertThatThrownBy(() -> MegakernelIoQueue.validate(b.array())).hasMessageContaining("slot 3, word 7");
    }
}
