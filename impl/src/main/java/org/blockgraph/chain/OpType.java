package org.blockgraph.chain;

/** Operation types an op blocker can refuse (upstream's {@code BlockOpType}). */
public enum OpType {
    /** Being the source of a backup job ({@code BLOCK_OP_TYPE_BACKUP_SOURCE}). */
    BACKUP_SOURCE,
    /** Being the target of a backup job ({@code BLOCK_OP_TYPE_BACKUP_TARGET}). */
    BACKUP_TARGET,
    /** Changing the medium ({@code BLOCK_OP_TYPE_CHANGE}). */
    CHANGE,
    /** Being the top of a commit job ({@code BLOCK_OP_TYPE_COMMIT_SOURCE}). */
    COMMIT_SOURCE,
    /** Being the base a commit job writes into ({@code BLOCK_OP_TYPE_COMMIT_TARGET}). */
    COMMIT_TARGET,
    /** Moving to an IOThread for dataplane ({@code BLOCK_OP_TYPE_DATAPLANE}). */
    DATAPLANE,
    /** Deleting the drive ({@code BLOCK_OP_TYPE_DRIVE_DEL}). */
    DRIVE_DEL,
    /** Ejecting the medium ({@code BLOCK_OP_TYPE_EJECT}). */
    EJECT,
    /** Taking an external snapshot, {@code blockdev-snapshot} ({@code BLOCK_OP_TYPE_EXTERNAL_SNAPSHOT}). */
    EXTERNAL_SNAPSHOT,
    /** Taking an internal snapshot ({@code BLOCK_OP_TYPE_INTERNAL_SNAPSHOT}). */
    INTERNAL_SNAPSHOT,
    /** Deleting an internal snapshot ({@code BLOCK_OP_TYPE_INTERNAL_SNAPSHOT_DELETE}). */
    INTERNAL_SNAPSHOT_DELETE,
    /** Being the source of a mirror job ({@code BLOCK_OP_TYPE_MIRROR_SOURCE}). */
    MIRROR_SOURCE,
    /** Being the target of a mirror job ({@code BLOCK_OP_TYPE_MIRROR_TARGET}). */
    MIRROR_TARGET,
    /** Resizing the image ({@code BLOCK_OP_TYPE_RESIZE}). */
    RESIZE,
    /** Being in the range of a stream job ({@code BLOCK_OP_TYPE_STREAM}). */
    STREAM,
    /** Being replaced by a mirror's completion or {@code x-blockdev-change} ({@code BLOCK_OP_TYPE_REPLACE}). */
    REPLACE;

    /**
     * Ops that a backing edge does not block on its child (reference §3.6 rule 2, {@code bdrv_backing_attach}).
     *
     * @return true for COMMIT_TARGET, STREAM, BACKUP_SOURCE and BACKUP_TARGET, which a backing node stays open to
     */
    public boolean allowedOnBackingChild() {
        return this == COMMIT_TARGET || this == STREAM || this == BACKUP_SOURCE || this == BACKUP_TARGET;
    }
}
