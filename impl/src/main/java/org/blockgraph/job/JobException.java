package org.blockgraph.job;

/**
 * A refused job command or a failed job hook, with the exact upstream error text as its message.
 *
 * <p>A command that throws this changed nothing. {@link #errno()} is the negative-errno class QEMU would return
 * (EPERM for verb refusals, EINVAL for bad arguments, the I/O error for hooks that fail).
 */
public final class JobException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The positive errno value (serialized form). */
    private final int errno;

    /**
     * A refusal for a bad argument ({@link Errno#EINVAL}).
     *
     * @param message the upstream error text
     */
    public JobException(String message) {
        this(Errno.EINVAL, message);
    }

    /**
     * A refusal or failure with the given errno.
     *
     * @param errno   the positive errno value
     * @param message the upstream error text
     * @throws IllegalArgumentException if {@code errno} is not positive
     */
    public JobException(int errno, String message) {
        super(message);
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive: " + errno);
        }
        this.errno = errno;
    }

    /**
     * The positive errno value (QEMU returns its negation).
     *
     * @return the positive errno
     */
    public int errno() {
        return errno;
    }
}
