package io.vyre.runtime.io;

/** How the host IO pump reaches files. */
public enum IoPath {
    /** io_uring when the kernel allows it, else FILE_CHANNEL with the reason logged once. */
    AUTO,
    /** io_uring through Netty's native transport; fails at start-up when refused. */
    IO_URING,
    /** Positional FileChannel reads and writes into the same buffers. */
    FILE_CHANNEL
}
