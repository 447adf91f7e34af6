package org.blockgraph.graph;

/** Node-name validation as QEMU's {@code bdrv_assign_node_name} does it. */
public final class NodeNames {
    /** Node names are stored in a 32-byte buffer upstream, so at most 31 characters. */
    public static final int MAX_LENGTH = 31;

    private NodeNames() {
    }

    /**
     * QEMU's {@code id_wellformed}: a letter first, then letters, digits, {@code -}, {@code .} or {@code _}.
     * Generated names start with {@code #}, which users cannot use.
     *
     * @param id a proposed node name
     * @return true if users may give a node that name
     */
    public static boolean wellFormed(String id) {
        if (id == null || id.isEmpty() || !isAsciiLetter(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.' && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Checks a user-given name; the error texts and their order are upstream's. */
    static void validate(String name, BlockGraph graph) {
        if (!wellFormed(name)) {
            throw new GraphException("Invalid node-name: '" + name + "'");
        }
        if (graph.hasBlockBackendNamed(name)) {
            throw new GraphException("node-name=" + name + " is conflicting with a device id");
        }
        if (graph.findNode(name) != null) {
            throw new GraphException("Duplicate nodes with node-name='" + name + "'");
        }
        if (name.length() > MAX_LENGTH) {
            throw new GraphException("Node name too long");
        }
    }
}
