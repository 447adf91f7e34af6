package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobException;
import org.blockgraph.job.JobStatus;
import org.junit.jupiter.api.Test;

/**
 * Every job verb on real stream, intermediate commit and active commit jobs (on the 030 chain, stepped by hand)
 * in every status a block job reaches and holds (running, paused, ready, standby, pending, concluded): a verb the
 * reference's §6 verb table refuses gives {@code Job '<id>' in state '<status>' cannot accept command verb
 * '<verb>'}, and the pre-checks give their own texts ({@code Can't resume a job that was not paused},
 * {@code Job is already paused}, {@code Job type does not support change}); every refusal changes nothing: job
 * state (status, pause count, user pause, speed, progress), graph state, job and block-job queries, events, and the
 * executor's tasks and timers. The table here is copied from the reference, independently of {@code JobVerb}.
 */
class BlockJobVerbMatrixTest {
    private static final Set<JobStatus> ACTIVE = EnumSet.of(JobStatus.CREATED, JobStatus.RUNNING, JobStatus.PAUSED,
            JobStatus.READY, JobStatus.STANDBY);
    /** Reference §6, JobVerbTable: the statuses each verb is accepted in. */
    private static final Map<String, Set<JobStatus>> TABLE = Map.of(
            "cancel", EnumSet.of(JobStatus.CREATED, JobStatus.RUNNING, JobStatus.PAUSED, JobStatus.READY,
                    JobStatus.STANDBY, JobStatus.WAITING, JobStatus.PENDING),
            "pause", ACTIVE,
            "resume", ACTIVE,
            "set-speed", ACTIVE,
            "complete", EnumSet.of(JobStatus.READY, JobStatus.STANDBY),
            "finalize", EnumSet.of(JobStatus.PENDING),
            "dismiss", EnumSet.of(JobStatus.CONCLUDED),
            "change", ACTIVE);

    private record Verb(String name, java.util.function.Consumer<Job> call) {
    }

    private static final List<Verb> VERBS = List.of(
            new Verb("cancel", j -> j.cancel(false)),
            new Verb("pause", Job::userPause),
            new Verb("resume", Job::userResume),
            new Verb("set-speed", j -> j.setSpeed(1 << 20)),
            new Verb("complete", Job::complete),
            new Verb("finalize", Job::finalizeJob),
            new Verb("dismiss", Job::dismiss),
            new Verb("change", j -> j.change(Map.of())));

    private final List<ChainFixture> open = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void close() {
        open.forEach(ChainFixture::close);
    }

    /** The message the job must refuse {@code verb} with in its current state, or null if it may accept it. */
    private static String expectedRefusal(Job j, String verb) {
        JobStatus s = j.status();
        boolean userPaused = j.state().userPaused();
        if (verb.equals("resume") && !userPaused) {
            return "Can't resume a job that was not paused";
        }
        if (!TABLE.get(verb).contains(s)) {
            return "Job '" + j.id() + "' in state '" + s.qapiName() + "' cannot accept command verb '" + verb + "'";
        }
        if (verb.equals("pause") && userPaused) {
            return "Job is already paused";
        }
        if (verb.equals("change") && !j.driver().supportsChange()) {
            return "Job type does not support change";
        }
        return null;
    }

    /** Tries every verb the job must refuse now; returns how many it refused. */
    private static int refuseAll(ChainFixture f, Job j) {
        int refused = 0;
        for (Verb v : VERBS) {
            String msg = expectedRefusal(j, v.name());
            if (msg == null) {
                continue;
            }
            var graph = f.graph.state();
            var state = j.state();
            var jobs = f.jobs.registry().queryJobs();
            var blockJobs = f.jobs.registry().queryBlockJobs();
            var ready = f.manual().ready();
            int timers = f.manual().timerCount();
            int events = f.events.size();
            JobException e = assertThrows(JobException.class, () -> v.call().accept(j),
                    () -> v.name() + " in " + j.status() + " was accepted");
            assertEquals(msg, e.getMessage());
            String where = v.name() + " refused in " + state.status().qapiName();
            assertEquals(state, j.state(), where + ": job state changed");
            assertEquals(graph, f.graph.state(), where + ": graph changed");
            assertEquals(jobs, f.jobs.registry().queryJobs(), where);
            assertEquals(blockJobs, f.jobs.registry().queryBlockJobs(), where);
            assertEquals(ready, f.manual().ready(), where + ": tasks changed");
            assertEquals(timers, f.manual().timerCount(), where + ": timers changed");
            assertEquals(events, f.events.size(), where + ": an event was sent");
            refused++;
        }
        return refused;
    }

