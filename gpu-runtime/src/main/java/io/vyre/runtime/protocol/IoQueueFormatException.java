package io.vyre.runtime.protocol;

/** Queue bytes that fail validation; names the slot and word that are wrong. */
public final class IoQueueFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int slot;
    private final int word;

    public IoQueueFormatException(int slot, int word, String problem) {
        super("invalid IO queue bytes at slot " + slot + (word >= 0 ? ", word " + word : "") + ": " + problem);
        this.slot = slot;
        this.word = word;
    }

    public int slot() {
        return slot;
    }

    public int word() {
        return word;
    }
}
