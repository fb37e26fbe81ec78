package io.vyre.runtime.protocol;

/** Why a fallible ({@code try*}) IO queue operation did nothing. */
public enum IoQueueFault {
    NONE("no fault"),
    SLOT_OUT_OF_RANGE("the slot index is outside the queue: use an index from a claimed IoRequest"),
    NOT_CLAIMED("the slot is not CLAIMED by the host: claim it with claimInto before completing it"),
    DUPLICATE_SLOT("the batch completes the same slot twice: complete each claimed slot once"),
    BAD_SLOT_COUNT("the slot count is outside [1, " + IoQueueDescriptor.MAX_SLOT_COUNT + "]"),
    DESTINATION_TOO_SMALL("the destination buffer is smaller than the encoded queue: size it with"
        + " IoQueueDescriptor.byteLength(slotCount)");

    private final String meaning;

    IoQueueFault(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
