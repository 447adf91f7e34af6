package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** set-speed: a real limit on the copied bytes, measured on a fake clock. */
class JobRateLimitTest {
    private static final long MS = 1_000_000L;

    @Test
    void limiterLetsABurstThroughThenPacesAtTheSpeed() {
        RateLimiter l = new RateLimiter();
        l.setSpeed(1 << 20, 0);
        // 64 KiB costs 62.5 ms at 1 MiB/s; 100 ms may be run ahead.
        assertEquals(0, l.consume(65536, 0));
        assertEquals(25 * MS, l.consume(65536, 0));
        // Woken at 25 ms: 187.5 ms of copying is paid for, 100 ms may be ahead, so 62.5 ms more.
        assertEquals(62_500_000L, l.consume(65536, 25 * MS));
        RateLimiter unlimited = new RateLimiter();
        unlimited.setSpeed(0, 0);
        assertEquals(0, unlimited.consume(Long.MAX_VALUE, 0));
        RateLimiter slow = new RateLimiter();
        slow.setSpeed(1, 0);
        assertTrue(slow.consume(Long.MAX_VALUE / 2, 0) > 0, "huge counts saturate instead of overflowing");
    }

    @Test
    void idleTimeIsNotBankedBeyondTheBurst() {
        RateLimiter l = new RateLimiter();
        l.setSpeed(1 << 20, 0);
        l.consume(65536, 0);
        // A long pause must not let a later burst exceed one slice.
        long t = 10_000 * MS;
        assertEquals(0, l.consume(65536, t));
        assertEquals(25 * MS, l.consume(65536, t));
    }

    @Test
    void jobCopiesNoFasterThanItsSpeed() {
        Harness h = new Harness();
        long speed = 1 << 20;
        CopyDriver d = h.copy(32); // 2 MiB in 64 KiB units
        Job j = h.registry.create(JobOptions.withId("j").speed(speed), d);
        j.start();
        List<long[]> samples = new ArrayList<>();
        while (j.status() != JobStatus.NULL) {
            h.exec.runUntilIdle();
            samples.add(new long[] {h.exec.now(), d.copied.size() * 65536L});
            long next = h.exec.nextDeadline();
            if (next < 0) {
                break;
            }
            h.exec.advance(next - h.exec.now());
        }
        assertEquals(JobStatus.NULL, j.status());
        for (long[] s : samples) {
            long allowed = speed * (s[0] + RateLimiter.BURST_NANOS) / 1_000_000_000L + 65536;
            assertTrue(s[1] <= allowed, () -> "copied " + s[1] + " by " + s[0] + " ns, allowed " + allowed);
        }
        // 2 MiB at 1 MiB/s with a 100 ms burst: the last unit is paid for at 2 s, so the run ends at 1.9 s.
        assertEquals(1900 * MS, h.exec.now());
    }

    @Test
    void unlimitedJobNeverSleeps() {
        Harness h = new Harness();
        Job j = h.create("j", h.copy(32));
        j.start();
        h.exec.runUntilIdle();
        assertEquals(JobStatus.NULL, j.status());
        assertEquals(0, h.exec.now());
    }

    @Test
    void raisingTheSpeedWakesASleepingJobLoweringItDoesNot() {
        Harness h = new Harness();
        Job j = h.registry.create(JobOptions.withId("j").speed(65536), h.copy(10));
        j.start();
        h.exec.runUntilIdle();
        assertEquals(1, h.exec.timerCount());
        j.setSpeed(1024);
        assertEquals(1, h.exec.timerCount(), "lower speed: keeps sleeping");
        assertFalse(j.state().busy());
        j.setSpeed(1 << 30);
        assertEquals(0, h.exec.timerCount(), "higher speed: woken");
        assertTrue(j.state().busy());
        assertEquals(1 << 30, h.registry.queryBlockJobs().get(0).speed());
        j.setSpeed(0);
        h.exec.runUntilIdle();
        assertEquals(JobStatus.NULL, j.status());
    }

    @Test
    void negativeSpeedIsRefusedAndChangesNothing() {
        Harness h = new Harness();
        Job j = h.registry.create(JobOptions.withId("j").speed(4096), h.copy(4));
        j.start();
        JobVerbMatrixTest.assertRefusedWithoutEffect(h, j, () -> j.setSpeed(-1),
                "Parameter 'speed' expects a non-negative value");
    }

    @Test
    void cancelWakesASleepingJob() {
        Harness h = new Harness();
        CopyDriver d = h.copy(100);
        Job j = h.registry.create(JobOptions.withId("j").speed(1), d);
        j.start();
        h.exec.runUntilIdle();
        assertEquals(1, h.exec.timerCount());
        j.cancel(true);
        assertEquals(0, h.exec.timerCount());
        h.exec.runUntilIdle();
        assertEquals(JobStatus.NULL, j.status());
        assertEquals(1, d.copied.size());
    }

    @Test
    void speedIsReportedAsSetAtCreationAndBySetSpeed() {
        // iotest 030 TestSetSpeed.
        Harness h = new Harness();
        Job a = h.create("a", h.copy(4));
        assertEquals(0, h.registry.queryBlockJobs().get(0).speed(), "default speed");
        a.setSpeed(8L << 20);
        assertEquals(8L << 20, h.registry.queryBlockJobs().get(0).speed());
        h.registry.create(JobOptions.withId("b").speed(4L << 20), h.copy(4));
        assertEquals(4L << 20, h.registry.queryBlockJobs().get(1).speed());
    }
}
