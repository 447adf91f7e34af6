package org.blockgraph.job;

/**
 * A consistent snapshot of a job's state, taken under the job mutex: what tests compare before and after a
 * refused command, what invariant checks read, and a compact state for Lincheck reports.
 *
 * @param pauseCount    pause requests in effect (user pause, on-error stop, drained job edges; 1 while created)
 * @param userPaused    a user pause or on-error stop is in effect
 * @param paused        parked at a pause point (or not started)
 * @param busy          an entry is submitted or running, or the completion is pending
 * @param deferred      the run ended (no more steps)
 * @param cancelled     a cancel was requested
 * @param forceCancel   a force cancel was requested
 * @param ret           0, or the positive errno the job failed with
 * @param error         the job's error text when {@code ret != 0}
 */
public record JobState(JobStatus status, int pauseCount, boolean userPaused, boolean paused, boolean busy,
                       boolean started, boolean deferred, boolean cancelled, boolean forceCancel,
                       boolean completeRequested, long offset, long len, long speed, IoStatus ioStatus, int ret,
                       String error) {
}
