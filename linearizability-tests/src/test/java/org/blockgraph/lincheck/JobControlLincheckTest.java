package org.blockgraph.lincheck;

import static org.blockgraph.lincheck.Scenarios.call;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.blockgraph.job.ControlLock;
import org.blockgraph.job.Errno;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobContext;
import org.blockgraph.job.JobDriver;
import org.blockgraph.job.JobException;
import org.blockgraph.job.JobOptions;
import org.blockgraph.job.JobRegistry;
import org.blockgraph.job.JobState;
import org.blockgraph.job.JobStatus;
import org.blockgraph.job.JobVerb;
import org.blockgraph.job.StepOutcome;
import org.blockgraph.trace.TraceSink;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.annotations.StateRepresentation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.junit.jupiter.api.Test;

/**
 * Job control (reference §6; {@link Job}): {@code job-pause}, {@code job-resume}, {@code block-job-set-speed},
 * {@code job-cancel}, {@code job-complete}, {@code job-finalize}, {@code job-dismiss}, the drain side's
 * {@link Job#pause()} / {@link Job#resume()}, and a read of the job's state, issued from several Lincheck threads
 * against a started job with manual finalize and dismiss. The job's driver is mirror-like: it copies
 * {@link #UNITS} unit(s), goes READY, then idles until {@code complete} or a cancel, so every verb of the table is
 * legal in some reachable status. Its steps run on a {@link SteppedExecutor} (a ManualJobExecutor that Lincheck
 * can walk) that the {@link #step()} operation moves by one task (an entry, or the completion's exit), so the
 * job's own progress interleaves with the commands.
 *
 * <p>Sequential specification ({@link Spec}): the job state machine of §6 written out once more, by itself: the
 * verb table ({@link JobVerb#allowedIn}, which JobTablesTest checks against upstream's), the status transitions,
 * the pause counter (user pause, on-error stop and drain pauses counted together), the busy protocol and the
 * executor's queue, the rate limit (a fake clock that never moves, so a job over its limit sleeps until a looser
 * set-speed or a kick), cancel (force, or soft on a READY job), and the completion path (WAITING, PENDING, finalize,
 * CONCLUDED, dismiss, NULL). Refusals return the exact upstream text. {@code @Validate} checks the invariants: a
 * legal status, a non-negative pause counter that covers the user pause, a parked job is PAUSED or STANDBY, and the
 * driver saw no step while the job was paused and no two steps at once.
 *
 * <p>Not linearizable, so not operations: an unbalanced drain-side {@link Job#resume()} (a drain ends only a
 * section it began; the core's check is {@code pauseCount > 0}, so an unbalanced one would end a user pause);
 * two threads stepping the same job at once ({@code step} is in one
 * non-parallel group, as a job's entries never overlap: one thread's step could find the queue empty while the
 * other's entry still runs and is about to queue the next one); the wall clock (the rate limiter reads the
 * executor's fake clock, which no operation moves: time passing is not an atomic event of the job). A read of the
 * progress in the middle of a step that both goes READY and copies would be torn (READY with the old offset), so
 * the driver goes READY in a step that copies nothing. All the listed operations are linearizable: each command
 * runs under the job mutex (and the control lock where the core takes it), and a step is linearized at its
 * pause-point decision; the driver's work between its two mutex sections only touches the driver's own fields and
 * flags the step's mutex sections read.
 *
 * <p>Broken twin ({@link RacyCancel}): a {@code block-job-cancel} front end that decides "force" from a status read
 * outside the job mutex ({@code force || !job.status().isReady()}, the decision the core makes under the mutex) and
 * then calls {@code job.cancel(force)}: a job that goes READY in between is force-cancelled (aborted) where a soft
 * cancel should complete it without pivoting. Sequentially identical to the core's cancel.
 */
@Param(name = "flag", gen = IntGen.class, conf = "0:1")
@Param(name = "speed", gen = IntGen.class, conf = "-1:2")
public class JobControlLincheckTest {
    /** Units the driver copies before it goes READY. */
    static final int UNITS = 1;
    static final String ID = "job0";

    final SteppedExecutor executor = new SteppedExecutor();
    final JobRegistry registry = new JobRegistry(executor, ControlLock.reentrant(), TraceSink.OFF);
    final MirrorLike driver = new MirrorLike();
    final Job job;
    /** Drained sections open on the job's edge; touched only by the control group's thread. */
    private int drainPauses;

