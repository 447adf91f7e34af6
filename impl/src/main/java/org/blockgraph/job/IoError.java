package org.blockgraph.job;

/**
 * An I/O error that a job step met.
 *
 * @param errno the positive errno ({@link Errno#EIO}, {@link Errno#ENOSPC}, ...)
 * @param read  whether the failing request was a read (BLOCK_JOB_ERROR's {@code operation})
 */
public record IoError(int errno, boolean read) {
    /**
     * Checks the errno.
     *
     * @param errno the positive errno
     * @param read  whether the failing request was a read
     * @throws IllegalArgumentException if {@code errno} is not positive
     */
    public IoError {
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive: " + errno);
        }
    }

    /**
     * The strerror text QEMU reports for this error.
     *
     * @return {@link Errno#strerror(int)} of {@link #errno()}
     */
    public String message() {
        return Errno.strerror(errno);
    }
}