    private ChainFixture chain() {
        ChainFixture f = Parallel030Test.layout030();
        open.add(f);
        return f;
    }

    private void walk(Function<ChainFixture, Job> start, boolean mirrorStyle) {
        Set<JobStatus> seen = EnumSet.noneOf(JobStatus.class);
        // running, paused (user), back to running
        ChainFixture f = chain();
        Job j = start.apply(f);
        f.stepUntilThrottled(j);
        refuseAll(f, j);
        seen.add(j.status());
        j.userPause();
        f.await(j, JobStatus.PAUSED);
        refuseAll(f, j);
        seen.add(j.status());
        j.userResume();
        j.setSpeed(0);
        if (mirrorStyle) {
            f.await(j, JobStatus.READY);
            refuseAll(f, j);
            seen.add(j.status());
            j.userPause();
            f.await(j, JobStatus.STANDBY);
            refuseAll(f, j);
            seen.add(j.status());
            j.userResume();
            f.await(j, JobStatus.READY);
            j.complete();
        }
        f.await(j, JobStatus.PENDING);
        refuseAll(f, j);
        seen.add(j.status());
        j.finalizeJob();
        assertEquals(JobStatus.CONCLUDED, j.status());
        refuseAll(f, j);
        seen.add(j.status());
        j.dismiss();
        assertEquals(JobStatus.NULL, j.status());
        f.assertQuiescentGraph();
        Set<JobStatus> expected = EnumSet.of(JobStatus.RUNNING, JobStatus.PAUSED, JobStatus.PENDING,
                JobStatus.CONCLUDED);
        if (mirrorStyle) {
            expected.addAll(EnumSet.of(JobStatus.READY, JobStatus.STANDBY));
        }
        assertEquals(expected, seen);
    }

    @Test
    void stream() {
        walk(f -> f.jobs.stream(StreamOptions.of("node4").base("img1").jobId("s").speed(1024)
                .autoFinalize(false).autoDismiss(false)), false);
    }

    @Test
    void intermediateCommit() {
        walk(f -> f.jobs.commit(CommitOptions.of("drive0").top("img5").base("img3").jobId("c").speed(1024)
                .autoFinalize(false).autoDismiss(false)), false);
    }

    @Test
    void activeCommit() {
        walk(f -> f.jobs.commit(CommitOptions.of("drive0").base("img3").jobId("a").speed(1024)
                .autoFinalize(false).autoDismiss(false)), true);
    }

    @Test
    void everyRefusalIsChecked() {
        // Teeth: the walk really meets refusals in every status (a table that accepted everything would fail).
        ChainFixture f = chain();
        Job j = f.jobs.stream(StreamOptions.of("node4").base("img1").jobId("s").speed(1024).autoFinalize(false)
                .autoDismiss(false));
        f.stepUntilThrottled(j);
        assertEquals(5, refuseAll(f, j), "running stream: resume (not paused), complete, finalize, dismiss, change");
        j.setSpeed(0);
        f.await(j, JobStatus.PENDING);
        assertEquals(6, refuseAll(f, j), "pending: all but cancel and finalize");
        j.cancel(false);
        f.manual().runUntilQuiet();
        assertEquals(JobStatus.CONCLUDED, j.status());
        j.dismiss();
        f.assertQuiescentGraph();
    }
}