    /** A started job with manual finalize and dismiss, its first entry queued. */
    public JobControlLincheckTest() {
        job = registry.create(JobOptions.withId(ID).autoFinalize(false).autoDismiss(false), driver);
        job.start();
    }

    @Operation(nonParallelGroup = "executor")
    public String step() {
        driver.lastOutcome = null;
        String kind = executor.runNext();
        if (kind == null) {
            return "none";
        }
        String outcome = driver.lastOutcome;
        return kind + (outcome != null ? ":" + outcome : "");
    }

    @Operation
    public String pause() {
        return command(job::userPause);
    }

    @Operation
    public String resume() {
        return command(job::userResume);
    }

    @Operation
    public String setSpeed(@Param(name = "speed") int speed) {
        return command(() -> job.setSpeed(speed));
    }

    @Operation
    public String cancel(@Param(name = "flag") int force) {
        return command(() -> job.cancel(force != 0));
    }

    @Operation
    public String complete() {
        return command(job::complete);
    }

    @Operation
    public String finalizeJob() {
        return command(job::finalizeJob);
    }

    @Operation
    public String dismiss() {
        return command(job::dismiss);
    }

    /**
     * A drained job edge begins: pause without the verb table (QEMU's child_job_drained_begin). Drains run on the
     * control thread, hence the non-parallel group; {@code drainPauses} counts the sections open.
     */
    @Operation(nonParallelGroup = "control")
    public void drainPause() {
        job.pause();
        drainPauses++;
    }

    /**
     * The drained job edge ends (QEMU's child_job_drained_end), if one is open ("none" otherwise: a drain ends
     * only a section it began, so an unbalanced {@link Job#resume()} is not an operation; see docs/lincheck.md).
     */
    @Operation(nonParallelGroup = "control")
    public String drainResume() {
        if (drainPauses == 0) {
            return "none";
        }
        drainPauses--;
        job.resume();
        return "ok";
    }

    @Operation
    public String query() {
        return describe(job.state());
    }

    static String command(Runnable verb) {
        try {
            verb.run();
            return "ok";
        } catch (JobException e) {
            return "refused: " + e.getMessage();
        }
    }

    static String describe(JobState s) {
        return s.status().qapiName() + " pc=" + s.pauseCount() + " speed=" + s.speed() + " off=" + s.offset()
                + (s.forceCancel() ? " force" : s.cancelled() ? " soft" : "");
    }

    @Validate
    public void invariants() {
        JobState s = job.state();
        String v = driver.violation.get();
        if (v != null) {
            throw new AssertionError(v);
        }
        if (s.status() == JobStatus.UNDEFINED || s.status() == JobStatus.CREATED) {
            throw new AssertionError("a started job in status " + s.status());
        }
        if (s.pauseCount() < 0 || (s.userPaused() && s.pauseCount() < 1)) {
            throw new AssertionError("pause count " + s.pauseCount() + " with userPaused=" + s.userPaused());
        }
        if (s.paused() && s.status() != JobStatus.PAUSED && s.status() != JobStatus.STANDBY
                && s.status() != JobStatus.NULL) {
            throw new AssertionError("parked at a pause point in status " + s.status());
        }
    }

    @StateRepresentation
    public String state() {
        return describe(job.state()) + " tasks=" + executor.describe();
    }

    /**
     * A mirror-like driver: copies {@link #UNITS} one-byte units, goes READY in a step that copies nothing, then
     * idles until complete or a cancel is requested, and finishes. Records the outcome of each step for the
     * {@code step} operation, and any step taken while the job was paused or while another step ran.
     */
    static final class MirrorLike implements JobDriver {
        private int next;
        private boolean ready;
        /** The outcome of the step that ran in the current {@code step} operation; null if no step ran. */
        String lastOutcome;
        final AtomicInteger running = new AtomicInteger();
        final AtomicReference<String> violation = new AtomicReference<>();

        @Override
        public String type() {
            return "mirror";
        }

