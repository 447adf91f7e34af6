package org.blockgraph.io;

import java.util.Objects;

/**
 * One request: read, write, write-zeroes, discard or flush. A read fills its buffer.
 */
public final class IoRequest {
    /** What a request does. */
    public enum Type {
        /** Read into the buffer. */
        READ,
        /** Write the buffer. */
        WRITE,
        /** Make a range read as zeroes. */
        WRITE_ZEROES,
        /** Drop a range (advisory). */
        DISCARD,
        /** Make completed writes stable. */
        FLUSH
    }

    private final Type type;
    private final long offset;
    private final long length;
    private final byte[] buffer;
    private final int flags;

    private IoRequest(Type type, long offset, long length, byte[] buffer, int flags) {
        this.type = type;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
        this.flags = flags;
    }

    /**
     * A read of {@code length} bytes at {@code offset} into a new buffer.
     * @param offset the byte offset to read from
     * @param length the number of bytes to read
     * @return the request
     */
    public static IoRequest read(long offset, int length) {
        return new IoRequest(Type.READ, offset, length, new byte[length], 0);
    }

    /**
     * A write of {@code data} at {@code offset}.
     * @param offset the byte offset to write at
     * @param data the bytes to write (not copied)
     * @return the request
     */
    public static IoRequest write(long offset, byte[] data) {
        return write(offset, data, 0);
    }

    /**
     * A write of {@code data} at {@code offset} with request flags ({@code org.blockgraph.graph.IoFlags}).
     * @param offset the byte offset to write at
     * @param data the bytes to write (not copied)
     * @param flags request flags
     * @return the request
     */
    public static IoRequest write(long offset, byte[] data, int flags) {
        return new IoRequest(Type.WRITE, offset, data.length, Objects.requireNonNull(data), flags);
    }

    /**
     * A write-zeroes request.
     * @param offset the byte offset of the range
     * @param length the length of the range in bytes
     * @param flags request flags ({@link org.blockgraph.graph.IoFlags})
     * @return the request
     */
    public static IoRequest writeZeroes(long offset, long length, int flags) {
        return new IoRequest(Type.WRITE_ZEROES, offset, length, null, flags);
    }

    /**
     * A discard request.
     * @param offset the byte offset of the range
     * @param length the length of the range in bytes
     * @return the request
     */
    public static IoRequest discard(long offset, long length) {
        return new IoRequest(Type.DISCARD, offset, length, null, 0);
    }

    /**
     * A flush request.
     * @return a flush request (offset and length 0)
     */
    public static IoRequest flush() {
        return new IoRequest(Type.FLUSH, 0, 0, null, 0);
    }

    /**
     * The request type.
     * @return the request's type
     */
    public Type type() {
        return type;
    }

    /**
     * Byte offset.
     * @return the byte offset the request starts at
     */
    public long offset() {
        return offset;
    }

    /**
     * Byte length.
     * @return the number of bytes the request covers
     */
    public long length() {
        return length;
    }

    /**
     * The data buffer (read target or write source); null for other types.
     * @return the buffer, or null for write-zeroes, discard and flush
     */
    public byte[] buffer() {
        return buffer;
    }

    /**
     * Request flags.
     * @return the request flags ({@link org.blockgraph.graph.IoFlags} bits)
     */
    public int flags() {
        return flags;
    }

    @Override
    public String toString() {
        return type + "@" + offset + "+" + length;
    }
}
