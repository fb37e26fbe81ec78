package io.vyre.runtime;

/**
 * Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}, which Java 17 only allows with
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}. Checked once, so a missing flag is one
 * clear error instead of an IllegalAccessError from deep inside a buffer.
 */
public final class AgronaAccess {
    public static final String JVM_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final String PROBLEM = probe();

    private AgronaAccess() {
    }

    private static String probe() {
        try {
            org.agrona.BufferUtil.address(java.nio.ByteBuffer.allocateDirect(8));
            return null;
        } catch (LinkageError e) {
            return e.toString();
        }
    }

    /** Whether this JVM lets Agrona reach the memory it manages. */
    public static boolean available() {
        return PROBLEM == null;
    }

    /** Throws, naming the JVM flag to add, when Agrona cannot reach the memory it manages. */
    public static void check() {
        if (PROBLEM != null) {
            throw new VyreRuntimeException("Agrona cannot access off-heap memory on this JVM (" + PROBLEM + "): start"
                + " the JVM with " + JVM_FLAG + " (on Flink: 'env.java.opts.all: "
                + JVM_FLAG.replace("-exports ", "-exports=") + "' in config.yaml; `java -jar` of the embedded jobs"
                + " jar adds it from its manifest)");
        }
    }
}
