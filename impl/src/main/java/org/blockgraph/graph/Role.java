package org.blockgraph.graph;

/**
 * The role of a child edge ({@code BDRV_CHILD_*}, reference §7): a set of bits.
 *
 * <p>A final class rather than a record on purpose: Lincheck 2.39's model checker reads the static fields of every
 * class reachable from a test instance with {@code Unsafe.staticFieldBase}, which the JDK refuses for record classes
 * ("can't get base address on a record class"), so a record here made every graph unverifiable by model checking.
 */
public final class Role {
    private final int bits;

    /**
     * A role with these bits.
     *
     * @param bits the role bits ({@link #DATA}, {@link #COW}, ...)
     */
    public Role(int bits) {
        this.bits = bits;
    }

    /**
     * The role bits.
     *
     * @return the bits
     */
    public int bits() {
        return bits;
    }

    /** The child stores guest data. */
    public static final int DATA = 1;
    /** The child stores metadata. */
    public static final int METADATA = 2;
    /** The child is the filtered child of a filter. */
    public static final int FILTERED = 4;
    /** The child is a copy-on-write backing child. */
    public static final int COW = 8;
    /** The child is the primary child. */
    public static final int PRIMARY = 16;

    /** The file child of a format node. */
    public static final Role IMAGE = new Role(DATA | METADATA | PRIMARY);
    /** The backing child of a format node. */
    public static final Role BACKING = new Role(COW);
    /** The filtered child of a filter node; also the root edge of a BlockBackend. */
    public static final Role FILTERED_PRIMARY = new Role(FILTERED | PRIMARY);
    /** An edge that claims no role (job edges). */
    public static final Role NONE = new Role(0);

    /**
     * Whether all bits of {@code mask} are set.
     *
     * @param mask role bits
     * @return true if this role has every bit of {@code mask}
     */
    public boolean has(int mask) {
        return (bits & mask) == mask;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Role r && r.bits == bits;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(bits);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        String[] names = {"data", "metadata", "filtered", "cow", "primary"};
        for (int i = 0; i < names.length; i++) {
            if ((bits & (1 << i)) != 0) {
                b.append(b.length() == 0 ? "" : "|").append(names[i]);
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}
