package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.protocol.SlotError;

/** Raised inside the interpreter to end a slot with an error; carries no stack trace (it is not a bug). */
final class SlotFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final SlotError error;
    final int detail;

    SlotFault(SlotError error, int detail) {
        super(error + " (" + Integer.toUnsignedString(detail) + ")", null, false, false);
        this.error = error;
        this.detail = detail;
    }

    static SlotFault of(SlotError error, long detail) {
        return new SlotFault(error, (int) detail);
    }
}
