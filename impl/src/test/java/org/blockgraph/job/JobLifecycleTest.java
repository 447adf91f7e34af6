package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whole lives of jobs: creation checks, the normal path, cancel in each state, complete, finalize, dismiss. */
class JobLifecycleTest {

    @Test
    void normalPathSendsUpstreamEventsInOrder() {
        Harness h = new Harness();
        CopyDriver d = h.copy(3);
        Job j = h.create("j", d);
        assertEquals(JobStatus.CREATED, j.status());
        assertEquals(new JobState(JobStatus.CREATED, 1, false, true, false, false, false, false, false, false, 0, 0,
                0, IoStatus.OK, 0, null), j.state());
        j.start();
        h.run();
        assertEquals(List.of(0, 1, 2), d.copied);
        assertEquals(List.of("prepare", "commit", "clean"), d.hooks);
        assertEquals(List.of(
                "JOB_STATUS_CHANGE {id=j, status=created}",
                "JOB_STATUS_CHANGE {id=j, status=running}",
                "JOB_STATUS_CHANGE {id=j, status=waiting}",
                "JOB_STATUS_CHANGE {id=j, status=pending}",
                "BLOCK_JOB_COMPLETED {type=stream, device=j, len=196608, offset=196608, speed=0}",
                "JOB_STATUS_CHANGE {id=j, status=concluded}",
                "JOB_STATUS_CHANGE {id=j, status=null}"), h.eventStrings());
        assertFalse(h.registry.find("j").isPresent());
        assertEquals(List.of(), h.registry.jobs());
    }

    @Test
    void creationIsRefusedWithUpstreamTextsAndNothingCreated() {
        Harness h = new Harness();
        h.create("taken", h.copy(1));
        h.clearEvents();
        List<String> errors = new ArrayList<>();
        for (JobOptions o : List.of(JobOptions.withId(""), JobOptions.withId("1abc"), JobOptions.withId("a b"),
                JobOptions.withId("taken"), new JobOptions(null, false, true, true, 0, OnError.REPORT),
                new JobOptions("x", true, true, true, 0, OnError.REPORT), JobOptions.withId("neg").speed(-1))) {
            errors.add(assertThrows(JobException.class, () -> h.registry.create(o, h.copy(1))).getMessage());
        }
        assertEquals(List.of("Invalid job ID ''", "Invalid job ID '1abc'", "Invalid job ID 'a b'",
                "Job ID 'taken' already in use", "An explicit job ID is required",
                "Cannot specify job ID for internal job", "Parameter 'speed' expects a non-negative value"), errors);
        assertEquals(List.of(), h.events);
        assertEquals(1, h.registry.jobs().size());
        assertEquals(List.of(), h.exec.ready());
    }

    @Test
    void anIdIsFreeAgainOnceItsJobIsDismissed() {
        Harness h = new Harness();
        Job first = h.registry.create(JobOptions.withId("j").autoDismiss(false), h.copy(1));
        first.start();
        h.run();
        assertThrows(JobException.class, () -> h.create("j", h.copy(1)));
        first.dismiss();
        Job second = h.create("j", h.copy(1));
        assertEquals(second, h.registry.find("j").orElseThrow());
    }

    @Test
    void manualFinalizeAndDismiss() {
        Harness h = new Harness();
        CopyDriver d = h.copy(2);
        Job j = h.registry.create(JobOptions.withId("j").autoFinalize(false).autoDismiss(false), d);
        j.start();
        h.run();
        assertEquals(JobStatus.PENDING, j.status());
        assertEquals(List.of("BLOCK_JOB_PENDING"), h.blockEvents());
        assertEquals(Map.of("type", "stream", "id", "j"), h.events.get(h.events.size() - 1).data());
        assertEquals(List.of(), d.hooks, "nothing is prepared before finalize");
        assertEquals(new JobInfo("j", "stream", JobStatus.PENDING, 131072, 131072, null),
                h.registry.queryJobs().get(0));
        j.finalizeJob();
        assertEquals(JobStatus.CONCLUDED, j.status());
        assertEquals(List.of("prepare", "commit", "clean"), d.hooks);
        assertEquals(List.of("BLOCK_JOB_PENDING", "BLOCK_JOB_COMPLETED"), h.blockEvents());
        assertEquals(JobStatus.CONCLUDED, h.registry.queryJobs().get(0).status());
        j.dismiss();
        assertEquals(JobStatus.NULL, j.status());
        assertEquals(List.of(), h.registry.queryJobs());
    }

