package org.blockgraph.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.blockgraph.trace.SpecAction;
import org.blockgraph.trace.TraceSink;

/** A registry on a hand-stepped executor, with an event log and a trace log. */
final class Harness {
    final ManualJobExecutor exec = new ManualJobExecutor();
    final ControlLock control = ControlLock.reentrant();
    final List<JobEvent> events = Collections.synchronizedList(new ArrayList<>());
    final List<String> trace = Collections.synchronizedList(new ArrayList<>());
    final JobRegistry registry;

    Harness() {
        TraceSink sink = new TraceSink() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void emit(SpecAction action, Map<String, Object> args, Map<String, Object> post) {
                trace.add(action + " " + args + " " + post);
            }
        };
        registry = new JobRegistry(exec, control, sink);
        registry.subscribe(events::add);
    }

    CopyDriver copy(int units) {
        return new CopyDriver(units, 65536, control);
    }

    MirrorDriver mirror(int units) {
        return new MirrorDriver(units, 65536, control);
    }

    Job create(String id, JobDriver driver) {
        return registry.create(JobOptions.withId(id), driver);
    }

    /** Events as "NAME data" strings, e.g. {@code JOB_STATUS_CHANGE {id=j, status=running}}. */
    List<String> eventStrings() {
        synchronized (events) {
            return events.stream().map(e -> e.name() + " " + e.data()).collect(Collectors.toList());
        }
    }

    /** The statuses announced by JOB_STATUS_CHANGE for {@code id}, in order. */
    List<String> statuses(String id) {
        synchronized (events) {
            return events.stream()
                    .filter(e -> e instanceof JobEvent.StatusChange && e.jobId().equals(id))
                    .map(e -> ((JobEvent.StatusChange) e).status().qapiName())
                    .collect(Collectors.toList());
        }
    }

    /** The names of events other than JOB_STATUS_CHANGE, in order. */
    List<String> blockEvents() {
        synchronized (events) {
            return events.stream().filter(e -> !(e instanceof JobEvent.StatusChange)).map(JobEvent::name)
                    .collect(Collectors.toList());
        }
    }

    void clearEvents() {
        events.clear();
    }

    int run() {
        return exec.runUntilQuiet();
    }

    /** Runs entries of {@code job} until it is parked (not busy) or its run ended; bounded. */
    void stepUntilParked(Job job) {
        for (int i = 0; i < 10_000; i++) {
            JobState s = job.state();
            if (!s.busy() || s.deferred()) {
                return;
            }
            if (!exec.runNext(job)) {
                return;
            }
        }
        throw new AssertionError("job never parked");
    }
}
