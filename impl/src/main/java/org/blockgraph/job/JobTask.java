package org.blockgraph.job;

import java.util.Objects;

/**
 * One unit the embedder's executor runs for a job. Labelled so that a hand-stepped executor (tests, Lincheck) can
 * choose which job moves next.
 *
 * @param job  the job the task belongs to
 * @param kind what the task does
 * @param body the work
 */
public record JobTask(Job job, Kind kind, Runnable body) implements Runnable {

    /** What a task does. */
    public enum Kind {
        /** Enters the job: a pause point, then one step of its work (coroutine entry in QEMU). */
        ENTRY,
        /** The job's rate-limit sleep timer fired. */
        WAKE,
        /** The job's run ended: its completion runs under the control lock (QEMU's job_exit bottom half). */
        EXIT
    }

    /**
     * Checks that every component is set.
     *
     * @param job  the job the task belongs to
     * @param kind what the task does
     * @param body the work
     * @throws NullPointerException if any argument is null
     */
    public JobTask {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(body, "body");
    }

    @Override
    public void run() {
        body.run();
    }

    @Override
    public String toString() {
        return kind + "(" + job.displayName() + ")";
    }
}