    @Test
    void forceCancelWhileRunningAbortsAndSendsCancelled() {
        Harness h = new Harness();
        CopyDriver d = h.copy(10);
        Job j = h.create("j", d);
        j.start();
        h.exec.runNext(j);
        h.exec.runNext(j);
        h.exec.runNext(j);
        j.cancel(true);
        h.run();
        assertEquals(List.of(0, 1, 2), d.copied, "no step after the cancel");
        assertEquals(List.of("abort", "clean"), d.hooks);
        assertEquals(List.of("created", "running", "aborting", "concluded", "null"), h.statuses("j"));
        assertEquals("BLOCK_JOB_CANCELLED {type=stream, device=j, len=655360, offset=196608, speed=0}",
                h.eventStrings().get(h.events.size() - 3));
    }

    @Test
    void cancelUnpausesAUserPausedJob() {
        Harness h = new Harness();
        Job j = h.create("j", h.copy(10));
        j.start();
        h.exec.runNext(j);
        j.userPause();
        h.run();
        assertEquals(JobStatus.PAUSED, j.status());
        JobState paused = j.state();
        assertEquals(1, paused.pauseCount());
        assertTrue(paused.userPaused());
        j.cancel(false);
        assertEquals(0, j.state().pauseCount());
        assertFalse(j.state().userPaused());
        h.run();
        assertEquals(List.of("created", "running", "paused", "running", "aborting", "concluded", "null"),
                h.statuses("j"));
    }

    @Test
    void forceCancelBreaksThroughADrainPauseButSoftCancelDoesNot() {
        Harness h = new Harness();
        Job copy = h.create("j", h.copy(10));
        copy.start();
        copy.pause();
        h.run();
        assertEquals(JobStatus.PAUSED, copy.status());
        copy.cancel(true);
        h.run();
        assertEquals(JobStatus.NULL, copy.status());
        assertEquals(1, copy.state().pauseCount(), "the drain's pause is still counted until drained_end");

        MirrorDriver md = h.mirror(2);
        Job mirror = h.create("m", md);
        mirror.start();
        h.run();
        mirror.pause();
        h.run();
        assertEquals(JobStatus.STANDBY, mirror.status());
        mirror.cancel(true);
        h.run();
        assertEquals(JobStatus.NULL, mirror.status());
        assertEquals(List.of("abort", "clean"), md.hooks);
        assertTrue(h.blockEvents().contains("BLOCK_JOB_CANCELLED"));
    }

    @Test
    void softCancelOfAReadyMirrorCompletesWithoutPivot() {
        Harness h = new Harness();
        MirrorDriver d = h.mirror(3);
        Job j = h.create("j", d);
        j.start();
        h.run();
        assertEquals(JobStatus.READY, j.status());
        assertEquals(List.of("BLOCK_JOB_READY"), h.blockEvents());
        assertEquals("BLOCK_JOB_READY {type=mirror, device=j, len=196608, offset=131072, speed=0}",
                h.eventStrings().get(3));
        j.cancel(false);
        // Cancel was requested: complete is now refused.
        JobException e = assertThrows(JobException.class, j::complete);
        assertEquals("The active block job 'j' cannot be completed", e.getMessage());
        h.run();
        assertFalse(d.pivoted);
        assertEquals(List.of("commit", "clean"), d.hooks);
        assertEquals(List.of("BLOCK_JOB_READY", "BLOCK_JOB_COMPLETED"), h.blockEvents());
        assertEquals(List.of("created", "running", "ready", "waiting", "pending", "concluded", "null"),
                h.statuses("j"));
    }

    @Test
    void softCancelOfAMirrorBeforeReadyIsAForceCancel() {
        Harness h = new Harness();
        MirrorDriver d = h.mirror(5);
        Job j = h.create("j", d);
        j.start();
        h.exec.runNext(j);
        h.exec.runNext(j);
        j.cancel(false);
        assertTrue(j.state().forceCancel());
        h.run();
        assertEquals(List.of("abort", "clean"), d.hooks);
        assertTrue(h.blockEvents().contains("BLOCK_JOB_CANCELLED"));
    }

