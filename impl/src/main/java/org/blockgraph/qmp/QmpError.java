package org.blockgraph.qmp;

/** A QMP error reply: {@code {"error":{"class":..,"desc":..}}}. Thrown before a command changes anything. */
public final class QmpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The QMP error class, the reply's {@code "class"} member. */
    private final String errorClass;

    /**
     * An error of class {@code errorClass} (GenericError, CommandNotFound, DeviceNotFound, DeviceNotActive).
     *
     * @param errorClass the QMP error class, the reply's {@code "class"}
     * @param desc       the description, the reply's {@code "desc"} (QEMU's wording)
     */
    public QmpError(String errorClass, String desc) {
        super(desc);
        this.errorClass = errorClass;
    }

    /**
     * A GenericError, upstream's {@code error_setg}.
     *
     * @param desc the description (QEMU's wording)
     * @return the error, to be thrown
     */
    public static QmpError generic(String desc) {
        return new QmpError("GenericError", desc);
    }

    /**
     * The QMP error class.
     *
     * @return the reply's {@code "class"}, e.g. {@code GenericError}
     */
    public String errorClass() {
        return errorClass;
    }

    /**
     * The human-readable description, QEMU's wording.
     *
     * @return the reply's {@code "desc"} (this exception's message)
     */
    public String desc() {
        return getMessage();
    }
}
