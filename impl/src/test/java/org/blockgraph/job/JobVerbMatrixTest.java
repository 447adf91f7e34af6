package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every observable status x every verb. A refused verb gives the exact upstream text and changes nothing: the
 * job's state, the events sent, the tasks queued, the registry. An allowed verb has its effect. (UNDEFINED is not
 * observable; its column is covered by {@link JobTablesTest}.)
 */
class JobVerbMatrixTest {

    static Stream<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        for (JobStatus s : JobStatus.values()) {
            if (s == JobStatus.UNDEFINED) {
                continue;
            }
            for (JobVerb v : JobVerb.values()) {
                out.add(Arguments.of(s, v));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("cells")
    void cell(JobStatus status, JobVerb verb) {
        boolean[] probed = {false};
        Fixtures.withJobIn(status, (h, job) -> {
            probed[0] = true;
            String refusal = expectedRefusal(job, status, verb);
            if (refusal != null) {
                assertRefusedWithoutEffect(h, job, verb, refusal);
            } else {
                assertEffect(h, job, status, verb);
            }
        });
        assertTrue(probed[0]);
    }

    /** The refusal text upstream gives for this cell with the fixture's job, or null if the verb is accepted. */
    private static String expectedRefusal(Job job, JobStatus status, JobVerb verb) {
        if (verb == JobVerb.RESUME) {
            // The fixtures are not user-paused; upstream checks that before the verb table.
            return "Can't resume a job that was not paused";
        }
        if (!verb.allowedIn(status)) {
            return verb.refusal("j", status);
        }
        if (verb == JobVerb.CHANGE) {
            return "Job type does not support change";
        }
        return null;
    }

    static void invoke(Job job, JobVerb verb) {
        switch (verb) {
            case CANCEL:
                job.cancel(false);
                break;
            case PAUSE:
                job.userPause();
                break;
            case RESUME:
                job.userResume();
                break;
            case SET_SPEED:
                job.setSpeed(1 << 20);
                break;
            case COMPLETE:
                job.complete();
                break;
            case FINALIZE:
                job.finalizeJob();
                break;
            case DISMISS:
                job.dismiss();
                break;
            case CHANGE:
                job.change(Map.of("vcpus", 1));
                break;
            default:
                throw new AssertionError(verb);
        }
    }

    static void assertRefusedWithoutEffect(Harness h, Job job, JobVerb verb, String message) {
        assertRefusedWithoutEffect(h, job, () -> invoke(job, verb), message);
    }

    static void assertRefusedWithoutEffect(Harness h, Job job, Executable command, String message) {
        JobState before = job.state();
        int events = h.events.size();
        List<JobTask> ready = h.exec.ready();
        int timers = h.exec.timerCount();
        List<JobInfo> jobs = h.registry.queryJobs();
        List<BlockJobInfo> blockJobs = h.registry.queryBlockJobs();
        JobException e = assertThrows(JobException.class, command);
        assertEquals(message, e.getMessage());
        assertEquals(before, job.state());
        assertEquals(events, h.events.size(), () -> "events sent: " + h.eventStrings());
        assertEquals(ready, h.exec.ready());
        assertEquals(timers, h.exec.timerCount());
        assertEquals(jobs, h.registry.queryJobs());
        assertEquals(blockJobs, h.registry.queryBlockJobs());
    }

    private static void assertEffect(Harness h, Job job, JobStatus status, JobVerb verb) {
        JobState before = job.state();
        h.clearEvents();
        invoke(job, verb);
        JobState after = job.state();
        switch (verb) {
            case PAUSE:
                assertTrue(after.userPaused());
                assertEquals(before.pauseCount() + 1, after.pauseCount());
                assertEquals(status, after.status());
                assertEquals(List.of(), h.eventStrings());
                break;
            case SET_SPEED:
                assertEquals(1 << 20, after.speed());
                assertEquals(status, after.status());
                assertEquals(before.pauseCount(), after.pauseCount());
                assertEquals(List.of(), h.eventStrings());
                break;
            case CANCEL:
                assertCancelEffect(h, job, status);
                break;
            case COMPLETE: {
                assertTrue(after.completeRequested());
                if (status == JobStatus.STANDBY) {
                    h.run();
                    assertEquals(JobStatus.STANDBY, job.status(), "a drained job stays paused");
                    job.resume();
                }
                h.run();
                assertEquals(JobStatus.NULL, job.status());
                assertTrue(((MirrorDriver) job.driver()).pivoted);
                assertEquals(List.of("BLOCK_JOB_COMPLETED"), h.blockEvents());
                break;
            }
            case FINALIZE: {
                assertEquals(JobStatus.NULL, after.status());
                assertEquals(List.of("prepare", "commit", "clean"), ((CopyDriver) job.driver()).hooks);
                assertEquals(List.of("concluded", "null"), h.statuses("j"));
                assertEquals(List.of("BLOCK_JOB_COMPLETED"), h.blockEvents());
                break;
            }
            case DISMISS: {
                assertEquals(JobStatus.NULL, after.status());
                assertFalse(h.registry.find("j").isPresent());
                assertEquals(List.of("null"), h.statuses("j"));
                break;
            }
            default:
                throw new AssertionError("no effect check for " + verb + " in " + status);
        }
    }

    private static void assertCancelEffect(Harness h, Job job, JobStatus status) {
        switch (status) {
            case CREATED:
                // Never started: completes at once, no BLOCK_JOB_CANCELLED, gone.
                assertEquals(JobStatus.NULL, job.status());
                assertEquals(List.of("aborting", "concluded", "null"), h.statuses("j"));
                assertEquals(List.of(), h.blockEvents());
                assertEquals(List.of("abort", "clean"), ((CopyDriver) job.driver()).hooks);
                break;
            case RUNNING:
            case PAUSED:
                assertTrue(job.state().forceCancel());
                h.run();
                assertEquals(JobStatus.NULL, job.status());
                assertEquals(List.of("BLOCK_JOB_CANCELLED"), h.blockEvents());
                assertEquals(List.of("abort", "clean"), ((CopyDriver) job.driver()).hooks);
                break;
            case READY:
            case STANDBY: {
                // A soft cancel of a READY mirror-style job completes it without pivoting.
                assertTrue(job.state().cancelled());
                assertFalse(job.state().forceCancel());
                h.run();
                if (status == JobStatus.STANDBY) {
                    // A soft cancel does not break through a drain pause (a force cancel would).
                    assertEquals(JobStatus.STANDBY, job.status());
                    job.resume();
                    h.run();
                }
                assertEquals(JobStatus.NULL, job.status());
                assertEquals(List.of("BLOCK_JOB_COMPLETED"), h.blockEvents());
                MirrorDriver d = (MirrorDriver) job.driver();
                assertFalse(d.pivoted);
                assertEquals(List.of("commit", "clean"), d.hooks);
                break;
            }
            case WAITING: {
                // The transaction aborts: the other job is force-cancelled and finished synchronously.
                assertEquals(JobStatus.NULL, job.status());
                assertFalse(h.registry.find("other").isPresent());
                assertEquals(List.of("BLOCK_JOB_CANCELLED", "BLOCK_JOB_CANCELLED"), h.blockEvents());
                h.run(); // leftover tasks of the finished job are no-ops
                assertEquals(List.of("BLOCK_JOB_CANCELLED", "BLOCK_JOB_CANCELLED"), h.blockEvents());
                break;
            }
            case PENDING:
                assertEquals(JobStatus.NULL, job.status());
                assertEquals(List.of("aborting", "concluded", "null"), h.statuses("j"));
                assertEquals(List.of("BLOCK_JOB_CANCELLED"), h.blockEvents());
                assertEquals(List.of("abort", "clean"), ((CopyDriver) job.driver()).hooks);
                break;
            default:
                throw new AssertionError("cancel accepted in " + status);
        }
    }
}
