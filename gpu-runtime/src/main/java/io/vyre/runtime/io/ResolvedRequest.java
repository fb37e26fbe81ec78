package io.vyre.runtime.io;

import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.IoRequest;
import io.vyre.runtime.protocol.MegakernelIoQueue;

/**
 * An IO request resolved through the capability tables, with the checks every request passes before a byte moves,
 * whoever serves it (an {@link IoPumpAgent}, or a kernel worker reading for itself through {@link CallerReads}): both
 * handles known to the request's tenant, the rights and kinds its op needs, the range within both bounds.
 *
 * @param file   the file the request reads or writes ({@code null} when {@code error} is set)
 * @param buffer the ingest buffer it fills or empties ({@code null} when {@code error} is set)
 * @param error  why it must fail, or {@code null}
 */
record ResolvedRequest(Capability file, Capability buffer, IoError error) {

    /** A READ: a readable file into a writable buffer. */
    static ResolvedRequest forRead(IoCapabilities capabilities, MegakernelIoQueue queue, IoRequest r) {
        return resolve(capabilities, queue, r, Capability.Kind.FILE);
    }

    /** A WRITE: a readable buffer into a writable file. */
    static ResolvedRequest forWrite(IoCapabilities capabilities, MegakernelIoQueue queue, IoRequest r) {
        return resolve(capabilities, queue, r, Capability.Kind.BUFFER);
    }

    /** A request from a readable source of {@code sourceKind} into a writable destination of the other kind. */
    private static ResolvedRequest resolve(IoCapabilities capabilities, MegakernelIoQueue queue, IoRequest r,
                                           Capability.Kind sourceKind) {
        Capability src = visible(capabilities, queue, capabilities.source(r.srcHandle()), r);
        Capability dst = visible(capabilities, queue, capabilities.destination(r.dstHandle()), r);
        IoError error = src == null ? IoError.UNKNOWN_SOURCE_HANDLE
            : !src.readable() || src.kind() != sourceKind ? IoError.NO_READ_RIGHT
            : dst == null ? IoError.UNKNOWN_DESTINATION_HANDLE
            : !dst.writable() || dst.kind() == sourceKind ? IoError.NO_WRITE_RIGHT
            : null;
        if (error != null) {
            return new ResolvedRequest(null, null, error);
        }
        Capability file = sourceKind == Capability.Kind.FILE ? src : dst;
        Capability buffer = sourceKind == Capability.Kind.FILE ? dst : src;
        return outOfBounds(r, file.boundBytes(), buffer.boundBytes()) ? new ResolvedRequest(null, null,
            IoError.OUT_OF_BOUNDS) : new ResolvedRequest(file, buffer, null);
    }

    /**
     * A capability as the request's tenant sees it: in a queue split into tenant partitions, another tenant's
     * handle is as unknown as one never registered.
     */
    private static Capability visible(IoCapabilities capabilities, MegakernelIoQueue queue, Capability c,
                                      IoRequest r) {
        if (c == null || queue.partitions() == 1) {
            return c;
        }
        int owner = capabilities.ownerOf(c.handle());
        return owner >= 0 && owner % queue.partitions() == queue.partitionOf(r.slot()) ? c : null;
    }

    /** The storage range [offset, offset + count) must lie within the file bound, count within the buffer. */
    private static boolean outOfBounds(IoRequest r, long fileBound, long bufferBound) {
        long count = r.byteCountUnsigned();
        return r.offset() < 0 || count > bufferBound || r.offset() > fileBound - count;
    }

    /** What a read or write that failed in the operating system tells the application, errno named. */
    static String failureMessage(String what, Capability file, int errno) {
        return what + " of " + file.path() + " failed: errno " + errno + " (" + IoPumpAgent.errnoName(errno) + ")";
    }

    /** What a READ that found the file's end early tells the application (the pump's and a worker's alike). */
    static String shortReadMessage(IoRequest r, Capability file, long done) {
        return file.path() + " ended at byte " + (r.offset() + done) + " while " + r.byteCountUnsigned()
            + " bytes were requested from offset " + r.offset() + "; it was " + file.boundBytes()
            + " bytes when registered (truncated underneath?)";
    }
}
