package org.blockgraph.job;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * An active-commit / mirror-style test driver: copies {@code units} units, goes READY, then copies units dirtied
 * by "guest writes" ({@link #dirty}) and idles when clean. On complete or a soft cancel it finishes; commit pivots
 * only if complete was requested (a soft-cancelled READY job leaves things as they were).
 */
class MirrorDriver implements JobDriver {
    final int units;
    final long unitBytes;
    final ControlLock control;
    final List<Integer> copied = Collections.synchronizedList(new ArrayList<>());
    final List<String> hooks = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Integer> dirtyUnits = new ArrayDeque<>();
    private int next;
    volatile boolean pivoted;
    volatile boolean refuseComplete;

    MirrorDriver(int units, long unitBytes, ControlLock control) {
        this.units = units;
        this.unitBytes = unitBytes;
        this.control = control;
    }

    @Override
    public String type() {
        return "mirror";
    }

    /** A guest write dirtied {@code unit}; the job copies it again. */
    void dirty(Job job, int unit) {
        synchronized (dirtyUnits) {
            dirtyUnits.add(unit);
        }
        job.kick();
    }

    @Override
    public StepOutcome step(JobContext job) {
        if (next == 0 && job.progressTotal() == 0) {
            job.setRemaining(units * unitBytes);
        }
        if (next < units) {
            copied.add(next++);
            if (next == units) {
                job.transitionToReady();
            }
            return StepOutcome.progress(unitBytes, unitBytes);
        }
        Integer d;
        synchronized (dirtyUnits) {
            d = dirtyUnits.poll();
        }
        if (d != null) {
            job.increaseRemaining(unitBytes);
            copied.add(d);
            return StepOutcome.progress(unitBytes, unitBytes);
        }
        if (job.completeRequested() || job.cancelRequested()) {
            return StepOutcome.done();
        }
        return StepOutcome.idle();
    }

    @Override
    public boolean supportsComplete() {
        return true;
    }

    @Override
    public void complete(JobContext job) {
        if (!control.isHeldByCurrentThread()) {
            throw new AssertionError("complete ran without the control lock");
        }
        if (refuseComplete) {
            throw new JobException("target is not ready to pivot");
        }
    }

    @Override
    public boolean cancel(JobContext job, boolean force) {
        return force || !job.status().isReady();
    }

    @Override
    public void commit(JobContext job) {
        hooks.add("commit");
        pivoted = job.completeRequested() && !job.cancelRequested();
    }

    @Override
    public void abort(JobContext job) {
        hooks.add("abort");
    }

    @Override
    public void clean(JobContext job) {
        hooks.add("clean");
    }
}
