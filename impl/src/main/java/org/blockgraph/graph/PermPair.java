package org.blockgraph.graph;

/**
 * Required and shared permissions of one edge.
 *
 * @param perm   what the parent needs
 * @param shared what the parent lets other parents of the same child do
 */
public record PermPair(int perm, int shared) {
    /**
     * Upstream's {@code bdrv_default_perms}: filter, COW and storage rules by role.
     *
     * @param bs the parent node
     * @param role the child's role
     * @param perm the parent's cumulative required permissions
     * @param shared the parent's cumulative shared permissions
     * @return the permissions the parent needs on the child and shares with its other parents
     */
    public static PermPair defaults(Node bs, Role role, int perm, int shared) {
        if (role.has(Role.FILTERED)) {
            return new PermPair(perm & Permission.PASSTHROUGH, shared & Permission.PASSTHROUGH);
        }
        if (role.has(Role.COW)) {
            int p = perm & Permission.CONSISTENT_READ.bit();
            int s = (shared & Permission.WRITE.bit()) != 0
                    ? Permission.WRITE.bit() | Permission.RESIZE.bit() : 0;
            s |= Permission.CONSISTENT_READ.bit() | Permission.WRITE_UNCHANGED.bit();
            return new PermPair(p, s);
        }
        if ((role.bits() & (Role.DATA | Role.METADATA)) != 0) {
            int p = perm & Permission.PASSTHROUGH;
            int s = shared & Permission.PASSTHROUGH;
            if (role.has(Role.METADATA)) {
                if (!bs.isReadOnly()) {
                    p |= Permission.WRITE.bit() | Permission.RESIZE.bit();
                }
                p |= Permission.CONSISTENT_READ.bit();
                s &= ~(Permission.WRITE.bit() | Permission.RESIZE.bit());
            }
            if (role.has(Role.DATA)) {
                s &= ~Permission.RESIZE.bit();
                if ((p & Permission.WRITE_UNCHANGED.bit()) != 0) {
                    p |= Permission.WRITE.bit();
                }
                if ((p & Permission.WRITE.bit()) != 0) {
                    p |= Permission.RESIZE.bit();
                }
            }
            return new PermPair(p, s);
        }
        return new PermPair(0, Permission.ALL);
    }
}
