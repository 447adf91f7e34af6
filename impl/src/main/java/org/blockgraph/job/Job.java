package org.blockgraph.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.blockgraph.trace.SpecAction;
import org.blockgraph.trace.TraceSink;

/**
 * A long-running block job (QEMU's Job + BlockJob): status machine, pause points, cancel, complete, finalize,
 * dismiss, rate limit, on-error policy, progress, events and transactions. The work itself is a
 * {@link JobDriver}'s steps, run on the registry's {@link JobExecutor}.
 *
 * <p>Implements the jobs part of the chain spec (actions {@link SpecAction#JobPause} ... {@link SpecAction#JobConclude})
 * and, for the drain spec, {@link SpecAction#JobPausePoint}, {@link SpecAction#JobStep} and {@link SpecAction#JobExit}.
 *
 * <h2>How the coroutine maps onto tasks</h2>
 * QEMU runs a job as a coroutine that yields at pause points and sleeps. Here each entry of the coroutine is one
 * {@link JobTask.Kind#ENTRY} task: a pause point, then one driver step. {@code busy} is true from the moment an
 * entry is submitted until the job parks (pause point, rate-limit sleep, idle), exactly as QEMU's busy flag; a
 * busy job is never submitted twice, so the steps of one job never overlap. When the run ends the job is
 * {@code deferred} and an {@link JobTask.Kind#EXIT} task runs its completion under the control lock.
 *
 * <h2>Memory ordering</h2>
 * Every mutable field below is plain and guarded by the registry's job mutex ({@link #mutex}); there are no
 * lock-free reads. Immutable configuration is final. Driver state is ordered by the executor hand-off between
 * entries (submit happens-before run) and by the mutex released after each step.
 */
public final class Job {
    private final JobRegistry registry;
    /** The registry-wide job mutex (QEMU's job_mutex). */
    private final ReentrantLock mutex;
    /** Signalled when a step finishes (a transaction abort waits on it). Bound to {@link #mutex}. */
    private final Condition stepDone;
    private final String id;
    private final JobDriver driver;
    private final boolean autoFinalize;
    private final boolean autoDismiss;
    private final OnError onError;
    private final Context context = new Context();
    private final RateLimiter limiter = new RateLimiter();

    // ---- All fields below: guarded by mutex.
    private JobStatus status = JobStatus.UNDEFINED;
    /** Pause requests: user pause, on-error stop, and one per quiesced job edge (drain); 1 while CREATED. */
    private int pauseCount = 1;
    /** A user pause (or on-error stop) is in effect; at most one counts in pauseCount. */
    private boolean userPaused;
    /** Parked at a pause point (or never started). */
    private boolean paused = true;
    /** Between an entry's submission and the job parking; also while its completion is pending. */
    private boolean busy;
    private boolean started;
    /** The run ended (QEMU's deferred_to_main_loop): no more steps. */
    private boolean deferred;
    /** The run ended and its completion has not run yet. */
    private boolean exitPending;
    /** A driver step runs now, in {@link #stepThread}. */
    private boolean stepRunning;
    private Thread stepThread;
    /** Some kick arrived while the job was busy; an idle outcome then continues instead of parking. */
    private boolean wakeRequested;
    private boolean cancelled;
    private boolean forceCancel;
    private boolean completeRequested;
    /** 0, or the positive errno the job failed with (QEMU's -ret). */
    private int ret;
    private String errorMessage;
    /** The first error noted under on-error report/ignore in this run. */
    private IoError firstError;
    /** The on-error action of the step that runs now (REPORT ends the run). */
    private ErrorAction stepAction;
    private long progressCurrent;
    private long progressTotal;
    private IoStatus ioStatus = IoStatus.OK;
    private JobStatus statusBeforePause;
    private JobExecutor.Timer sleepTimer;
    /** Bumped whenever the sleep timer is armed or cancelled, so a stale timer task does nothing. */
    private long timerGeneration;
    private JobTxn txn;

