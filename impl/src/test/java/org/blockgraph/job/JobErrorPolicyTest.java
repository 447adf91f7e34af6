package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * on-error report / ignore / stop / enospc, after iotest 030's TestEIO and TestENOSPC: a 2 MiB job in 64 KiB units
 * whose unit at 512 KiB fails once.
 */
class JobErrorPolicyTest {
    private static final int UNITS = 32;
    private static final int BAD = 8; // 512 KiB / 64 KiB
    private static final long LEN = 2L << 20;

    private static Job job(Harness h, CopyDriver d, OnError policy) {
        Job j = h.registry.create(JobOptions.withId("j").onError(policy), d);
        j.start();
        return j;
    }

    private static List<Integer> allBut(int unit) {
        return IntStream.range(0, UNITS).filter(i -> i != unit).boxed().collect(Collectors.toList());
    }

    @Test
    void reportFailsTheJobAtTheError() {
        Harness h = new Harness();
        CopyDriver d = h.copy(UNITS).failUnit(BAD, new IoError(Errno.EIO, true), 1);
        Job j = job(h, d, OnError.REPORT);
        h.run();
        List<String> ev = h.eventStrings();
        assertTrue(ev.contains("BLOCK_JOB_ERROR {device=j, operation=read, action=report}"), ev.toString());
        assertTrue(ev.contains("BLOCK_JOB_COMPLETED {type=stream, device=j, len=2097152, offset=524288, speed=0, "
                + "error=Input/output error}"), ev.toString());
        assertEquals(List.of("BLOCK_JOB_ERROR", "BLOCK_JOB_COMPLETED"), h.blockEvents());
        assertEquals(List.of("created", "running", "aborting", "concluded", "null"), h.statuses("j"));
        assertEquals(List.of("abort", "clean"), d.hooks);
        assertEquals(IntStream.range(0, BAD).boxed().collect(Collectors.toList()), d.copied);
        assertEquals(JobStatus.NULL, j.status());
    }

    @Test
    void enospcPolicyReportsOtherErrors() {
        Harness h = new Harness();
        CopyDriver d = h.copy(UNITS).failUnit(BAD, new IoError(Errno.EIO, true), 1);
        job(h, d, OnError.ENOSPC);
        h.run();
        assertTrue(h.eventStrings().contains("BLOCK_JOB_ERROR {device=j, operation=read, action=report}"));
        assertEquals(List.of("abort", "clean"), d.hooks);
    }

    @Test
    void ignoreKeepsGoingAndFailsWithTheFirstErrorAtTheEnd() {
        Harness h = new Harness();
        CopyDriver d = h.copy(UNITS).failUnit(BAD, new IoError(Errno.EIO, true), 1)
                .failUnit(20, new IoError(Errno.ENOSPC, false), 1);
        Job j = h.registry.create(JobOptions.withId("j").onError(OnError.IGNORE).autoDismiss(false), d);
        j.start();
        h.exec.runNext(j);
        assertEquals(JobStatus.RUNNING, j.status());
        h.run();
        assertEquals(List.of("BLOCK_JOB_ERROR", "BLOCK_JOB_ERROR", "BLOCK_JOB_COMPLETED"), h.blockEvents());
        List<String> ev = h.eventStrings();
        assertTrue(ev.contains("BLOCK_JOB_ERROR {device=j, operation=write, action=ignore}"), ev.toString());
        assertTrue(ev.contains("BLOCK_JOB_COMPLETED {type=stream, device=j, len=2097152, offset=2097152, speed=0, "
                + "error=Input/output error}"), ev.toString());
        assertEquals(List.of("abort", "clean"), d.hooks, "an ignored error still fails the job");
        assertEquals("Input/output error", j.info().error());
        assertEquals(LEN, j.state().offset());
    }

