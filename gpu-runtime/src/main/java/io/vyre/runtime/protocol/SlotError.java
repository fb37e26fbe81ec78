package io.vyre.runtime.protocol;

/**
 * Error codes the kernel writes into a work-ring slot's ERROR word (low 16 bits). The high 16 bits
 * carry the index of the failing op within the program, and the DETAIL word a code-specific value.
 */
public enum SlotError {
    NONE(0, "no error"),
    TENANT_DENIED(1, "the slot's tenant is not allowed by the control block's tenant mask (DETAIL: tenant);"
        + " allow it with ControlBlock.allowTenant or publish under an allowed tenant"),
    QUOTA_EXHAUSTED(2, "the tenant ran out of its quota of slots (DETAIL: tenant); raise TENANT_QUOTA"),
    UNKNOWN_OPCODE(3, "the opcode is unknown or reserved for the system (DETAIL: opcode)"),
    BAD_OPERAND(4, "an operand is out of range (DETAIL: operand index)"),
    UNKNOWN_HANDLE(5, "a program, constant, buffer or output handle is not registered (DETAIL: handle)"),
    OUT_OF_BOUNDS(6, "a read or write reaches past a buffer (DETAIL: the first byte past it)"),
    IO_ERROR(7, "the host pump failed the IO request (DETAIL: IoError code)"),
    SHORT_READ(8, "the file ended before the requested bytes (DETAIL: bytes read)"),
    OUTPUT_OVERFLOW(9, "the output region is full (DETAIL: words the op needed in total);"
        + " give it a larger region or a smaller input"),
    RECORD_INCOMPLETE(10, "the input ends inside a record that is not final (DETAIL: offset of the record);"
        + " read further or mark the input final"),
    TOO_MANY_RECORDS(11, "the input frames into more records than the runtime's record limit (DETAIL: limit)"),
    BAD_STATE(12, "an op ran before the op it depends on (DETAIL: opcode), e.g. REDACT before MATCH"),
    SHUTDOWN(13, "the kernel shut down while the slot waited for IO"),
    INTERNAL(14, "the kernel failed unexpectedly; see the runtime log"),
    BAD_COMPLETION(15, "the host completed an IO request with another byte count than was asked (DETAIL: the"
        + " count it claimed); nothing past the asked bytes was read: the IO server is broken");

    private static final SlotError[] BY_CODE;

    static {
        BY_CODE = new SlotError[values().length];
        for (SlotError e : values()) {
            BY_CODE[e.code] = e;
        }
    }

    private final int code;
    private final String meaning;

    SlotError(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    public static SlotError fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL;
    }
}
