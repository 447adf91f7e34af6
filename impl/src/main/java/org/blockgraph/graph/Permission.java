package org.blockgraph.graph;

import java.util.ArrayList;
import java.util.List;

/** Permission bits on an edge ({@code BLK_PERM_*}, reference §7); sets of them are plain {@code int} masks. */
public enum Permission {
    /** Reads see a self-consistent disk. */
    CONSISTENT_READ(0x01, "consistent read"),
    /** May change what is visible. */
    WRITE(0x02, "write"),
    /** Writes that do not change visible content. */
    WRITE_UNCHANGED(0x04, "write unchanged"),
    /** May change the size. */
    RESIZE(0x08, "resize");

    /** All four bits. 0x10 (the removed GRAPH_MOD) is never reused. */
    public static final int ALL = 0x0f;
    /** Bits a filter passes through to its child. */
    public static final int PASSTHROUGH = ALL;

    private final int bit;
    private final String text;

    Permission(int bit, String text) {
        this.bit = bit;
        this.text = text;
    }

    /**
     * The bit of this permission.
     *
     * @return the bit
     */
    public int bit() {
        return bit;
    }

    /**
     * The upstream spelling used in error messages, e.g. {@code consistent read}.
     *
     * @return the name
     */
    public String text() {
        return text;
    }

    /**
     * Upstream rendering of a mask: names joined with {@code ", "}.
     *
     * @param mask a set of permission bits
     * @return the names of its bits, in bit order
     */
    public static String describe(int mask) {
        List<String> names = new ArrayList<>();
        for (Permission p : values()) {
            if ((mask & p.bit) != 0) {
                names.add(p.text);
            }
        }
        return String.join(", ", names);
    }

    /**
     * Validates a mask given by a caller.
     *
     * @param mask a set of permission bits
     * @return {@code mask}, if it holds only known bits
     */
    public static int check(int mask) {
        if ((mask & ~ALL) != 0) {
            throw new IllegalArgumentException("unknown permission bits: 0x" + Integer.toHexString(mask & ~ALL));
        }
        return mask;
    }
}
