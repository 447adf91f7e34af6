package org.blockgraph.job;

/** The errno values the job layer uses, with glibc's strerror texts (QEMU reports errors with strerror). */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** Input/output error: a failed read or write. */
    public static final int EIO = 5;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** No space left on device (io-status {@code nospace}). */
    public static final int ENOSPC = 28;
    /** Operation canceled: the error of a job that was cancelled. */
    public static final int ECANCELED = 125;

    private Errno() {
    }

    /**
     * glibc's strerror text for {@code errno}.
     *
     * @param errno a positive errno value
     * @return the strerror text, or {@code "Unknown error N"} for a value not listed here
     */
    public static String strerror(int errno) {
        switch (errno) {
            case EPERM:
                return "Operation not permitted";
            case EIO:
                return "Input/output error";
            case EINVAL:
                return "Invalid argument";
            case ENOSPC:
                return "No space left on device";
            case ECANCELED:
                return "Operation canceled";
            default:
                return "Unknown error " + errno;
        }
    }
}