        @Override
        public StepOutcome step(JobContext ctx) {
            if (running.incrementAndGet() != 1) {
                violation.compareAndSet(null, "two steps at once");
            }
            try {
                JobStatus s = ctx.status();
                if (s == JobStatus.PAUSED || s == JobStatus.STANDBY) {
                    violation.compareAndSet(null, "a step ran while the job was " + s);
                }
                if (next < UNITS) {
                    next++;
                    lastOutcome = "progress";
                    return StepOutcome.progress(1, 1);
                }
                if (!ready) {
                    ready = true;
                    ctx.transitionToReady();
                    lastOutcome = "ready";
                    return StepOutcome.progress(0, 0);
                }
                if (ctx.completeRequested() || ctx.cancelRequested()) {
                    lastOutcome = "done";
                    return StepOutcome.done();
                }
                lastOutcome = "idle";
                return StepOutcome.idle();
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public boolean supportsComplete() {
            return true;
        }

        @Override
        public void complete(JobContext ctx) {
            // Accepted: the next step sees completeRequested and finishes.
        }

        @Override
        public boolean cancel(JobContext ctx, boolean force) {
            return force || !ctx.status().isReady();
        }
    }

    /** The sequential job state machine (reference §6) for this driver; see the class comment. */
    public static class Spec {
        private static final long BURST = 100_000_000L;

        private JobStatus status = JobStatus.RUNNING;
        private JobStatus statusBeforePause;
        private int pauseCount;
        private int drainPauses;
        private boolean userPaused;
        private boolean paused;
        private boolean busy = true;
        private boolean deferred;
        private boolean exitPending;
        private boolean wakeRequested;
        private boolean cancelled;
        private boolean forceCancel;
        private boolean completeRequested;
        private boolean aborting;
        private boolean sleeping;
        private int ret;
        private long offset;
        private long speed;
        /** The rate limiter's theoretical time; the clock stays at 0. */
        private long theoretical;
        private final Deque<String> queue = new ArrayDeque<>(List.of("entry"));
        private int next;
        private boolean ready;

        public String step() {
            String kind = queue.poll();
            if (kind == null) {
                return "none";
            }
            if (kind.equals("exit")) {
                if (exitPending) {
                    runExit();
                }
                return "exit";
            }
            if (deferred || !busy) {
                return "entry";
            }
            wakeRequested = false;
            if (paused) {
                paused = false;
                status = statusBeforePause;
            }
            if (pauseCount > 0 && !forceCancel) {
                statusBeforePause = status;
                status = status == JobStatus.READY ? JobStatus.STANDBY : JobStatus.PAUSED;
                paused = true;
                busy = false;
                return "entry";
            }
            if (forceCancel) {
                endRun();
                return "entry";
            }
            if (pendingDelay() > 0) {
                sleep();
                return "entry";
            }
            if (next < UNITS) {
                next++;
                progress(1);
                return "entry:progress";
            }
            if (!ready) {
                ready = true;
                status = JobStatus.READY;
                progress(0);
                return "entry:ready";
            }
            if (completeRequested || cancelled) {
                endRun();
                return "entry:done";
            }
            if (forceCancel || pauseCount > 0 || wakeRequested) {
                queue.add("entry");
            } else {
                busy = false;
            }
            return "entry:idle";
        }

        private void progress(long bytes) {
            offset += bytes;
            long delay = 0;
            if (speed != 0 && bytes > 0) {
                theoretical = Math.max(theoretical, 0) + (bytes * 1_000_000_000L + speed - 1) / speed;
                delay = Math.max(0, theoretical - BURST);
            }
            if (delay > 0 && !forceCancel && pauseCount == 0) {
                sleep();
            } else {
                queue.add("entry");
            }
        }

        private long pendingDelay() {
            return speed == 0 ? 0 : Math.max(0, theoretical - BURST);
        }

        private void sleep() {
            busy = false;
            sleeping = true;
        }

        private void enter() {
            if (deferred) {
                return;
            }
            if (busy) {
                wakeRequested = true;
                return;
            }
            sleeping = false;
            busy = true;
            queue.add("entry");
        }

        private void endRun() {
            deferred = true;
            busy = true;
            exitPending = true;
            sleeping = false;
            queue.add("exit");
        }

        private void runExit() {
            exitPending = false;
            busy = false;
            if (forceCancel) {
                ret = Errno.ECANCELED;
            }
            if (ret != 0) {
                status = JobStatus.ABORTING;
                abortTxn();
            } else {
                status = JobStatus.PENDING; // through WAITING: the job is alone in its transaction
            }
        }

        private void abortTxn() {
            if (aborting) {
                return;
            }
            aborting = true;
            if (!status.isCompleted()) {
                // finishSync: the run ended already (deferred), so its completion runs now
                runExit();
            }
            status = JobStatus.CONCLUDED;
        }

        private String refuse(JobVerb verb) {
            return verb.allowedIn(status) ? null : "refused: " + verb.refusal(ID, status);
        }

        public String pause() {
            String r = refuse(JobVerb.PAUSE);
            if (r != null) {
                return r;
            }
            if (userPaused) {
                return "refused: Job is already paused";
            }
            userPaused = true;
            pauseLocked();
            return "ok";
        }

        private void pauseLocked() {
            pauseCount++;
            if (!paused) {
                enter();
            }
        }

        public String resume() {
            if (!userPaused || pauseCount <= 0) {
                return "refused: Can't resume a job that was not paused";
            }
            String r = refuse(JobVerb.RESUME);
            if (r != null) {
                return r;
            }
            userPaused = false;
            resumeLocked();
            return "ok";
        }

        private void resumeLocked() {
            pauseCount--;
            if (pauseCount == 0 && !sleeping) {
                enter();
            }
        }

        public String setSpeed(int v) {
            String r = refuse(JobVerb.SET_SPEED);
            if (r != null) {
                return r;
            }
            if (v < 0) {
                return "refused: Parameter 'speed' expects a non-negative value";
            }
            long old = speed;
            speed = v;
            theoretical = 0;
            if ((v == 0 || v > old) && sleeping) {
                enter();
            }
            return "ok";
        }

        public String cancel(int flag) {
            String r = refuse(JobVerb.CANCEL);
            if (r != null) {
                return r;
            }
            boolean force = flag != 0;
            boolean effective = force || !status.isReady();
            if (userPaused) {
                userPaused = false;
                pauseCount--;
            }
            if (effective || !deferred) {
                cancelled = true;
                forceCancel |= effective;
            }
            if (deferred) {
                if (forceCancel) {
                    abortTxn();
                }
            } else {
                enter();
            }
            return "ok";
        }

        public String complete() {
            String r = refuse(JobVerb.COMPLETE);
            if (r != null) {
                return r;
            }
            if (cancelled) {
                return "refused: The active block job '" + ID + "' cannot be completed";
            }
            completeRequested = true;
            enter();
            return "ok";
        }

        public String finalizeJob() {
            String r = refuse(JobVerb.FINALIZE);
            if (r != null) {
                return r;
            }
            status = JobStatus.CONCLUDED;
            return "ok";
        }

        public String dismiss() {
            String r = refuse(JobVerb.DISMISS);
            if (r != null) {
                return r;
            }
            busy = false;
            paused = false;
            deferred = true;
            exitPending = false;
            sleeping = false;
            status = JobStatus.NULL;
            return "ok";
        }

        public void drainPause() {
            drainPauses++;
            pauseLocked();
        }

        public String drainResume() {
            if (drainPauses == 0) {
                return "none";
            }
            drainPauses--;
            resumeLocked();
            return "ok";
        }

        public String query() {
            return status.qapiName() + " pc=" + pauseCount + " speed=" + speed + " off=" + offset
                    + (forceCancel ? " force" : cancelled ? " soft" : "");
        }
    }

    /** The broken twin: a soft cancel whose force decision reads the status outside the job mutex. */
    public static class RacyCancel extends JobControlLincheckTest {
        @Override
        public String cancel(int force) {
            boolean decided = force != 0 || !job.status().isReady();
            return command(() -> job.cancel(decided));
        }
    }

    @Test
    void modelChecking() {
        LinChecker.check(JobControlLincheckTest.class, Budget.modelChecking(Spec.class, 2, 3));
    }

    @Test
    void stress() {
        LinChecker.check(JobControlLincheckTest.class, Budget.stress(Spec.class, 2, 3));
    }

    /**
     * The twin on the one scenario its bug needs: the job copied its unit; one thread takes the step that makes it
     * READY while another soft-cancels it; then the state is read.
     */
    @Test
    void brokenTwinFails() {
        Twins.assertCaught("JobControl", () -> LinChecker.check(RacyCancel.class, Budget.twinOn(Spec.class,
                Scenarios.scenario(RacyCancel.class,
                        List.of(call("step")),
                        List.of(List.of(call("step")), List.of(call("cancel", 0))),
                        List.of(call("query"))))));
    }
}