    Job(JobRegistry registry, JobOptions options, JobDriver driver, JobTxn txn) {
        this.registry = registry;
        this.mutex = registry.mutex;
        this.stepDone = registry.stepDone;
        this.id = options.id();
        this.driver = driver;
        this.autoFinalize = options.autoFinalize();
        this.autoDismiss = options.autoDismiss();
        this.onError = options.onError();
        this.limiter.setSpeed(options.speed(), registry.executor.clock().nanoTime());
        this.txn = txn;
        txn.jobs.add(this);
        transition(JobStatus.CREATED);
    }

    // =====================================================================================================
    // Read side
    // =====================================================================================================

    /**
     * The job id, or null for an internal job.
     *
     * @return the job id, or null
     */
    public String id() {
        return id;
    }

    /**
     * The job type ({@code stream}, {@code commit}, ...).
     *
     * @return the driver's QAPI job type
     */
    public String type() {
        return driver.type();
    }

    /**
     * The driver this job runs.
     *
     * @return the driver
     */
    public JobDriver driver() {
        return driver;
    }

    /**
     * The id, or a placeholder naming an internal job, for messages and task labels.
     *
     * @return the id, or {@code <internal TYPE>} for an internal job
     */
    public String displayName() {
        return id != null ? id : "<internal " + driver.type() + ">";
    }

