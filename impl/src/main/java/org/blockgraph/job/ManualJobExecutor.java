package org.blockgraph.job;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * An executor that runs nothing on its own: the caller steps it ({@link #runNext()}, {@link #runNext(Job)},
 * {@link #runUntilIdle()}) and moves its fake clock ({@link #advance}). Timers whose deadline the clock reaches
 * join the ready queue in deadline order. Tasks run in the stepping thread.
 *
 * <p>Thread-safe: the queues are guarded by this object's monitor, which is never held while a task runs, so
 * other threads may submit while a task runs.
 */
public final class ManualJobExecutor implements JobExecutor {
    /** Bound on {@link #runUntilIdle()} so a job that never stops fails a test instead of hanging it. */
    private static final int MAX_TASKS_PER_RUN = 1_000_000;

    private final Deque<JobTask> ready = new ArrayDeque<>();
    private final PriorityQueue<ScheduledTask> timers = new PriorityQueue<>();
    private long now;
    private long sequence;
    private final boolean pollsInDrains;

    /** An executor whose drains wait for jobs to be stepped by someone else (the default). */
    public ManualJobExecutor() {
        this(false);
    }

    /**
     * @param pollsInDrains whether a drain that polls a busy job (QEMU's {@code AIO_WAIT_WHILE}) runs that job's
     *                      queued entry in the draining thread when the entry can only park the job at its pause
     *                      point, as upstream's drain runs the job coroutine from {@code aio_poll}. A single-threaded
     *                      test can then drain (complete one job, change the graph) while other jobs it steps by
     *                      hand are mid-flight; no job step runs inside a drain.
     */
    public ManualJobExecutor(boolean pollsInDrains) {
        this.pollsInDrains = pollsInDrains;
    }

    /**
     * Whether drains run parking entries of polled jobs (see {@link #ManualJobExecutor(boolean)}).
     *
     * @return true if drains run parking entries of polled jobs
     */
    public boolean pollsInDrains() {
        return pollsInDrains;
    }

    private final class ScheduledTask implements Comparable<ScheduledTask>, Timer {
        final JobTask task;
        final long deadline;
        final long seq;

        ScheduledTask(JobTask task, long deadline, long seq) {
            this.task = task;
            this.deadline = deadline;
            this.seq = seq;
        }

        @Override
        public int compareTo(ScheduledTask o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            synchronized (ManualJobExecutor.this) {
                timers.remove(this);
            }
        }
    }

    @Override
    public JobClock clock() {
        return this::now;
    }

    /**
     * The fake clock's current time in nanoseconds (starts at 0).
     *
     * @return the fake time
     */
    public synchronized long now() {
        return now;
    }

    @Override
    public synchronized void submit(JobTask task) {
        ready.addLast(task);
    }

    @Override
    public synchronized Timer schedule(JobTask task, long deadlineNanos) {
        ScheduledTask t = new ScheduledTask(task, deadlineNanos, sequence++);
        timers.add(t);
        return t;
    }

    /**
     * Moves the clock forward and makes the timers now due ready.
     *
     * @param nanos how far to move the clock, not negative
     * @throws IllegalArgumentException if {@code nanos} is negative
     */
    public synchronized void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time does not go back: " + nanos);
        }
        now += nanos;
        while (!timers.isEmpty() && timers.peek().deadline <= now) {
            ready.addLast(timers.poll().task);
        }
    }

    /**
     * The deadline of the earliest pending timer, or -1 if none.
     *
     * @return the earliest timer deadline, or -1
     */
    public synchronized long nextDeadline() {
        return timers.isEmpty() ? -1 : timers.peek().deadline;
    }

    /**
     * The number of pending timers.
     *
     * @return how many timers are pending
     */
    public synchronized int timerCount() {
        return timers.size();
    }

    /**
     * The ready tasks, oldest first.
     *
     * @return a new list of the ready tasks
     */
    public synchronized List<JobTask> ready() {
        return new ArrayList<>(ready);
    }

    /**
     * Whether a task is ready.
     *
     * @return true if at least one task is ready
     */
    public synchronized boolean hasReady() {
        return !ready.isEmpty();
    }

    /**
     * Runs the oldest ready task; false if none is ready.
     *
     * @return true if a task ran
     */
    public boolean runNext() {
        JobTask task;
        synchronized (this) {
            task = ready.pollFirst();
        }
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    /**
     * Runs the oldest ready task of {@code job}; false if it has none.
     *
     * @param job the job whose task to run
     * @return true if a task ran
     */
    public boolean runNext(Job job) {
        JobTask task = null;
        synchronized (this) {
            for (Iterator<JobTask> it = ready.iterator(); it.hasNext(); ) {
                JobTask t = it.next();
                if (t.job() == job) {
                    it.remove();
                    task = t;
                    break;
                }
            }
        }
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    /** Runs the oldest ready entry task of {@code job} (not its exit or timers); false if it has none. */
    boolean runEntry(Job job) {
        JobTask task = null;
        synchronized (this) {
            for (Iterator<JobTask> it = ready.iterator(); it.hasNext(); ) {
                JobTask t = it.next();
                if (t.job() == job && t.kind() == JobTask.Kind.ENTRY) {
                    it.remove();
                    task = t;
                    break;
                }
            }
        }
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    /**
     * Runs ready tasks until none is left (timers stay pending); returns how many ran.
     *
     * @return the number of tasks run
     * @throws IllegalStateException if a million tasks ran and tasks are still ready (a job that never goes idle)
     */
    public int runUntilIdle() {
        int n = 0;
        while (runNext()) {
            if (++n >= MAX_TASKS_PER_RUN) {
                throw new IllegalStateException("jobs still busy after " + n + " tasks");
            }
        }
        return n;
    }

    /**
     * Runs ready tasks, advancing the clock to the next timer whenever nothing is ready, until neither tasks nor
     * timers are left; returns how many tasks ran.
     *
     * @return the number of tasks run
     * @throws IllegalStateException if a million tasks ran and tasks are still ready (a job that never goes idle)
     */
    public int runUntilQuiet() {
        int n = 0;
        while (true) {
            n += runUntilIdle();
            long next = nextDeadline();
            if (next < 0) {
                return n;
            }
            advance(Math.max(0, next - now()));
        }
    }
}
