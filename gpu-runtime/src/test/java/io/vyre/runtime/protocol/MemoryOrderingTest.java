package io.vyre.runtime.protocol;

import static io.vyre.runtime.protocol.WorkRingDescriptor.*;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.ByteBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * Publish, claim and complete hand a slot over through its STATUS word: every other word must be
 * written before STATUS is released and read after it is acquired. Checked without threads, on a
 * mocked buffer, in the style of Agrona's ring buffer tests.
 */
class MemoryOrderingTest {
    private static final int CAPACITY = 8;
    private final AtomicBuffer ring = mock(AtomicBuffer.class);
    private final ControlBlock control = new ControlBlock(new UnsafeBuffer(ByteBuffer.allocateDirect(
        ControlBlockDescriptor.BYTE_LENGTH)));

    MemoryOrderingTest() {
        when(ring.capacity()).thenReturn(byteLength(CAPACITY));
    }

    @Test
    void shouldWriteEveryWordBeforeReleasingPublished() {
        WorkRing workRing = new WorkRing(ring, CAPACITY, control);
        when(ring.getIntVolatile(wordOffset(0, STATUS_WORD))).thenReturn(EMPTY);

        workRing.tryPublish(5, 1, 2, new int[] {10, 20});

        InOrder order = inOrder(ring);
        order.verify(ring).getIntVolatile(wordOffset(0, STATUS_WORD));
        order.verify(ring).putInt(wordOffset(0, OPCODE_WORD), 5);
        order.verify(ring).putInt(wordOffset(0, TENANT_WORD), 1);
        order.verify(ring).putInt(wordOffset(0, PRIORITY_WORD), 2);
        order.verify(ring).putInt(argOffset(0, 0), 10);
        order.verify(ring).putInt(argOffset(0, 1), 20);
        order.verify(ring).putInt(wordOffset(0, SEQUENCE_WORD), 0);
        order.verify(ring).putInt(wordOffset(0, DETAIL_WORD), seal(5, 1, 2, new int[] {10, 20}, 0));
        order.verify(ring).putIntRelease(wordOffset(0, STATUS_WORD), PUBLISHED);
        order.verifyNoMoreInteractions();
    }

    @Test
    void shouldNotPublishIntoASlotThatIsNotEmpty() {
        WorkRing workRing = new WorkRing(ring, CAPACITY, control);
        when(ring.getIntVolatile(wordOffset(0, STATUS_WORD))).thenReturn(DONE);

        org.assertj.core.api.Assertions.assertThat(workRing.tryPublish(5, 0, 0, new int[0])).isEqualTo(-1);
        verify(ring, never()).putIntRelease(anyInt(), anyInt());
        verify(ring, never()).putInt(anyInt(), anyInt());
    }

    @Test
    void shouldAcquireDoneBeforeReadingResultsAndReleaseEmptyLast() {
        WorkRing workRing = new WorkRing(ring, CAPACITY, control);
        when(ring.getIntAcquire(wordOffset(3, STATUS_WORD))).thenReturn(DONE);
        when(ring.getInt(wordOffset(3, SEQUENCE_WORD))).thenReturn(3);

        org.assertj.core.api.Assertions.assertThat(workRing.take(3)).isNotNull();

        InOrder order = inOrder(ring);
        order.verify(ring).getIntAcquire(wordOffset(3, STATUS_WORD));
        order.verify(ring).getInt(wordOffset(3, SEQUENCE_WORD));
        order.verify(ring).getInt(wordOffset(3, RESULT_WORD));
        order.verify(ring).getInt(wordOffset(3, ERROR_WORD));
        order.verify(ring).getInt(wordOffset(3, DETAIL_WORD));
        order.verify(ring).putIntRelease(wordOffset(3, STATUS_WORD), EMPTY);
    }

    @Test
    void shouldNotTakeASlotThatHoldsAnotherSequence() {
        WorkRing workRing = new WorkRing(ring, CAPACITY, control);
        when(ring.getIntAcquire(wordOffset(3, STATUS_WORD))).thenReturn(DONE);
        when(ring.getInt(wordOffset(3, SEQUENCE_WORD))).thenReturn(11);

        org.assertj.core.api.Assertions.assertThat(workRing.take(3)).isNull();
        verify(ring, never()).putIntRelease(anyInt(), anyInt());
    }

    @Test
    void shouldClaimByCasAndWriteResultsBeforeReleasingDone() {
        AtomicBuffer controlBuffer = mock(AtomicBuffer.class);
        WorkRingClaims claims = new WorkRingClaims(ring, CAPACITY, controlBuffer);
        when(ring.compareAndSetInt(wordOffset(2, STATUS_WORD), PUBLISHED, CLAIMED)).thenReturn(true);

        claims.claim(2);
        claims.complete(2, 7, 0, 9);

        InOrder order = inOrder(ring, controlBuffer);
        order.verify(ring).compareAndSetInt(wordOffset(2, STATUS_WORD), PUBLISHED, CLAIMED);
        order.verify(ring).putInt(wordOffset(2, RESULT_WORD), 7);
        order.verify(ring).putInt(wordOffset(2, ERROR_WORD), 0);
        order.verify(ring).putInt(wordOffset(2, DETAIL_WORD), 9);
        order.verify(controlBuffer).getAndAddInt(ControlBlockDescriptor.offset(ControlBlockDescriptor.DONE_COUNT), 1);
        order.verify(ring).putIntRelease(wordOffset(2, STATUS_WORD), DONE);
        verify(controlBuffer, never()).getAndAddInt(eq(ControlBlockDescriptor.offset(ControlBlockDescriptor.FAILED_COUNT)),
            anyInt());
    }

    @Test
    void shouldCountFailedSlots() {
        AtomicBuffer controlBuffer = mock(AtomicBuffer.class);
        WorkRingClaims claims = new WorkRingClaims(ring, CAPACITY, controlBuffer);
        claims.complete(1, 0, errorWord(SlotError.BAD_OPERAND.code(), 3), 1);
        verify(controlBuffer, times(1)).getAndAddInt(ControlBlockDescriptor.offset(ControlBlockDescriptor.FAILED_COUNT), 1);
    }
}
