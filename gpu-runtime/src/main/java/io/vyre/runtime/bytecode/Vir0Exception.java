package io.vyre.runtime.bytecode;

/**
 * A VIR0 program that cannot be decoded, validated or assembled. The message names where (op index and
 * operand, constant index, byte offset or source line) and what to do about it.
 */
public class Vir0Exception extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Where in the program the problem is; -1 for positions that do not apply. */
    public record Location(int opIndex, int operand, int constantIndex, long byteOffset, int line) {
        public static final Location NONE = new Location(-1, -1, -1, -1, -1);

        public static Location op(int opIndex) {
            return new Location(opIndex, -1, -1, -1, -1);
        }

        public static Location operand(int opIndex, int operand) {
            return new Location(opIndex, operand, -1, -1, -1);
        }

        public static Location constant(int constantIndex) {
            return new Location(-1, -1, constantIndex, -1, -1);
        }

        public static Location bytes(long byteOffset) {
            return new Location(-1, -1, -1, byteOffset, -1);
        }

        public static Location line(int line) {
            return new Location(-1, -1, -1, -1, line);
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            if (line >= 0) {
                b.append("line ").append(line);
            }
            if (opIndex >= 0) {
                b.append(b.length() > 0 ? ", " : "").append("op ").append(opIndex);
                if (operand >= 0) {
                    b.append(" operand ").append(operand).append(" (word ").append(operand + 1).append(')');
                }
            }
            if (constantIndex >= 0) {
                b.append(b.length() > 0 ? ", " : "").append("constant c").append(constantIndex);
            }
            if (byteOffset >= 0) {
                b.append(b.length() > 0 ? ", " : "").append("byte ").append(byteOffset)
                    .append(" (word ").append(byteOffset / 4).append(')');
            }
            return b.length() == 0 ? "program" : b.toString();
        }
    }

    private final Location location;

    public Vir0Exception(Location location, String problem) {
        super("VIR0 " + location.describe() + ": " + problem);
        this.location = location;
    }

    public Location location() {
        return location;
    }

    public int opIndex() {
        return location.opIndex();
    }
}
