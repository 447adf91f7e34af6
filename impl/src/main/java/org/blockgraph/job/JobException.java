package org.blockgraph.job;

/**
 * A refused job command or a failed job hook, with the exact upstream error text as its message.
 *
 * <p>A command that throws this changed nothing. {@link #errno()} is the negative-errno class QEMU would return
 * (EPERM for verb refusals, EINVAL for bad arguments, the I/O error for hooks that fail).
 */
public final class JobException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public JobException(String message) {
        this(Errno.EINVAL, message);
    }

    public JobException(int errno, String message) {
        super(message);
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive: " + errno);
        }
        this.errno = errno;
    }

    /** The positive errno value (QEMU returns its negation). */
    public int errno() {
        return errno;
    }
}
