package io.vyre.runtime.backend.cpu;

import static io.vyre.runtime.protocol.WorkRingDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.protocol.ControlBlock;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.WorkRing;
import io.vyre.runtime.protocol.WorkRingClaims;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Claim order, without threads: priority first, then publish order; fences wait for what came before. */
class SlotSchedulerTest {
    private final UnsafeBuffer ringMemory = new UnsafeBuffer(ByteBuffer.allocateDirect(byteLength(8)));
    private final UnsafeBuffer controlMemory = new UnsafeBuffer(ByteBuffer.allocateDirect(ControlBlockDescriptor.BYTE_LENGTH));
    private final WorkRing ring = new WorkRing(ringMemory, 8, new ControlBlock(controlMemory));
    private final WorkRingClaims claims = new WorkRingClaims(ringMemory, 8, controlMemory);
    private final SlotScheduler scheduler = new SlotScheduler(claims);

    private int publish(Opcode op, int priority) {
        return ring.slotIndex(ring.tryPublish(op.code(), 0, priority, new int[0]));
    }

    @Test
    void shouldClaimTheHighestPriorityFirstThenPublishOrder() {
        int low = publish(Opcode.NOP, 0);
        int high = publish(Opcode.NOP, 5);
        int mid = publish(Opcode.NOP, 2);
        int high2 = publish(Opcode.NOP, 5);
        assertThat(scheduler.claimNext()).isEqualTo(high);
        assertThat(scheduler.claimNext()).isEqualTo(high2);
        assertThat(scheduler.claimNext()).isEqualTo(mid);
        assertThat(scheduler.claimNext()).isEqualTo(low);
        assertThat(scheduler.claimNext()).isEqualTo(SlotScheduler.NONE);
        assertThat(claims.statusVolatile(low)).isEqualTo(CLAIMED);
    }

    @Test
    void shouldHoldAFenceUntilEverySlotBeforeItIsDone() {
        int first = publish(Opcode.NOP, 0);
        int fence = publish(Opcode.BATCH_FENCE, 5);
        int after = publish(Opcode.NOP, 0);
        assertThat(scheduler.claimNext()).as("the fence waits; the oldest slot goes first").isEqualTo(first);
        assertThat(scheduler.claimNext()).as("a slot after the fence may still run").isEqualTo(after);
        assertThat(scheduler.claimNext()).as("first is claimed but not done").isEqualTo(SlotScheduler.NONE);
        claims.complete(first, 0, 0, 0);
        assertThat(scheduler.claimNext()).isEqualTo(fence);
    }

    @Test
    void shouldOrderSequencesAcrossTheWrap() {
        for (int i = 0; i < 6; i++) {
            int s = publish(Opcode.NOP, 0);
            assertThat(scheduler.claimNext()).isEqualTo(s);
            claims.complete(s, 0, 0, 0);
            ring.take(ring.published() - 1);
        }
        int a = publish(Opcode.NOP, 0);
        int b = publish(Opcode.NOP, 0);
        int c = publish(Opcode.NOP, 0);
        assertThat(new int[] {a, b, c}).containsExactly(6, 7, 0);
        assertThat(scheduler.claimNext()).isEqualTo(a);
        assertThat(scheduler.claimNext()).isEqualTo(b);
        assertThat(scheduler.claimNext()).isEqualTo(c);
    }
}
