package io.vyre.runtime;

/** A runtime that cannot serve a request: closed, faulted, or with a kernel that stopped responding. */
public class VyreRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VyreRuntimeException(String message) {
        super(message);
    }

    public VyreRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
