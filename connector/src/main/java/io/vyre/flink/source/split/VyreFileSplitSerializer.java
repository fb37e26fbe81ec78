package io.vyre.flink.source.split;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Splits in checkpoints. Version 1: {@code path (modified UTF-8), start, end, offset (longs), skip (int)}.
 * Golden bytes of every version are kept in the tests; a change of format is a new version.
 */
public final class VyreFileSplitSerializer implements SimpleVersionedSerializer<VyreFileSplit> {
    public static final VyreFileSplitSerializer INSTANCE = new VyreFileSplitSerializer();
    public static final int VERSION = 1;

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
    }

    static VyreFileSplit read(DataInputStream in) throws IOException {
        String path = in.readUTF();
        long start = in.readLong();
        long end = in.readLong();
        long offset = in.readLong();
        int skip = in.readInt();
        try {
            return new VyreFileSplit(path, start, end, offset, skip);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt split in checkpoint: " + e.getMessage(), e);
        }
    }

    @Override
    public VyreFileSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown VyreFileSplit serializer version " + version + " (this build reads "
                + VERSION + "): restore with the connector version that wrote the checkpoint");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            VyreFileSplit split = read(in);
            if (in.available() != 0) {
                throw new IOException("corrupt split in checkpoint: " + in.available() + " trailing bytes");
            }
            return split;
        }
    }

    /** Writes a split inside another serializer's stream (the enumerator's state). */
    public static void writeTo(DataOutputStream out, VyreFileSplit split) throws IOException {
        write(out, split);
    }

    public static VyreFileSplit readFrom(DataInputStream in) throws IOException {
        return read(in);
    }
}
