package org.blockgraph.job;

/** The errno values the job layer uses, with glibc's strerror texts (QEMU reports errors with strerror). */
public final class Errno {
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ECANCELED = 125;

    private Errno() {
    }

    /** glibc's strerror text for {@code errno}. */
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
