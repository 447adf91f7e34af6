package org.blockgraph.lincheck;

import java.util.ArrayDeque;
import java.util.Deque;
import org.blockgraph.job.JobClock;
import org.blockgraph.job.JobExecutor;
import org.blockgraph.job.JobTask;

/**
 * A job executor stepped by a Lincheck operation, like {@link org.blockgraph.job.ManualJobExecutor} but keeping only
 * each task's kind and body. Why not the core's: Lincheck 2.39's model checker walks every object reachable from
 * the test instance and asks {@code Unsafe} for field offsets, which the JDK refuses for records, and
 * {@link JobTask} is a record ("can't get field offset on a record class: ... JobTask.job"). Its clock stays at 0
 * and its timers never fire: a job over its rate limit sleeps until something kicks it. Thread-safe (its monitor
 * guards the queue and is never held while a task runs).
 */
final class SteppedExecutor implements JobExecutor {
    private static final class Task {
        final String kind;
        final Runnable body;

        Task(String kind, Runnable body) {
            this.kind = kind;
            this.body = body;
        }

        @Override
        public String toString() {
            return kind;
        }
    }

    private final Deque<Task> ready = new ArrayDeque<>();
    /** Timers armed and not cancelled; they never fire (the clock does not move). */
    private int timers;
    /**
     * The ready kinds and armed timers as text, rewritten on every change: Lincheck asks for the state
     * representation at arbitrary points of a trace, where iterating the queue could meet it half updated.
     */
    private volatile String summary = "[]";

    @Override
    public JobClock clock() {
        return () -> 0L;
    }

    @Override
    public synchronized void submit(JobTask task) {
        ready.addLast(new Task(task.kind().name().toLowerCase(), task.body()));
        summarise();
    }

    @Override
    public synchronized Timer schedule(JobTask task, long deadlineNanos) {
        timers++;
        summarise();
        boolean[] cancelled = new boolean[1];
        return () -> {
            synchronized (SteppedExecutor.this) {
                if (!cancelled[0]) {
                    cancelled[0] = true;
                    timers--;
                    summarise();
                }
            }
        };
    }

    /** Runs the oldest ready task and returns its kind ({@code entry}, {@code exit}), or null if none is ready. */
    String runNext() {
        Task t;
        synchronized (this) {
            t = ready.pollFirst();
            summarise();
        }
        if (t == null) {
            return null;
        }
        t.body.run();
        return t.kind;
    }

    /** The ready tasks' kinds and the number of armed timers, for state representations. */
    String describe() {
        return summary;
    }

    private void summarise() {
        summary = ready + (timers > 0 ? " timers=" + timers : "");
    }
}
