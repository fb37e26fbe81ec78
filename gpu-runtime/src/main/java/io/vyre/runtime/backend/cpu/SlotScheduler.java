package io.vyre.runtime.backend.cpu;

import static io.vyre.runtime.protocol.WorkRingDescriptor.CLAIMED;
import static io.vyre.runtime.protocol.WorkRingDescriptor.OPCODE_WORD;
import static io.vyre.runtime.protocol.WorkRingDescriptor.PUBLISHED;

import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.protocol.WorkRingClaims;

/**
 * Picks the slot a worker claims next: among PUBLISHED slots, the highest priority, then the lowest
 * sequence; a BATCH_FENCE only once every slot published before it is done.
 */
final class SlotScheduler {
    static final int NONE = -1;
    static final int CONTENDED = -2;

    private final WorkRingClaims claims;
    private final int capacity;

    SlotScheduler(WorkRingClaims claims) {
        this.claims = claims;
        this.capacity = claims.capacity();
    }

    /** @return the claimed slot, {@link #NONE} when there is no work, {@link #CONTENDED} when another worker won it */
    int claimNext() {
        int best = NONE;
        int bestPriority = Integer.MIN_VALUE;
        int bestSequence = 0;
        for (int slot = 0; slot < capacity; slot++) {
            if (!claims.isPublished(slot)) {
                continue;
            }
            int priority = claims.priority(slot);
            int sequence = claims.sequence(slot);
            if (best != NONE && (priority < bestPriority || (priority == bestPriority && sequence - bestSequence > 0))) {
                continue;
            }
            if (isFence(slot) && !fenceReady(slot, sequence)) {
                continue;
            }
            best = slot;
            bestPriority = priority;
            bestSequence = sequence;
        }
        if (best == NONE) {
            return NONE;
        }
        if (!claims.claim(best)) {
            return CONTENDED;
        }
        if (isFence(best) && !fenceReady(best, claims.sequence(best))) {
            claims.unclaim(best);
            return CONTENDED;
        }
        return best;
    }

    private boolean isFence(int slot) {
        return claims.word(slot, OPCODE_WORD) == Opcode.BATCH_FENCE.code();
    }

    /** True when no other slot published before {@code sequence} is still PUBLISHED or CLAIMED. */
    private boolean fenceReady(int fenceSlot, int sequence) {
        for (int slot = 0; slot < capacity; slot++) {
            if (slot == fenceSlot) {
                continue;
            }
            int status = claims.statusVolatile(slot);
            if ((status == PUBLISHED || status == CLAIMED) && claims.sequence(slot) - sequence < 0) {
                return false;
            }
        }
        return true;
    }
}
