package io.vyre.flink.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Committables in checkpoints. Version 1: {@code inProgress, target} (modified UTF-8). */
@Internal
public final class VyreCommittableSerializer implements SimpleVersionedSerializer<VyreCommittable> {
    public static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(VyreCommittable c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(c.inProgress());
            out.writeUTF(c.target());
        }
        return bytes.toByteArray();
    }

    @Override
    public VyreCommittable deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown Vyre committable version " + version + " (this build reads " + VERSION + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            VyreCommittable c = new VyreCommittable(in.readUTF(), in.readUTF());
            if (in.available() != 0) {
                throw new IOException("corrupt committable: " + in.available() + " trailing bytes");
            }
            return c;
        }
    }
}
