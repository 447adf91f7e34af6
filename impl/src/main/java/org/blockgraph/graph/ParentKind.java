package org.blockgraph.graph;

/** The three kinds of parents a node can have (QEMU child classes {@code child_of_bds}, {@code child_root},
 * {@code child_job}). */
public enum ParentKind {
    /** Another node. */
    NODE,
    /** A BlockBackend (a device's view of a node). */
    BLOCK_BACKEND,
    /** A block job. */
    JOB
}
