package io.vyre.runtime.protocol;

/**
 * A completion the host publishes into the IO queue: it tells the kernel which mapped ingest buffer it
 * may now consume and how many of its bytes are valid.
 *
 * @param slot       IO queue slot index
 * @param mappedSlot the ingest buffer's destination handle (READ) or the destination handle (WRITE)
 * @param byteCount  bytes now valid in the mapped buffer, or written
 * @param tag        the request's tag on success; the IoError code on failure
 * @param ok         STATUS_OK when true, STATUS_ERROR otherwise
 */
public record IoCompletion(int slot, int mappedSlot, int byteCount, int tag, boolean ok) {

    public static IoCompletion ok(IoRequest request, int bytesValid) {
        return new IoCompletion(request.slot(), request.dstHandle(), bytesValid, request.tag(), true);
    }

    public static IoCompletion error(IoRequest request, IoError error, int bytesValid) {
        return new IoCompletion(request.slot(), request.dstHandle(), bytesValid, error.code(), false);
    }

    public int status() {
        return ok ? IoQueueDescriptor.STATUS_OK : IoQueueDescriptor.STATUS_ERROR;
    }
}
