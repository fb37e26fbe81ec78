package io.vyre.runtime.bytecode;

/**
 * What an operand names, and so which values the validator accepts for it. Kinds marked
 * {@code immediateOnly} must be literal in the instruction; the others may be a register in a program
 * (the opcode word's register mask), and are then checked when the op runs.
 */
public enum OperandKind {
    /** Any u32. */
    VALUE("value", false),
    /** A byte value, 0-255. */
    BYTE("byte", false),
    /** A control word the op may read: 0 .. CONTROL_WORDS-1. */
    CONTROL_READ("control word", false),
    /** A control word the op may write: the OBSERVABLE range only. */
    CONTROL_WRITE("observable control word", false),
    /** An ingest buffer handle (io_destination_capability_table), resolved when the op runs. */
    BUFFER("buffer handle", false),
    /** A file or buffer handle in one of the IO capability tables, resolved by the host pump. */
    IO_HANDLE("IO handle", false),
    /** An output region handle, resolved when the op runs. */
    OUTPUT("output handle", false),
    /** A loaded program handle, resolved when the slot runs. */
    PROGRAM("program handle", false),
    /** Index into the program's constant pool of a PATTERNS constant (global handle in a slot). */
    CONST_PATTERNS("patterns constant", true),
    /** Index into the program's constant pool of an EXPR constant. */
    CONST_EXPR("expression constant", true);

    private final String description;
    private final boolean immediateOnly;

    OperandKind(String description, boolean immediateOnly) {
        this.description = description;
        this.immediateOnly = immediateOnly;
    }

    public String description() {
        return description;
    }

    public boolean immediateOnly() {
        return immediateOnly;
    }

    public boolean isConstant() {
        return this == CONST_PATTERNS || this == CONST_EXPR;
    }
}
