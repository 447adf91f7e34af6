package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pausing under drain (reference §1.5): pause_count counts every quiesced job edge and the user pause; the job
 * stops only at a pause point; drained_poll waits while it is busy.
 */
class JobPauseTest {

    @Test
    void drainPausesAtThePausePointAndDrainedPollWaitsUntilThen() {
        Harness h = new Harness();
        CopyDriver d = h.copy(10);
        Job j = h.create("j", d);
        j.start();
        h.exec.runNext(j);
        j.pause();
        JobState s = j.state();
        assertEquals(1, s.pauseCount());
        assertEquals(JobStatus.RUNNING, s.status());
        assertTrue(s.busy());
        assertTrue(j.drainedPoll(), "busy: the drain keeps polling");
        assertTrue(h.registry.queryBlockJobs().get(0).paused(), "query reports pause_count > 0");
        h.exec.runNext(j);
        s = j.state();
        assertEquals(JobStatus.PAUSED, s.status());
        assertTrue(s.paused());
        assertFalse(s.busy());
        assertFalse(j.drainedPoll());
        assertEquals(List.of(0), d.copied, "no step ran at the pause point");
        assertFalse(h.exec.hasReady());
        j.resume();
        s = j.state();
        assertEquals(0, s.pauseCount());
        assertTrue(s.busy());
        h.run();
        assertEquals(JobStatus.NULL, j.status());
        assertEquals(10, d.copied.size());
    }

    @Test
    void twoQuiescedEdgesCountTwice() {
        // test_blockjob_common_drain_node: drain_all quiesces the job's source and target edges.
        Harness h = new Harness();
        Job j = h.create("j", h.copy(10));
        j.start();
        j.pause();
        j.pause();
        h.run();
        assertEquals(2, j.state().pauseCount());
        assertEquals(JobStatus.PAUSED, j.status());
        j.resume();
        assertEquals(1, j.state().pauseCount());
        assertFalse(j.state().busy());
        h.run();
        assertEquals(JobStatus.PAUSED, j.status());
        j.resume();
        assertEquals(0, j.state().pauseCount());
        assertTrue(j.state().busy());
        h.run();
        assertEquals(JobStatus.NULL, j.status());
    }

    @Test
    void userPauseAndDrainPauseAreCountedTogether() {
        Harness h = new Harness();
        Job j = h.create("j", h.copy(10));
        j.start();
        j.userPause();
        j.pause();
        h.run();
        assertEquals(2, j.state().pauseCount());
        j.userResume();
        h.run();
        assertEquals(JobStatus.PAUSED, j.status(), "still drained");
        assertEquals(1, j.state().pauseCount());
        j.resume();
        h.run();
        assertEquals(JobStatus.NULL, j.status());
    }

    @Test
    void anIdleReadyJobIsKickedIntoStandby() {
        Harness h = new Harness();
        Job j = h.create("j", h.mirror(2));
        j.start();
        h.run();
        assertEquals(JobStatus.READY, j.status());
        assertFalse(j.state().busy());
        j.pause();
        assertTrue(j.state().busy(), "the pause kicked the idle job to its pause point");
        h.run();
        assertEquals(JobStatus.STANDBY, j.status());
        j.resume();
        h.run();
        assertEquals(JobStatus.READY, j.status());
        assertEquals(List.of("created", "running", "ready", "standby", "ready"), h.statuses("j"));
    }

    @Test
    void aSleepingJobIsKickedAndResumesWithoutWaitingForItsTimer() {
        Harness h = new Harness();
        Job j = h.registry.create(JobOptions.withId("j").speed(65536), h.copy(10));
        j.start();
        h.exec.runUntilIdle();
        assertEquals(1, h.exec.timerCount(), "rate limited: asleep");
        assertFalse(j.state().busy());
        j.pause();
        assertEquals(0, h.exec.timerCount(), "the kick cancels the sleep timer");
        h.exec.runUntilIdle();
        assertEquals(JobStatus.PAUSED, j.status());
        j.resume();
        assertTrue(j.state().busy(), "no timer pending: resume enters at once");
    }

    @Test
    void aDeferredJobDoesNotHoldUpADrain() {
        Harness h = new Harness();
        Job j = h.create("j", h.copy(1));
        j.start();
        h.exec.runNext(j);
        h.exec.runNext(j); // the run ends; completion is queued for the control lock
        JobState s = j.state();
        assertTrue(s.deferred());
        assertTrue(s.busy());
        assertFalse(j.drainedPoll());
        j.pause();
        h.run();
        assertEquals(JobStatus.NULL, j.status(), "completion ran; the drain pause does not stop it");
    }

    @Test
    void unbalancedResumeIsRefusedAndChangesNothing() {
        Harness h = new Harness();
        Job j = h.create("j", h.copy(2));
        j.start();
        JobState before = j.state();
        assertThrows(IllegalStateException.class, j::resume);
        assertEquals(before, j.state());
    }

    @Test
    void aCreatedJobCountsOnePauseUntilStart() {
        Harness h = new Harness();
        Job j = h.create("j", h.copy(2));
        assertEquals(1, j.state().pauseCount());
        assertTrue(j.state().paused());
        j.pause();
        assertEquals(2, j.state().pauseCount());
        assertFalse(j.state().busy(), "not started: nothing to kick");
        j.start();
        h.run();
        assertEquals(JobStatus.PAUSED, j.status(), "drained before start: pauses at the first pause point");
        j.resume();
        h.run();
        assertEquals(JobStatus.NULL, j.status());
    }

    @Test
    void aUserPausedJobMakesNoProgressWhileTimePasses() {
        // iotest 030 test_stream_pause: paused, offset unchanged over 0.5 s, resume, completes.
        Harness h = new Harness();
        CopyDriver d = h.copy(16);
        Job j = h.registry.create(JobOptions.withId("j").speed(1 << 20), d);
        j.start();
        h.exec.runUntilIdle();
        j.userPause();
        h.exec.runUntilQuiet();
        assertEquals(JobStatus.PAUSED, j.status());
        long offset = j.state().offset();
        h.exec.advance(500_000_000L);
        h.exec.runUntilQuiet();
        assertEquals(offset, j.state().offset());
        assertEquals(JobStatus.PAUSED, j.status());
        j.userResume();
        h.exec.runUntilQuiet();
        assertEquals(JobStatus.NULL, j.status());
        assertEquals(16, d.copied.size());
    }
}