    @Test
    void stopPausesWithIoStatusAndResumeRetries() {
        Harness h = new Harness();
        CopyDriver d = h.copy(UNITS).failUnit(BAD, new IoError(Errno.EIO, true), 1);
        Job j = job(h, d, OnError.STOP);
        h.run();
        assertEquals(JobStatus.PAUSED, j.status());
        BlockJobInfo info = h.registry.queryBlockJobs().get(0);
        assertEquals(524288, info.offset());
        assertEquals(IoStatus.FAILED, info.ioStatus());
        assertTrue(info.paused());
        assertTrue(j.state().userPaused());
        assertEquals(1, j.state().pauseCount());
        assertTrue(h.eventStrings().contains("BLOCK_JOB_ERROR {device=j, operation=read, action=stop}"));
        j.userResume();
        assertEquals(IoStatus.OK, j.state().ioStatus());
        h.run();
        assertEquals(IntStream.range(0, UNITS).boxed().collect(Collectors.toList()), d.copied);
        assertEquals(List.of("prepare", "commit", "clean"), d.hooks);
        assertTrue(h.eventStrings().contains(
                "BLOCK_JOB_COMPLETED {type=stream, device=j, len=2097152, offset=2097152, speed=0}"));
        assertEquals(List.of("created", "running", "paused", "running", "waiting", "pending", "concluded", "null"),
                h.statuses("j"));
    }

    @Test
    void enospcStopsWithNospaceAndResumes() {
        Harness h = new Harness();
        CopyDriver d = h.copy(UNITS).failUnit(BAD, new IoError(Errno.ENOSPC, false), 2);
        Job j = job(h, d, OnError.ENOSPC);
        h.run();
        assertEquals(JobStatus.PAUSED, j.status());
        assertEquals(IoStatus.NOSPACE, j.state().ioStatus());
        j.userResume();
        h.run();
        assertEquals(JobStatus.PAUSED, j.status(), "the unit failed again");
        assertEquals(IoStatus.NOSPACE, j.state().ioStatus());
        j.userResume();
        h.run();
        assertEquals(JobStatus.NULL, j.status());
        assertEquals(List.of("prepare", "commit", "clean"), d.hooks);
        assertEquals(List.of("BLOCK_JOB_ERROR", "BLOCK_JOB_ERROR", "BLOCK_JOB_COMPLETED"), h.blockEvents());
    }

    @Test
    void stopOnAUserPausedJobCountsTheUserPauseOnce() {
        Harness h = new Harness();
        CopyDriver d = h.copy(4).failUnit(1, new IoError(Errno.EIO, false), 1);
        Job j = h.registry.create(JobOptions.withId("j").onError(OnError.STOP), d);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        d.duringStep = ctx -> {
            if (ctx.progressCurrent() == 65536 && once.compareAndSet(false, true)) {
                j.userPause(); // the user pauses during the step that then fails
            }
        };
        j.start();
        h.run();
        assertEquals(JobStatus.PAUSED, j.status());
        assertEquals(1, j.state().pauseCount());
        assertEquals(IoStatus.FAILED, j.state().ioStatus());
        j.userResume();
        assertEquals(0, j.state().pauseCount());
        h.run();
        assertEquals(JobStatus.NULL, j.status());
    }

    @Test
    void cancelOfAStoppedJobUnpausesAndCancels() {
        Harness h = new Harness();
        CopyDriver d = h.copy(UNITS).failUnit(BAD, new IoError(Errno.EIO, true), 1);
        Job j = job(h, d, OnError.STOP);
        h.run();
        assertEquals(JobStatus.PAUSED, j.status());
        j.cancel(false);
        JobState s = j.state();
        assertFalse(s.userPaused());
        assertEquals(0, s.pauseCount());
        assertEquals(IoStatus.OK, s.ioStatus());
        h.run();
        assertEquals(List.of("abort", "clean"), d.hooks);
        assertTrue(h.blockEvents().contains("BLOCK_JOB_CANCELLED"));
        assertEquals(allBut(BAD).subList(0, BAD), d.copied);
    }
}
