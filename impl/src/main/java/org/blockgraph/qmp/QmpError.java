package org.blockgraph.qmp;

/** A QMP error reply: {@code {"error":{"class":..,"desc":..}}}. Thrown before a command changes anything. */
public final class QmpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String errorClass;

    /** An error of class {@code errorClass} (GenericError, CommandNotFound, DeviceNotFound, DeviceNotActive). */
    public QmpError(String errorClass, String desc) {
        super(desc);
        this.errorClass = errorClass;
    }

    /** A GenericError. */
    public static QmpError generic(String desc) {
        return new QmpError("GenericError", desc);
    }

    /** The QMP error class. */
    public String errorClass() {
        return errorClass;
    }

    /** The human-readable description, QEMU's wording. */
    public String desc() {
        return getMessage();
    }
}
