package org.blockgraph.job;

import java.util.ArrayList;
import java.util.List;

/**
 * A group of jobs that finalize or abort together (QEMU's JobTxn). A job that fails or is force-cancelled aborts
 * its transaction: every other job is force-cancelled and finished synchronously, and all are aborted. Jobs
 * created without a transaction get one of their own.
 *
 * <p>Guarded by the registry's job mutex; membership changes only under the control lock too.
 */
public final class JobTxn {
    /** Members not yet finalized, in the order they joined. Guarded by the job mutex. */
    final List<Job> jobs = new ArrayList<>();
    /** Set once the abort of this transaction started. Guarded by the job mutex. */
    boolean aborting;

    JobTxn() {
    }
}
