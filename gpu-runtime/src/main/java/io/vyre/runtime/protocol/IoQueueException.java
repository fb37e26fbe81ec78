package io.vyre.runtime.protocol;

/** Thrown by the non-{@code try} IO queue operations; names the fault, the slot and the fix. */
public final class IoQueueException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final IoQueueFault fault;
    private final int slot;

    public IoQueueException(IoQueueFault fault, int slot, String context) {
        super(context + ": " + fault + " at IO queue slot " + slot + ": " + fault.meaning());
        this.fault = fault;
        this.slot = slot;
    }

    public IoQueueFault fault() {
        return fault;
    }

    public int slot() {
        return slot;
    }
}
