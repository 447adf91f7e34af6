package org.blockgraph.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.blockgraph.trace.TraceSink;

/**
 * All jobs of one block layer: creation with id checks, lookup, {@code query-jobs} / {@code query-block-jobs}, and
 * event delivery. Owns the job mutex that guards every job's state (QEMU's global job_mutex).
 *
 * <p>Listeners are called in the thread that caused the event, with the job mutex held, in the order the
 * events happened. They must return quickly and must not issue job commands.
 */
public final class JobRegistry implements AutoCloseable {
    final ReentrantLock mutex = new ReentrantLock();
    final Condition stepDone = mutex.newCondition();
    final ControlLock control;
    final JobExecutor executor;
    final TraceSink trace;

    /** Jobs with an id, in creation order. Guarded by mutex. */
    private final Map<String, Job> byId = new LinkedHashMap<>();
    /** All live jobs (also internal ones), in creation order. Guarded by mutex. */
    private final List<Job> jobs = new ArrayList<>();
    private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AutoCloseable ownedExecutor;
    /** Called (job mutex held) whenever a job's busy flag turns false; must not block. */
    private volatile Runnable idleListener = () -> { };

    /** A registry on a default thread pool, with its own control lock and no tracing. */
    public JobRegistry() {
        this(new ThreadPoolJobExecutor(2), ControlLock.reentrant(), TraceSink.OFF, true);
    }

    /**
     * A registry on the embedder's executor and control lock.
     *
     * @param executor where job tasks run; the registry does not close it
     * @param control the core's control lock
     * @param trace where spec-trace records go ({@code TraceSink.OFF} for none)
     * @throws NullPointerException if any argument is null
     */
    public JobRegistry(JobExecutor executor, ControlLock control, TraceSink trace) {
        this(executor, control, trace, false);
    }

    private JobRegistry(JobExecutor executor, ControlLock control, TraceSink trace, boolean ownsExecutor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.control = Objects.requireNonNull(control, "control");
        this.trace = Objects.requireNonNull(trace, "trace");
        this.ownedExecutor = ownsExecutor ? (AutoCloseable) executor : null;
    }

    /**
     * Installs what runs whenever a job stops being busy (the embedding graph's {@code aio_wait_kick}: a drain
     * may be polling for the job). Runs with the job mutex held; must not block or take other locks in a way that
     * could wait for the job mutex.
     *
     * @param listener the callback, replacing any previous one
     * @throws NullPointerException if {@code listener} is null
     */
    public void setIdleListener(Runnable listener) {
        idleListener = Objects.requireNonNull(listener, "listener");
    }

    void notifyIdle() {
        idleListener.run();
    }

    /**
     * The executor job tasks run on.
     *
     * @return the executor
     */
    public JobExecutor executor() {
        return executor;
    }

    /**
     * The control lock commands and completions take.
     *
     * @return the control lock
     */
    public ControlLock controlLock() {
        return control;
    }

    /**
     * A new, empty transaction.
     *
     * @return a transaction with no jobs
     */
    public JobTxn newTransaction() {
        return new JobTxn();
    }

    /**
     * Creates a job in its own transaction; see {@link #create(JobOptions, JobDriver, JobTxn)}.
     *
     * @param options the job's id and options
     * @param driver the job type's driver
     * @return the new job, in CREATED status
     * @throws JobException if the creation is refused (see the three-argument form)
     */
    public Job create(JobOptions options, JobDriver driver) {
        return create(options, driver, null);
    }

    /**
     * Creates a job in CREATED status (QEMU's job_create): not running until {@link Job#start()}. Refused, with
     * nothing created and no event sent, for an id on an internal job ({@code Cannot specify job ID for internal
     * job}), a missing id ({@code An explicit job ID is required}), a malformed id ({@code Invalid job ID '%s'}), an
     * id in use ({@code Job ID '%s' already in use}), or a negative speed
     * ({@code Parameter 'speed' expects a non-negative value}).
     *
     * @param options the job's id and options
     * @param driver the job type's driver
     * @param txn the transaction to join, or null for a transaction of its own
     * @return the new job, in CREATED status
     * @throws JobException (EINVAL) if the creation is refused; nothing is created then
     * @throws IllegalStateException if {@code txn} is already aborting
     */
    public Job create(JobOptions options, JobDriver driver, JobTxn txn) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(driver, "driver");
        control.lock();
        mutex.lock();
        try {
            String id = options.id();
            if (id != null) {
                if (options.internal()) {
                    throw new JobException("Cannot specify job ID for internal job");
                }
                if (!JobIds.wellFormed(id)) {
                    throw new JobException(String.format("Invalid job ID '%s'", id));
                }
                if (byId.containsKey(id)) {
                    throw new JobException(String.format("Job ID '%s' already in use", id));
                }
            } else if (!options.internal()) {
                throw new JobException("An explicit job ID is required");
            }
            // Upstream creates the job first and early-fails it on a bad speed (sending created/null status
            // events); checking first keeps a refused command free of effects.
            if (options.speed() < 0) {
                throw new JobException("Parameter 'speed' expects a non-negative value");
            }
            if (txn != null && txn.aborting) {
                throw new IllegalStateException("transaction is aborting");
            }
            Job job = new Job(this, options, driver, txn != null ? txn : new JobTxn());
            jobs.add(job);
            if (id != null) {
                byId.put(id, job);
            }
            return job;
        } finally {
            mutex.unlock();
            control.unlock();
        }
    }

    /**
     * The job with this id, if it exists (not yet dismissed).
     *
     * @param id the job id
     * @return the job, or empty if no live job has that id
     */
    public Optional<Job> find(String id) {
        mutex.lock();
        try {
            return Optional.ofNullable(byId.get(id));
        } finally {
            mutex.unlock();
        }
    }

    /**
     * All live jobs, internal ones too, in creation order.
     *
     * @return a new list of the live jobs
     */
    public List<Job> jobs() {
        mutex.lock();
        try {
            return new ArrayList<>(jobs);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * {@code query-jobs}: every job with an id, in creation order.
     *
     * @return a new list of {@code query-jobs} entries
     */
    public List<JobInfo> queryJobs() {
        mutex.lock();
        try {
            List<JobInfo> out = new ArrayList<>();
            for (Job j : byId.values()) {
                out.add(j.info());
            }
            return out;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * {@code query-block-jobs}: every block job with an id, in creation order.
     *
     * @return a new list of {@code query-block-jobs} entries
     */
    public List<BlockJobInfo> queryBlockJobs() {
        mutex.lock();
        try {
            List<BlockJobInfo> out = new ArrayList<>();
            for (Job j : byId.values()) {
                out.add(j.blockInfo());
            }
            return out;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Delivers every job event to {@code listener} until the returned handle is closed.
     *
     * @param listener called with each event, on the thread that sends it
     * @return a handle whose {@code close()} unsubscribes the listener
     * @throws NullPointerException if {@code listener} is null
     */
    public AutoCloseable subscribe(Consumer<JobEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(JobEvent event) {
        for (Consumer<JobEvent> l : listeners) {
            l.accept(event);
        }
    }

    void remove(Job job) {
        jobs.remove(job);
        if (job.id() != null) {
            byId.remove(job.id(), job);
        }
    }

    /** Stops the default thread pool if this registry made it; jobs still running stop where they are. */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            try {
                ownedExecutor.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the job executor failed", e);
            }
        }
    }
}