    @Test
    void completePivotsAndCopiesGuestWritesFirst() {
        Harness h = new Harness();
        MirrorDriver d = h.mirror(2);
        Job j = h.create("j", d);
        j.start();
        h.run();
        assertEquals(JobStatus.READY, j.status());
        assertFalse(j.state().busy(), "a READY job with nothing to copy is idle");
        d.dirty(j, 0);
        d.dirty(j, 1);
        assertTrue(j.state().busy());
        h.run();
        assertEquals(List.of(0, 1, 0, 1), d.copied);
        assertEquals(4 * 65536, j.state().len());
        assertEquals(JobStatus.READY, j.status());
        j.complete();
        h.run();
        assertTrue(d.pivoted);
        assertEquals(JobStatus.NULL, j.status());
    }

    @Test
    void refusedCompleteChangesNothing() {
        Harness h = new Harness();
        MirrorDriver d = h.mirror(1);
        Job j = h.create("j", d);
        j.start();
        h.run();
        d.refuseComplete = true;
        JobVerbMatrixTest.assertRefusedWithoutEffect(h, j, JobVerb.COMPLETE, "target is not ready to pivot");

        // A job type without complete, even when READY.
        Harness h2 = new Harness();
        Job plain = h2.create("p", new JobDriver() {
            @Override
            public String type() {
                return "commit";
            }

            @Override
            public StepOutcome step(JobContext job) {
                if (job.status() == JobStatus.RUNNING) {
                    job.transitionToReady();
                }
                return StepOutcome.idle();
            }
        });
        plain.start();
        h2.run();
        assertEquals(JobStatus.READY, plain.status());
        JobVerbMatrixTest.assertRefusedWithoutEffect(h2, plain, JobVerb.COMPLETE,
                "The active block job 'p' cannot be completed");
    }

    @Test
    void changeReachesADriverThatSupportsIt() {
        Harness h = new Harness();
        List<Map<String, Object>> seen = new ArrayList<>();
        CopyDriver d = new CopyDriver(3, 512, h.control) {
            @Override
            public boolean supportsChange() {
                return true;
            }

            @Override
            public void change(JobContext job, Map<String, Object> options) {
                if (options.containsKey("bad")) {
                    throw new JobException("Invalid parameter 'bad'");
                }
                seen.add(options);
            }
        };
        Job j = h.create("j", d);
        j.change(Map.of("copy-mode", "write-blocking"));
        assertEquals(List.of(Map.of("copy-mode", "write-blocking")), seen);
        JobState before = j.state();
        int events = h.events.size();
        JobException e = assertThrows(JobException.class, () -> j.change(Map.of("bad", 1)));
        assertEquals("Invalid parameter 'bad'", e.getMessage());
        assertEquals(before, j.state());
        assertEquals(events, h.events.size());
        assertEquals(1, seen.size());
    }

    @Test
    void userPauseBeforeStartPausesAtTheFirstPausePoint() {
        Harness h = new Harness();
        CopyDriver d = h.copy(2);
        Job j = h.create("j", d);
        j.userPause();
        assertEquals(2, j.state().pauseCount());
        j.start();
        h.run();
        assertEquals(JobStatus.PAUSED, j.status());
        assertEquals(List.of(), d.copied);
        j.userResume();
        h.run();
        assertEquals(List.of(0, 1), d.copied);
        assertEquals(List.of("created", "running", "paused", "running", "waiting", "pending", "concluded", "null"),
                h.statuses("j"));
    }

    @Test
    void userResumeIsAcceptedInEveryStatusThatAllowsIt() {
        for (JobStatus s : List.of(JobStatus.CREATED, JobStatus.RUNNING, JobStatus.PAUSED, JobStatus.READY,
                JobStatus.STANDBY)) {
            Fixtures.withJobIn(s, (h, j) -> {
                j.userPause();
                JobState before = j.state();
                j.userResume();
                JobState after = j.state();
                assertFalse(after.userPaused(), s.toString());
                assertEquals(before.pauseCount() - 1, after.pauseCount(), s.toString());
                JobException again = assertThrows(JobException.class, j::userResume);
                assertEquals("Can't resume a job that was not paused", again.getMessage());
                j.userPause();
                assertEquals("Job is already paused", assertThrows(JobException.class, j::userPause).getMessage());
            });
        }
    }

