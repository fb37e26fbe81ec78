package io.vyre.runtime.protocol;

/** Error codes the host pump writes into an IO slot's TAG word together with STATUS_ERROR. */
public enum IoError {
    UNKNOWN_SOURCE_HANDLE(1, "the source handle is not in " + IoQueueDescriptor.IO_SOURCE_CAPABILITY_TABLE
        + ": register the file or buffer with the runtime before naming it"),
    UNKNOWN_DESTINATION_HANDLE(2, "the destination handle is not in "
        + IoQueueDescriptor.IO_DESTINATION_CAPABILITY_TABLE + ": register it with the runtime before naming it"),
    NO_READ_RIGHT(3, "the source handle does not grant READ"),
    NO_WRITE_RIGHT(4, "the destination handle does not grant WRITE"),
    OUT_OF_BOUNDS(5, "the request reaches past the handle's registered byte bounds: request fewer bytes"),
    SHORT_READ(6, "the file ended before the requested bytes: it is shorter than when it was registered"
        + " (truncated underneath?); BYTE_COUNT holds the bytes that were read"),
    IO_FAILURE(7, "the operating system refused the read or write (file deleted, unreadable, disk full)"),
    BAD_REQUEST(8, "the slot holds an unknown op type or a malformed request"),
    SHUTDOWN(9, "the runtime is closing and did not service the request");

    private static final IoError[] BY_CODE = new IoError[16];

    static {
        for (IoError e : values()) {
            BY_CODE[e.code] = e;
        }
    }

    private final int code;
    private final String meaning;

    IoError(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The error for a code read from a TAG word, or {@code null} when the code is not one of ours. */
    public static IoError fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
