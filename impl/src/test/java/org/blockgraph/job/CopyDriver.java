package org.blockgraph.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A stream-like test driver: copies {@code units} units of {@code unitBytes}, one per step, into {@link #copied}.
 * Errors can be injected per unit; hooks record their calls and check they run under the control lock.
 */
class CopyDriver implements JobDriver {
    final int units;
    final long unitBytes;
    final ControlLock control;
    /** Units copied, in order (a retried unit appears once it succeeds). */
    final List<Integer> copied = Collections.synchronizedList(new ArrayList<>());
    /** Hook calls in order: prepare, commit, abort, clean. */
    final List<String> hooks = Collections.synchronizedList(new ArrayList<>());
    /** unit -> remaining injected failures with this error. */
    private final Map<Integer, IoError> errors = new HashMap<>();
    private final Map<Integer, Integer> errorCount = new HashMap<>();
    volatile JobException prepareFailure;
    volatile Consumer<JobContext> duringStep;
    volatile Consumer<JobContext> duringAbort;
    /** Next unit to copy; touched by steps only. */
    private int next;
    private boolean sizeKnown;

    CopyDriver(int units, long unitBytes, ControlLock control) {
        this.units = units;
        this.unitBytes = unitBytes;
        this.control = control;
    }

    CopyDriver failUnit(int unit, IoError error, int times) {
        errors.put(unit, error);
        errorCount.put(unit, times);
        return this;
    }

    @Override
    public String type() {
        return "stream";
    }

    @Override
    public StepOutcome step(JobContext job) {
        if (!sizeKnown) {
            job.setRemaining(units * unitBytes);
            sizeKnown = true;
        }
        Consumer<JobContext> hook = duringStep;
        if (hook != null) {
            hook.accept(job);
        }
        if (next >= units) {
            return StepOutcome.done();
        }
        int unit = next;
        Integer left = errorCount.get(unit);
        if (left != null && left > 0) {
            errorCount.put(unit, left - 1);
            ErrorAction action = job.reportError(errors.get(unit));
            switch (action) {
                case STOP:
                    return StepOutcome.retry();
                case IGNORE:
                    next++;
                    return StepOutcome.progress(unitBytes, unitBytes);
                case REPORT:
                default:
                    return StepOutcome.done();
            }
        }
        copied.add(unit);
        next++;
        return StepOutcome.progress(unitBytes, unitBytes);
    }

    @Override
    public void prepare(JobContext job) {
        assertControl("prepare");
        hooks.add("prepare");
        JobException f = prepareFailure;
        if (f != null) {
            throw f;
        }
    }

    @Override
    public void commit(JobContext job) {
        assertControl("commit");
        hooks.add("commit");
    }

    @Override
    public void abort(JobContext job) {
        assertControl("abort");
        hooks.add("abort");
        Consumer<JobContext> hook = duringAbort;
        if (hook != null) {
            hook.accept(job);
        }
    }

    @Override
    public void clean(JobContext job) {
        assertControl("clean");
        hooks.add("clean");
    }

    private void assertControl(String hook) {
        if (!control.isHeldByCurrentThread()) {
            throw new AssertionError(hook + " ran without the control lock");
        }
    }
}
