package org.blockgraph.graph;

/** A request failed; {@link #errno()} is the POSIX error number the request completed with. */
public final class BlockIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** Input/output error. */
    public static final int EIO = 5;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** No medium found. */
    public static final int ENOMEDIUM = 123;
    /** Operation not supported. */
    public static final int ENOTSUP = 95;

    /** The POSIX error number (serialized with the exception). */
    private final int errno;

    /**
     * @param errno   the POSIX error number
     * @param message what failed
     */
    public BlockIoException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /**
     * The POSIX error number.
     *
     * @return the error number (e.g. {@link #EIO})
     */
    public int errno() {
        return errno;
    }

    /**
     * The C library's text for the error numbers used here.
     *
     * @param errno a POSIX error number
     * @return its text, e.g. {@code Input/output error}
     */
    public static String strerror(int errno) {
        switch (errno) {
            case EPERM: return "Operation not permitted";
            case EIO: return "Input/output error";
            case EACCES: return "Permission denied";
            case EINVAL: return "Invalid argument";
            case ENOSPC: return "No space left on device";
            case ENOMEDIUM: return "No medium found";
            case ENOTSUP: return "Operation not supported";
            default: return "Unknown error " + errno;
        }
    }
}
