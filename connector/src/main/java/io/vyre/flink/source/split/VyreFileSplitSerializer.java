package io.vyre.flink.source.split;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Splits in checkpoints. Version 3: {@code path (modified UTF-8), start, end, offset (longs), skip (int),
 * lastStart (long), lastId (int), identity (modified UTF-8)}; version 2 (read, not written): the same without
 * the identity; version 1: without the last key either.
 * Golden bytes of every version are kept in the tests; a change of format is a new version.
 */
@Internal
public final class VyreFileSplitSerializer implements SimpleVersionedSerializer<VyreFileSplit> {
    public static final VyreFileSplitSerializer INSTANCE = new VyreFileSplitSerializer();
    public static final int VERSION = 3;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(VyreFileSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + split.path().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, split);
        }
        return bytes.toByteArray();
    }

    static void write(DataOutputStream out, VyreFileSplit split) throws IOException {
        out.writeUTF(split.path());
        out.writeLong(split.start());
        out.writeLong(split.end());
        out.writeLong(split.offset());
        out.writeInt(split.skip());
        out.writeLong(split.lastStart());
        out.writeInt(split.lastId());
        out.writeUTF(split.identity());
    }

    static VyreFileSplit read(DataInputStream in, int version) throws IOException {
        String path = in.readUTF();
        long start = in.readLong();
        long end = in.readLong();
        long offset = in.readLong();
        int skip = in.readInt();
        long lastStart = version >= 2 ? in.readLong() : VyreFileSplit.NONE;
        int lastId = version >= 2 ? in.readInt() : 0;
        String identity = version >= 3 ? in.readUTF() : VyreFileSplit.NO_IDENTITY;
        try {
            return new VyreFileSplit(path, start, end, offset, skip, lastStart, lastId, identity);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt split in checkpoint: " + e.getMessage(), e);
        }
    }

    @Override
    public VyreFileSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown VyreFileSplit serializer version " + version + " (this build reads 1.."
                + VERSION + "): restore with the connector version that wrote the checkpoint");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            VyreFileSplit split = read(in, version);
            if (in.available() != 0) {
                throw new IOException("corrupt split in checkpoint: " + in.available() + " trailing bytes");
            }
            return split;
        }
    }

    /** Writes a split (this version's format) inside another serializer's stream (the enumerator's state). */
    public static void writeTo(DataOutputStream out, VyreFileSplit split) throws IOException {
        write(out, split);
    }

    /** Reads a split written in format {@code version} inside another serializer's stream. */
    public static VyreFileSplit readFrom(DataInputStream in, int version) throws IOException {
        return read(in, version);
    }
}
