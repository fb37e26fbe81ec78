package io.vyre.runtime.io;

import io.vyre.runtime.memory.NativeBuffer;
import java.nio.file.Path;

/**
 * What one handle in a capability table lets the kernel do: which file or buffer it names, whether it
 * may be read or written, and how many bytes from offset 0 it spans.
 */
public record Capability(int handle, Kind kind, boolean readable, boolean writable, long boundBytes, Path path,
                         NativeBuffer buffer) {

    public enum Kind { FILE, BUFFER }

    public static Capability fileForRead(int handle, Path path, long size) {
        return new Capability(handle, Kind.FILE, true, false, size, path, null);
    }

    public static Capability fileForWrite(int handle, Path path, long maxBytes) {
        return new Capability(handle, Kind.FILE, false, true, maxBytes, path, null);
    }

    public static Capability buffer(int handle, NativeBuffer buffer, boolean readable, boolean writable) {
        return new Capability(handle, Kind.BUFFER, readable, writable, buffer.capacity(), null, buffer);
    }

    public String describe() {
        return "handle " + handle + " (" + (kind == Kind.FILE ? "file " + path : "buffer " + buffer.name()) + ", "
            + boundBytes + " bytes" + (readable ? ", read" : "") + (writable ? ", write" : "") + ")";
    }
}
