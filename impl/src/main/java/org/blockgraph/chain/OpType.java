package org.blockgraph.chain;

/** Operation types an op blocker can refuse (upstream's {@code BlockOpType}). */
public enum OpType {
    BACKUP_SOURCE, BACKUP_TARGET, CHANGE, COMMIT_SOURCE, COMMIT_TARGET, DATAPLANE, DRIVE_DEL, EJECT,
    EXTERNAL_SNAPSHOT, INTERNAL_SNAPSHOT, INTERNAL_SNAPSHOT_DELETE, MIRROR_SOURCE, MIRROR_TARGET, RESIZE, STREAM,
    REPLACE;

    /** Ops that a backing edge does not block on its child (reference §3.6 rule 2, {@code bdrv_backing_attach}). */
    public boolean allowedOnBackingChild() {
        return this == COMMIT_TARGET || this == STREAM || this == BACKUP_SOURCE || this == BACKUP_TARGET;
    }
}
