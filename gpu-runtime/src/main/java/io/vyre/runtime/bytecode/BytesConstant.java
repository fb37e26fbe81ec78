package io.vyre.runtime.bytecode;

import java.util.Arrays;

/** A literal byte string. */
public record BytesConstant(byte[] bytes) implements Constant {
    public BytesConstant {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public int kind() {
        return KIND_BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BytesConstant other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "BytesConstant[" + bytes.length + " bytes]";
    }
}