    @Test
    void aUserPauseLeftAtTheEndOfTheRunMeetsTheVerbTable() {
        Harness h = new Harness();
        CopyDriver d = h.copy(1);
        Job j = h.registry.create(JobOptions.withId("j").autoFinalize(false), d);
        // The pause arrives during the last step: the run ends without another pause point.
        d.duringStep = ctx -> {
            if (ctx.progressCurrent() == 65536 && !j.state().userPaused()) {
                j.userPause();
            }
        };
        j.start();
        h.run();
        assertEquals(JobStatus.PENDING, j.status());
        assertTrue(j.state().userPaused());
        JobVerbMatrixTest.assertRefusedWithoutEffect(h, j, JobVerb.RESUME,
                "Job 'j' in state 'pending' cannot accept command verb 'resume'");
        j.finalizeJob();
        assertEquals(JobStatus.NULL, j.status());
    }

    @Test
    void queriesReportUpstreamFields() {
        Harness h = new Harness();
        Job j = h.registry.create(JobOptions.withId("j").speed(8 << 20), h.copy(4));
        j.start();
        h.exec.runNext(j);
        h.exec.runNext(j);
        j.pause();
        BlockJobInfo b = h.registry.queryBlockJobs().get(0);
        assertEquals(new BlockJobInfo("stream", "j", 262144, 131072, true, true, 8 << 20, IoStatus.OK, false,
                JobStatus.RUNNING, true, true, null), b);
        assertEquals(List.of("type", "device", "len", "offset", "busy", "paused", "speed", "io-status", "ready",
                "status", "auto-finalize", "auto-dismiss"), new ArrayList<>(b.toQmp().keySet()));
        assertEquals(List.of("id", "type", "status", "current-progress", "total-progress"),
                new ArrayList<>(h.registry.queryJobs().get(0).toQmp().keySet()));
        h.run();
        assertEquals(JobStatus.PAUSED, j.status());
        assertFalse(h.registry.queryBlockJobs().get(0).busy());
    }

    @Test
    void internalJobsSendNoEventsAndAreNotListed() {
        Harness h = new Harness();
        CopyDriver d = h.copy(2);
        Job j = h.registry.create(JobOptions.internalJob(), d);
        j.start();
        assertEquals(List.of(), h.registry.queryJobs());
        assertEquals(1, h.registry.jobs().size());
        h.run();
        assertEquals(List.of("prepare", "commit", "clean"), d.hooks);
        assertEquals(List.of(), h.events);
        assertEquals(List.of(), h.registry.jobs());
    }

    @Test
    void earlyFailRemovesACreatedJob() {
        Harness h = new Harness();
        CopyDriver d = h.copy(2);
        Job j = h.create("j", d);
        j.earlyFail();
        assertEquals(JobStatus.NULL, j.status());
        assertEquals(List.of("created", "null"), h.statuses("j"));
        assertEquals(List.of(), d.hooks);
        assertFalse(h.registry.find("j").isPresent());
        assertThrows(IllegalStateException.class, j::start);
    }

    @Test
    void aThrowingStepFailsTheJobInsteadOfKillingTheExecutor() {
        Harness h = new Harness();
        Job j = h.registry.create(JobOptions.withId("j").autoDismiss(false), new JobDriver() {
            @Override
            public String type() {
                return "stream";
            }

            @Override
            public StepOutcome step(JobContext job) {
                throw new IllegalStateException("driver bug");
            }
        });
        j.start();
        h.run();
        assertEquals(JobStatus.CONCLUDED, j.status());
        assertEquals("driver bug", j.info().error());
        assertEquals("BLOCK_JOB_COMPLETED {type=stream, device=j, len=0, offset=0, speed=0, error=driver bug}",
                h.eventStrings().get(h.events.size() - 2));
    }

    @Test
    void refusedCommandsAreTracedAndAcceptedOnesToo() {
        Harness h = new Harness();
        Job j = h.create("j", h.copy(1));
        assertThrows(JobException.class, j::complete);
        j.start();
        h.run();
        List<String> names = new ArrayList<>();
        for (String line : h.trace) {
            names.add(line.substring(0, line.indexOf(' ')));
        }
        assertEquals(List.of("JobComplete", "JobStart", "JobStep", "JobStep", "JobExit", "JobPending", "JobPrepare",
                "JobCommit", "JobConclude", "JobAutoDismiss"), names);
        assertTrue(h.trace.get(0).contains("ok=false"), h.trace.get(0));
        assertTrue(h.trace.get(0).contains("error=Job 'j' in state 'created' cannot accept command verb 'complete'"));
        assertTrue(h.trace.get(8).endsWith("{status=concluded, pauseCount=0, userPaused=false, paused=false, "
                + "busy=false, cancelled=false, forceCancel=false, offset=65536}"), h.trace.get(8));
    }
}