    /**
     * The job's current status.
     *
     * @return the status, read under the job mutex
     */
    public JobStatus status() {
        mutex.lock();
        try {
            return status;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * A consistent copy of the job's state, for tests, invariant checks and compact Lincheck states.
     *
     * @return a snapshot of the job's state, taken under the job mutex
     */
    public JobState state() {
        mutex.lock();
        try {
            return stateLocked();
        } finally {
            mutex.unlock();
        }
    }

    private JobState stateLocked() {
        return new JobState(status, pauseCount, userPaused, paused, busy, started, deferred, cancelled, forceCancel,
                completeRequested, progressCurrent, progressTotal, limiter.speed(), ioStatus, ret, errorMessage);
    }

    /**
     * This job's {@code query-jobs} entry.
     *
     * @return the entry, with the error text only if the job failed
     */
    public JobInfo info() {
        mutex.lock();
        try {
            return new JobInfo(id, driver.type(), status, progressCurrent, progressTotal,
                    ret != 0 ? errorMessage : null);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * This job's {@code query-block-jobs} entry.
     *
     * @return the entry
     */
    public BlockJobInfo blockInfo() {
        mutex.lock();
        try {
            return new BlockJobInfo(driver.type(), id, progressTotal, progressCurrent, busy, pauseCount > 0,
                    limiter.speed(), ioStatus, status.isReady(), status, autoFinalize, autoDismiss,
                    ret != 0 ? errorMessage : null);
        } finally {
            mutex.unlock();
        }
    }

    // =====================================================================================================
    // Commands (QMP verbs)
    // =====================================================================================================

    /** Starts the job (QEMU's job_start): CREATED to RUNNING; the first entry is a pause point. */
    public void start() {
        registry.control.lock();
        mutex.lock();
        try {
            if (started || status != JobStatus.CREATED) {
                throw new IllegalStateException("job " + displayName() + " cannot start in state " + status);
            }
            started = true;
            pauseCount--;
            busy = true;
            paused = false;
            transition(JobStatus.RUNNING);
            trace(SpecAction.JobStart);
            submitEntry();
        } finally {
            mutex.unlock();
            registry.control.unlock();
        }
    }

    /** {@code job-pause}. */
    public void userPause() {
        mutex.lock();
        try {
            checkVerb(JobVerb.PAUSE, SpecAction.JobPause);
            if (userPaused) {
                refuse(SpecAction.JobPause, "Job is already paused");
            }
            userPaused = true;
            pauseLocked();
            traceOk(SpecAction.JobPause);
        } finally {
            mutex.unlock();
        }
    }

    /** {@code job-resume}: undoes a user pause or an on-error stop; io-status goes back to ok. */
    public void userResume() {
        mutex.lock();
        try {
            // Upstream checks the pause before the verb table: a job that was not paused gets this text in
            // every state.
            if (!userPaused || pauseCount <= 0) {
                refuse(SpecAction.JobResume, "Can't resume a job that was not paused");
            }
            checkVerb(JobVerb.RESUME, SpecAction.JobResume);
            ioStatus = IoStatus.OK;
            userPaused = false;
            resumeLocked();
            traceOk(SpecAction.JobResume);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * {@code block-job-set-speed}: bytes per second, 0 for unlimited.
     *
     * @param speed the new rate limit in bytes per second, 0 for unlimited
     * @throws JobException (EPERM) if the verb table refuses the command or {@code speed} is negative
     */
    public void setSpeed(long speed) {
        mutex.lock();
        try {
            checkVerb(JobVerb.SET_SPEED, SpecAction.JobSetSpeed);
            if (speed < 0) {
                refuse(SpecAction.JobSetSpeed, "Parameter 'speed' expects a non-negative value");
            }
            long old = limiter.speed();
            limiter.setSpeed(speed, registry.executor.clock().nanoTime());
            traceOk(SpecAction.JobSetSpeed, "speed", speed);
            // A sleeping job is woken only when the limit got looser (upstream kicks only if a timer is pending).
            if ((speed == 0 || speed > old) && sleepTimer != null) {
                enterLocked();
            }
        } finally {
            mutex.unlock();
        }
    }

    /**
     * {@code block-job-change}.
     *
     * @param options the type-specific options, handed to {@link JobDriver#change}
     * @throws JobException if the verb table refuses the command, the job type does not support change, or the driver refuses the options
     * @throws NullPointerException if {@code options} is null
     */
    public void change(Map<String, Object> options) {
        Objects.requireNonNull(options, "options");
        registry.control.lock();
        mutex.lock();
        try {
            checkVerb(JobVerb.CHANGE, SpecAction.JobChange);
            if (!driver.supportsChange()) {
                refuse(SpecAction.JobChange, "Job type does not support change");
            }
            try {
                outsideMutex(() -> driver.change(context, options));
            } catch (JobException e) {
                traceRefusal(SpecAction.JobChange, e.getMessage());
                throw e;
            }
            traceOk(SpecAction.JobChange);
        } finally {
            mutex.unlock();
            registry.control.unlock();
        }
    }

    /**
     * {@code job-cancel} ({@code force = true} as {@code block-job-cancel force=true}). Force cancel stops the job at
     * its next step boundary (also through a drain pause); a soft cancel is what the driver makes of it (a READY
     * mirror-style job completes without pivoting). A user-paused job is unpaused; a job never started completes
     * at once.
     *
     * @param force whether to force-cancel ({@code block-job-cancel force=true}); {@code job-cancel} always forces
     * @throws JobException (EPERM) if the verb table refuses the command in the job's current status
     */
    public void cancel(boolean force) {
        registry.control.lock();
        mutex.lock();
        try {
            checkVerb(JobVerb.CANCEL, SpecAction.JobCancel);
            traceOk(SpecAction.JobCancel, "force", force);
            cancelLocked(force);
        } finally {
            mutex.unlock();
            registry.control.unlock();
        }
    }

    /** {@code job-complete}: a READY (or STANDBY) mirror-style job finishes its run and pivots. */
    public void complete() {
        registry.control.lock();
        mutex.lock();
        try {
            checkVerb(JobVerb.COMPLETE, SpecAction.JobComplete);
            if (cancelled || !driver.supportsComplete()) {
                refuse(SpecAction.JobComplete,
                        String.format("The active block job '%s' cannot be completed", id));
            }
            try {
                outsideMutex(() -> driver.complete(context));
            } catch (JobException e) {
                traceRefusal(SpecAction.JobComplete, e.getMessage());
                throw e;
            }
            completeRequested = true;
            traceOk(SpecAction.JobComplete);
            enterLocked();
        } finally {
            mutex.unlock();
            registry.control.unlock();
        }
    }

    /** {@code job-finalize}: a PENDING job's transaction runs prepare, then commit or abort, and concludes. */
    public void finalizeJob() {
        registry.control.lock();
        mutex.lock();
        try {
            checkVerb(JobVerb.FINALIZE, SpecAction.JobFinalize);
            traceOk(SpecAction.JobFinalize);
            doFinalize(this);
        } finally {
            mutex.unlock();
            registry.control.unlock();
        }
    }

    /** {@code job-dismiss}: a CONCLUDED job goes to NULL and leaves the registry. */
    public void dismiss() {
        registry.control.lock();
        mutex.lock();
        try {
            checkVerb(JobVerb.DISMISS, SpecAction.JobDismiss);
            traceOk(SpecAction.JobDismiss);
            doDismiss();
        } finally {
            mutex.unlock();
            registry.control.unlock();
        }
    }

    /**
     * Removes a job that could not be set up (QEMU's job_early_fail): CREATED to NULL, no events but the status
     * changes, no hooks.
     */
    public void earlyFail() {
        registry.control.lock();
        mutex.lock();
        try {
            if (status != JobStatus.CREATED) {
                throw new IllegalStateException("early fail of job " + displayName() + " in state " + status);
            }
            doDismiss();
        } finally {
            mutex.unlock();
            registry.control.unlock();
        }
    }

    // =====================================================================================================
    // Drain side and kicks
    // =====================================================================================================

    /**
     * A drained parent edge of the job asks it to pause (QEMU's child_job_drained_begin / job_pause). The job
     * stops at its next pause point; a sleeping or idle job is kicked so it gets there.
     */
    public void pause() {
        mutex.lock();
        try {
            pauseLocked();
        } finally {
            mutex.unlock();
        }
    }

    /** The drained section of a job edge ended (QEMU's job_resume). */
    public void resume() {
        mutex.lock();
        try {
            if (pauseCount <= 0) {
                throw new IllegalStateException("resume of job " + displayName() + " that is not paused");
            }
            resumeLocked();
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Whether a drain must keep polling for this job (QEMU's child_job_drained_poll): it is busy and its run is not
     * over. A job whose run ended ({@code deferred}) is not waited for: its completion only runs under the control
     * lock, which the drainer holds, so it cannot disturb the drained section (upstream instead runs job_exit
     * inside the drain poll).
     *
     * @return true if a drain must keep waiting for this job
     */
    public boolean drainedPoll() {
        boolean parkable;
        mutex.lock();
        try {
            boolean polling = busy && !deferred && !status.isCompleted();
            // Its queued entry can only park the job (pauseCount > 0, no step runs): see
            // ManualJobExecutor#pollsInDrains.
            parkable = polling && !stepRunning && pauseCount > 0 && !forceCancel;
            if (!polling) {
                return false;
            }
        } finally {
            mutex.unlock();
        }
        if (parkable && registry.executor instanceof ManualJobExecutor m && m.pollsInDrains()) {
            m.runEntry(this);
            mutex.lock();
            try {
                return busy && !deferred && !status.isCompleted();
            } finally {
                mutex.unlock();
            }
        }
        return true;
    }

    /** Wakes an idle job (QEMU's job_enter), e.g. when a guest write dirtied data a mirror-style job must copy. */
    public void kick() {
        mutex.lock();
        try {
            enterLocked();
        } finally {
            mutex.unlock();
        }
    }

    // =====================================================================================================
    // Internals: pausing, entering, the run
    // =====================================================================================================

    private void pauseLocked() {
        pauseCount++;
        if (!paused) {
            enterLocked();
        }
    }

    private void resumeLocked() {
        if (pauseCount <= 0) {
            throw new IllegalStateException("pause count underflow for job " + displayName());
        }
        pauseCount--;
        if (pauseCount == 0 && sleepTimer == null) {
            enterLocked();
        }
    }

    /** QEMU's job_enter: resubmit a parked job. No effect before start, after the run, or while busy. */
    private void enterLocked() {
        if (!started || deferred) {
            return;
        }
        if (busy) {
            wakeRequested = true;
            return;
        }
        cancelSleepTimer();
        busy = true;
        submitEntry();
    }

    private void submitEntry() {
        registry.executor.submit(new JobTask(this, JobTask.Kind.ENTRY, this::runEntry));
    }

    private void cancelSleepTimer() {
        if (sleepTimer != null) {
            sleepTimer.cancel();
            sleepTimer = null;
            timerGeneration++;
        }
    }

    private void sleepUntil(long deadline) {
        final long generation = ++timerGeneration;
        busy = false;
        registry.notifyIdle();
        sleepTimer = registry.executor.schedule(
                new JobTask(this, JobTask.Kind.WAKE, () -> wake(generation)), deadline);
    }

    private void wake(long generation) {
        mutex.lock();
        try {
            if (generation != timerGeneration || sleepTimer == null) {
                return; // cancelled or superseded
            }
            sleepTimer = null;
            timerGeneration++;
            enterLocked();
        } finally {
            mutex.unlock();
        }
    }

    /** One entry of the job: resume from a pause point if parked there, a pause point, then one step. */
    private void runEntry() {
        mutex.lock();
        try {
            if (deferred || !busy || stepRunning) {
                return; // the run was ended by a transaction abort while this entry was queued
            }
            wakeRequested = false;
            if (paused) {
                paused = false;
                transition(statusBeforePause);
            }
            if (pauseCount > 0 && !forceCancel) {
                statusBeforePause = status;
                transition(status == JobStatus.READY ? JobStatus.STANDBY : JobStatus.PAUSED);
                paused = true;
                busy = false;
                registry.notifyIdle();
                trace(SpecAction.JobPausePoint);
                return;
            }
            if (forceCancel) {
                endRun(firstError != null ? firstError.errno() : 0, null);
                trace(SpecAction.JobStep, "outcome", "cancelled");
                return;
            }
            // Upstream's block_job_ratelimit_sleep re-sleeps when woken early (a drain pause, a kick): a job
            // entered before its rate-limit delay ran out goes back to sleep instead of copying again.
            long now = registry.executor.clock().nanoTime();
            long delay = limiter.pendingDelay(now);
            if (delay > 0) {
                sleepUntil(now + delay);
                return;
            }
            stepRunning = true;
            stepThread = Thread.currentThread();
            stepAction = null;
        } finally {
            mutex.unlock();
        }
        StepOutcome outcome = null;
        try {
            outcome = driver.step(context);
            if (outcome == null) {
                outcome = StepOutcome.failed(Errno.EIO, "job step of " + driver.type() + " returned no outcome");
            }
        } catch (RuntimeException e) {
            outcome = StepOutcome.failed(Errno.EIO, String.valueOf(e.getMessage()));
        } finally {
            mutex.lock();
            try {
                stepRunning = false;
                stepThread = null;
                stepDone.signalAll();
                if (outcome != null) {
                    applyOutcome(outcome);
                } else {
                    // An Error escaped the driver: end the run so the job does not hang busy forever.
                    endRun(Errno.EIO, "job step of " + driver.type() + " threw");
                }
            } finally {
                mutex.unlock();
            }
        }
    }

    private void applyOutcome(StepOutcome outcome) {
        if (stepAction == ErrorAction.REPORT) {
            endRun(firstError.errno(), null);
            trace(SpecAction.JobStep, "outcome", "failed");
            return;
        }
        if (outcome instanceof StepOutcome.Progress p) {
            progressCurrent += p.done();
            long now = registry.executor.clock().nanoTime();
            long delay = limiter.consume(p.copied(), now);
            trace(SpecAction.JobStep, "outcome", "progress", "done", p.done());
            if (delay > 0 && !forceCancel && pauseCount == 0) {
                sleepUntil(now + delay);
            } else {
                submitEntry();
            }
        } else if (outcome instanceof StepOutcome.Retry) {
            trace(SpecAction.JobStep, "outcome", "retry");
            submitEntry();
        } else if (outcome instanceof StepOutcome.Idle) {
            trace(SpecAction.JobStep, "outcome", "idle");
            if (forceCancel || pauseCount > 0 || wakeRequested) {
                submitEntry();
            } else {
                busy = false;
                registry.notifyIdle();
            }
        } else if (outcome instanceof StepOutcome.Done) {
            endRun(firstError != null ? firstError.errno() : 0, null);
            trace(SpecAction.JobStep, "outcome", "done");
        } else if (outcome instanceof StepOutcome.Failed f) {
            endRun(f.errno(), f.message());
            trace(SpecAction.JobStep, "outcome", "failed");
        } else {
            throw new IllegalStateException("unknown outcome " + outcome);
        }
    }

    /** The run is over (QEMU: run returned, deferred_to_main_loop): completion follows under the control lock. */
    private void endRun(int runRet, String message) {
        ret = runRet;
        errorMessage = runRet != 0 ? message : null;
        deferred = true;
        busy = true;
        exitPending = true;
        cancelSleepTimer();
        registry.notifyIdle(); // drainedPoll turns false once the run ended
        registry.executor.submit(new JobTask(this, JobTask.Kind.EXIT, this::runExit));
    }

    private void runExit() {
        // Through the control lock's execute: a core may defer it until the current holder (e.g. a drain waiting
        // for another job of this executor) leaves, instead of blocking the executor thread.
        registry.control.execute(() -> {
            mutex.lock();
            try {
                if (exitPending) {
                    runExitLocked();
                }
            } finally {
                mutex.unlock();
            }
        });
    }

    private void runExitLocked() {
        exitPending = false;
        // Not quiescent yet, but completion drains nodes; a busy job would make that drain wait for itself.
        busy = false;
        registry.notifyIdle();
        trace(SpecAction.JobExit);
        completedLocked();
    }

    // =====================================================================================================
    // Internals: completion, transactions, finalize (QEMU's job_completed and friends)
    // =====================================================================================================

    private void completedLocked() {
        if (status.isCompleted()) {
            throw new IllegalStateException("job " + displayName() + " completed twice");
        }
        updateRc();
        if (ret != 0) {
            txnAbort(this);
        } else {
            txnSuccess(this);
        }
    }

    private void updateRc() {
        if (ret == 0 && forceCancel) {
            ret = Errno.ECANCELED;
        }
        if (ret != 0) {
            if (errorMessage == null) {
                errorMessage = Errno.strerror(ret);
            }
            transition(JobStatus.ABORTING);
        }
    }

    private void cancelLocked(boolean force) {
        if (status == JobStatus.CONCLUDED) {
            doDismiss();
            return;
        }
        cancelAsync(force);
        if (!started) {
            completedLocked();
        } else if (deferred) {
            // A soft cancel after the run ended is ignored; a force cancel aborts the transaction.
            if (forceCancel) {
                txnAbort(this);
            }
        } else {
            enterLocked();
        }
    }

    private void cancelAsync(boolean force) {
        boolean effective = driver.cancel(context, force) || force;
        if (userPaused) {
            ioStatus = IoStatus.OK;
            userPaused = false;
            pauseCount--;
        }
        if (effective || !deferred) {
            cancelled = true;
            forceCancel |= effective;
        }
    }

    private static void txnSuccess(Job job) {
        JobTxn t = job.txn;
        job.transition(JobStatus.WAITING);
        for (Job other : t.jobs) {
            if (!other.status.isCompleted()) {
                return;
            }
        }
        boolean anyManual = false;
        for (Job other : new ArrayList<>(t.jobs)) {
            other.transition(JobStatus.PENDING);
            other.trace(SpecAction.JobPending);
            if (!other.autoFinalize) {
                anyManual = true;
                if (other.id != null) {
                    other.registry.publish(new JobEvent.Pending(other.driver.type(), other.id));
                }
            }
        }
        if (!anyManual) {
            doFinalize(job);
        }
    }

    /**
     * Prepares every job of the transaction, then commits all or aborts all. Upstream aborts with the job that
     * triggered finalization as the exempt one, which can commit that job while the others abort; here the job
     * whose prepare failed is the exempt one, so the transaction really aborts together.
     */
    private static void doFinalize(Job job) {
        List<Job> members = new ArrayList<>(job.txn.jobs);
        Job failed = null;
        for (Job other : members) {
            if (other.prepareLocked() != 0) {
                failed = other;
                break;
            }
        }
        if (failed != null) {
            txnAbort(failed);
        } else {
            for (Job other : members) {
                other.finalizeSingle();
            }
        }
    }

    private int prepareLocked() {
        if (ret == 0) {
            try {
                outsideMutex(() -> driver.prepare(context));
            } catch (JobException e) {
                ret = e.errno();
                errorMessage = e.getMessage();
            }
            trace(SpecAction.JobPrepare, "ok", ret == 0);
            updateRc();
        }
        return ret;
    }

    /** Aborts {@code job}'s transaction: force-cancels and synchronously finishes the others, then aborts all. */
    private static void txnAbort(Job job) {
        JobTxn t = job.txn;
        if (t.aborting) {
            return; // another job of the transaction is handling it
        }
        t.aborting = true;
        for (Job other : new ArrayList<>(t.jobs)) {
            if (other != job) {
                other.cancelAsync(true);
            }
        }
        while (!t.jobs.isEmpty()) {
            Job other = t.jobs.get(0);
            if (!other.status.isCompleted()) {
                other.finishSync();
            }
            other.finalizeSingle();
        }
    }

    /** Brings a cancelled job to completion now (QEMU's job_finish_sync for a cancelled job). */
    private void finishSync() {
        while (!status.isCompleted()) {
            if (!started) {
                completedLocked();
            } else if (exitPending) {
                runExitLocked();
            } else if (stepRunning) {
                if (stepThread == Thread.currentThread()) {
                    throw new IllegalStateException("a step of job " + displayName()
                            + " issued a command that waits for that step");
                }
                stepDone.awaitUninterruptibly();
            } else {
                if (!forceCancel) {
                    throw new IllegalStateException("finishing job " + displayName() + " that was not cancelled");
                }
                // Parked, sleeping, idle, or an entry queued but not started: that entry would see the force
                // cancel and end the run, so end it here; the queued entry will find the job deferred.
                cancelSleepTimer();
                if (paused) {
                    paused = false;
                    transition(statusBeforePause);
                }
                endRun(firstError != null ? firstError.errno() : 0, null);
                trace(SpecAction.JobStep, "outcome", "cancelled");
            }
        }
    }

    private void finalizeSingle() {
        if (!status.isCompleted()) {
            throw new IllegalStateException("finalizing job " + displayName() + " in state " + status);
        }
        updateRc();
        final boolean success = ret == 0;
        outsideMutex(() -> {
            if (success) {
                driver.commit(context);
            } else {
                driver.abort(context);
            }
            driver.clean(context);
        });
        trace(success ? SpecAction.JobCommit : SpecAction.JobAbort);
        if (started && id != null) {
            if (forceCancel) {
                registry.publish(new JobEvent.Cancelled(driver.type(), id, progressTotal, progressCurrent,
                        limiter.speed()));
            } else {
                registry.publish(new JobEvent.Completed(driver.type(), id, progressTotal, progressCurrent,
                        limiter.speed(), success ? null : errorMessage));
            }
        }
        txn.jobs.remove(this);
        transition(JobStatus.CONCLUDED);
        trace(SpecAction.JobConclude);
        if (autoDismiss || !started) {
            doDismiss();
            trace(SpecAction.JobAutoDismiss);
        }
    }

    private void doDismiss() {
        busy = false;
        registry.notifyIdle();
        paused = false;
        deferred = true;
        exitPending = false;
        cancelSleepTimer();
        if (txn != null) {
            txn.jobs.remove(this);
        }
        transition(JobStatus.NULL);
        registry.remove(this);
    }

    // =====================================================================================================
    // Internals: helpers
    // =====================================================================================================

    private void transition(JobStatus to) {
        JobStatus from = status;
        if (!from.canTransitionTo(to)) {
            throw new IllegalStateException("job " + displayName() + ": illegal transition " + from + " -> " + to);
        }
        status = to;
        if (id != null && from != to) {
            registry.publish(new JobEvent.StatusChange(id, to));
        }
    }

    private void checkVerb(JobVerb verb, SpecAction action) {
        if (!verb.allowedIn(status)) {
            refuse(action, verb.refusal(id, status));
        }
    }

    private void refuse(SpecAction action, String message) {
        traceRefusal(action, message);
        throw new JobException(Errno.EPERM, message);
    }

    private void traceRefusal(SpecAction action, String message) {
        TraceSink sink = registry.trace;
        if (sink.enabled()) {
            sink.emit(action, args("ok", false, "error", message), post());
        }
    }

    /** Runs a driver hook with the job mutex fully released (it may drain, take graph locks, issue commands). */
    private void outsideMutex(Runnable hook) {
        int holds = mutex.getHoldCount();
        for (int i = 0; i < holds; i++) {
            mutex.unlock();
        }
        try {
            hook.run();
        } finally {
            for (int i = 0; i < holds; i++) {
                mutex.lock();
            }
        }
    }

    /** Emits {@code action} with arguments {@code job} plus the key/value pairs; free when tracing is off. */
    private void trace(SpecAction action, Object... kv) {
        TraceSink sink = registry.trace;
        if (sink.enabled()) {
            sink.emit(action, args(kv), post());
        }
    }

    /** As {@link #trace}, for a command that was accepted ({@code ok = true}). */
    private void traceOk(SpecAction action, Object... kv) {
        TraceSink sink = registry.trace;
        if (sink.enabled()) {
            Map<String, Object> a = args(kv);
            a.put("ok", true);
            sink.emit(action, a, post());
        }
    }

    private Map<String, Object> args(Object... kv) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("job", displayName());
        for (int i = 0; i < kv.length; i += 2) {
            a.put((String) kv[i], kv[i + 1]);
        }
        return a;
    }

    private Map<String, Object> post() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("status", status.qapiName());
        p.put("pauseCount", pauseCount);
        p.put("userPaused", userPaused);
        p.put("paused", paused);
        p.put("busy", busy);
        p.put("cancelled", cancelled);
        p.put("forceCancel", forceCancel);
        p.put("offset", progressCurrent);
        return p;
    }

    @Override
    public String toString() {
        return "Job[" + displayName() + ", " + driver.type() + "]";
    }

    /** The driver's view of this job. */
    private final class Context implements JobContext {
        @Override
        public String jobId() {
            return id;
        }

        @Override
        public JobStatus status() {
            return Job.this.status();
        }

        @Override
        public boolean isCancelled() {
            mutex.lock();
            try {
                return forceCancel;
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public boolean cancelRequested() {
            mutex.lock();
            try {
                return cancelled;
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public boolean completeRequested() {
            mutex.lock();
            try {
                return completeRequested;
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public long progressCurrent() {
            mutex.lock();
            try {
                return progressCurrent;
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public long progressTotal() {
            mutex.lock();
            try {
                return progressTotal;
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public void setRemaining(long remaining) {
            if (remaining < 0) {
                throw new IllegalArgumentException("negative remaining " + remaining);
            }
            mutex.lock();
            try {
                progressTotal = progressCurrent + remaining;
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public void increaseRemaining(long delta) {
            if (delta < 0) {
                throw new IllegalArgumentException("negative delta " + delta);
            }
            mutex.lock();
            try {
                progressTotal += delta;
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public void transitionToReady() {
            mutex.lock();
            try {
                if (!stepRunning || stepThread != Thread.currentThread()) {
                    throw new IllegalStateException("transitionToReady outside a step of " + displayName());
                }
                transition(JobStatus.READY);
                trace(SpecAction.JobReady);
                if (id != null) {
                    registry.publish(new JobEvent.Ready(driver.type(), id, progressTotal, progressCurrent,
                            limiter.speed()));
                }
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public ErrorAction reportError(IoError error) {
            Objects.requireNonNull(error, "error");
            mutex.lock();
            try {
                if (!stepRunning || stepThread != Thread.currentThread()) {
                    throw new IllegalStateException("reportError outside a step of " + displayName());
                }
                ErrorAction action = onError.actionFor(error.errno());
                if (id != null) {
                    registry.publish(new JobEvent.Error(id, error.read(), action));
                }
                if (action == ErrorAction.STOP) {
                    if (!userPaused) {
                        // The job is busy (this step), so no kick: the next entry parks at its pause point.
                        pauseCount++;
                        userPaused = true;
                    }
                    if (ioStatus == IoStatus.OK) {
                        ioStatus = error.errno() == Errno.ENOSPC ? IoStatus.NOSPACE : IoStatus.FAILED;
                    }
                } else if (firstError == null) {
                    firstError = error;
                }
                if (stepAction != ErrorAction.REPORT) {
                    stepAction = action;
                }
                trace(SpecAction.JobError, "action", action.qapiName(), "errno", error.errno());
                return action;
            } finally {
                mutex.unlock();
            }
        }
    }
}
