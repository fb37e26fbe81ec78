package io.vyre.flink.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Sink writer state in checkpoints. Version 1: {@code directory, prefix} (modified UTF-8), {@code committedCounter}. */
@Internal
public final class VyreWriterStateSerializer implements SimpleVersionedSerializer<VyreWriterState> {
    public static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(VyreWriterState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(state.directory());
            out.writeUTF(state.prefix());
            out.writeInt(state.committedCounter());
        }
        return bytes.toByteArray();
    }

    @Override
    public VyreWriterState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown Vyre sink writer state version " + version + " (this build reads " + VERSION
                + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            VyreWriterState state = new VyreWriterState(in.readUTF(), in.readUTF(), in.readInt());
            if (in.available() != 0) {
                throw new IOException("corrupt sink writer state: " + in.available() + " trailing bytes");
            }
            return state;
        }
    }
}
