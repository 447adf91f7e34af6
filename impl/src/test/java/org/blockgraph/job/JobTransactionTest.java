package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Transactions: jobs that finalize together or abort together. */
class JobTransactionTest {

    /** A copy driver that logs its hooks, tagged with its name, into a shared list. */
    private static CopyDriver logged(Harness h, String name, int units, List<String> log) {
        return new CopyDriver(units, 4096, h.control) {
            @Override
            public void prepare(JobContext job) {
                log.add(name + ".prepare");
                super.prepare(job);
            }

            @Override
            public void commit(JobContext job) {
                log.add(name + ".commit");
                super.commit(job);
            }

            @Override
            public void abort(JobContext job) {
                log.add(name + ".abort");
                super.abort(job);
            }

            @Override
            public void clean(JobContext job) {
                log.add(name + ".clean");
                super.clean(job);
            }
        };
    }

    @Test
    void allSucceedThenAllFinalizeTogether() {
        Harness h = new Harness();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        JobTxn txn = h.registry.newTransaction();
        Job a = h.registry.create(JobOptions.withId("a"), logged(h, "a", 1, log), txn);
        Job b = h.registry.create(JobOptions.withId("b"), logged(h, "b", 5, log), txn);
        a.start();
        b.start();
        while (a.status() != JobStatus.WAITING) {
            h.exec.runNext(a);
        }
        assertEquals(List.of(), log, "a waits for b");
        h.run();
        assertEquals(List.of("a.prepare", "b.prepare", "a.commit", "a.clean", "b.commit", "b.clean"), log);
        assertEquals(List.of("created", "running", "waiting", "pending", "concluded", "null"), h.statuses("a"));
        assertEquals(List.of("created", "running", "waiting", "pending", "concluded", "null"), h.statuses("b"));
    }

    @Test
    void oneFailingAbortsTheOthersForceCancelled() {
        Harness h = new Harness();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        JobTxn txn = h.registry.newTransaction();
        CopyDriver da = logged(h, "a", 4, log).failUnit(2, new IoError(Errno.EIO, false), 1);
        CopyDriver db = logged(h, "b", 100, log);
        Job a = h.registry.create(JobOptions.withId("a"), da, txn);
        Job b = h.registry.create(JobOptions.withId("b"), db, txn);
        a.start();
        b.start();
        h.run();
        assertEquals(List.of("a.abort", "a.clean", "b.abort", "b.clean"), log);
        assertTrue(db.copied.size() < 100, "b was stopped");
        assertEquals(JobStatus.NULL, a.status());
        assertEquals(JobStatus.NULL, b.status());
        List<String> ev = h.eventStrings();
        assertTrue(ev.contains("BLOCK_JOB_COMPLETED {type=stream, device=a, len=16384, offset=8192, speed=0, "
                + "error=Input/output error}"), ev.toString());
        assertEquals(List.of("BLOCK_JOB_ERROR", "BLOCK_JOB_COMPLETED", "BLOCK_JOB_CANCELLED"), h.blockEvents());
        assertEquals(List.of("created", "running", "aborting", "concluded", "null"), h.statuses("b"));
    }

    @Test
    void aFailedPrepareAbortsEveryJobOfTheTransaction() {
        Harness h = new Harness();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        JobTxn txn = h.registry.newTransaction();
        CopyDriver da = logged(h, "a", 2, log);
        CopyDriver db = logged(h, "b", 2, log);
        db.prepareFailure = new JobException(Errno.EIO, "Could not reopen 'base' read-write");
        Job a = h.registry.create(JobOptions.withId("a").autoDismiss(false), da, txn);
        Job b = h.registry.create(JobOptions.withId("b").autoDismiss(false), db, txn);
        a.start();
        b.start();
        h.run();
        assertEquals(List.of("a.prepare", "b.prepare", "a.abort", "a.clean", "b.abort", "b.clean"), log,
                "nothing is committed when any prepare fails");
        assertEquals("Could not reopen 'base' read-write", b.info().error());
        assertEquals("Operation canceled", a.info().error());
        assertEquals(JobStatus.CONCLUDED, a.status());
        assertEquals(JobStatus.CONCLUDED, b.status());
        assertTrue(h.eventStrings().contains("BLOCK_JOB_COMPLETED {type=stream, device=b, len=8192, offset=8192, "
                + "speed=0, error=Could not reopen 'base' read-write}"));
    }

    @Test
    void oneManualFinalizeHoldsTheWholeTransaction() {
        Harness h = new Harness();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        JobTxn txn = h.registry.newTransaction();
        Job a = h.registry.create(JobOptions.withId("a").autoFinalize(false), logged(h, "a", 2, log), txn);
        Job b = h.registry.create(JobOptions.withId("b"), logged(h, "b", 2, log), txn);
        a.start();
        b.start();
        h.run();
        assertEquals(JobStatus.PENDING, a.status());
        assertEquals(JobStatus.PENDING, b.status());
        assertEquals(List.of("BLOCK_JOB_PENDING"), h.blockEvents());
        assertEquals(List.of(), log);
        b.finalizeJob(); // finalize of any member finalizes the transaction
        assertEquals(List.of("a.prepare", "b.prepare", "a.commit", "a.clean", "b.commit", "b.clean"), log);
        assertEquals(JobStatus.NULL, a.status());
    }

    @Test
    void abortReachesPausedAndReadyMembers() {
        Harness h = new Harness();
        JobTxn txn = h.registry.newTransaction();
        CopyDriver failing = h.copy(3).failUnit(1, new IoError(Errno.EIO, true), 1);
        CopyDriver pausedDriver = h.copy(50);
        MirrorDriver mirrorDriver = h.mirror(2);
        Job f = h.registry.create(JobOptions.withId("f"), failing, txn);
        Job p = h.registry.create(JobOptions.withId("p"), pausedDriver, txn);
        Job m = h.registry.create(JobOptions.withId("m"), mirrorDriver, txn);
        p.start();
        m.start();
        p.userPause();
        h.run();
        assertEquals(JobStatus.PAUSED, p.status());
        assertEquals(JobStatus.READY, m.status());
        f.start();
        h.run();
        for (Job j : List.of(f, p, m)) {
            assertEquals(JobStatus.NULL, j.status(), j.id());
        }
        assertFalse(mirrorDriver.pivoted);
        assertEquals(List.of("abort", "clean"), mirrorDriver.hooks);
        assertEquals(List.of("abort", "clean"), pausedDriver.hooks);
        assertEquals(List.of("created", "running", "paused", "running", "aborting", "concluded", "null"),
                h.statuses("p"));
        assertEquals(List.of("created", "running", "ready", "aborting", "concluded", "null"), h.statuses("m"));
    }

    @Test
    void cancellingANotStartedMemberAbortsTheTransaction() {
        Harness h = new Harness();
        JobTxn txn = h.registry.newTransaction();
        CopyDriver da = h.copy(5);
        CopyDriver db = h.copy(5);
        Job a = h.registry.create(JobOptions.withId("a"), da, txn);
        Job b = h.registry.create(JobOptions.withId("b"), db, txn);
        a.start();
        h.exec.runNext(a);
        b.cancel(false);
        assertEquals(JobStatus.NULL, a.status());
        assertEquals(JobStatus.NULL, b.status());
        assertEquals(List.of("BLOCK_JOB_CANCELLED"), h.blockEvents(), "b never started: no event for it");
        h.run();
        assertEquals(1, da.copied.size(), "a's queued entry found the run over");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void abortWaitsForAStepInFlightOnAnotherThread() throws Exception {
        Harness h = new Harness();
        JobTxn txn = h.registry.newTransaction();
        CopyDriver da = h.copy(3).failUnit(0, new IoError(Errno.EIO, true), 1);
        CopyDriver db = h.copy(10);
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        db.duringStep = ctx -> {
            if (ctx.progressCurrent() == 4 * 65536) {
                inStep.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Job a = h.registry.create(JobOptions.withId("a"), da, txn);
        Job b = h.registry.create(JobOptions.withId("b"), db, txn);
        b.start();
        for (int i = 0; i < 4; i++) {
            h.exec.runNext(b);
        }
        AtomicReference<Throwable> stepperFailure = new AtomicReference<>();
        Thread stepper = new Thread(() -> {
            try {
                h.exec.runNext(b);
            } catch (Throwable t) {
                stepperFailure.set(t);
            }
        });
        stepper.start();
        assertTrue(inStep.await(10, TimeUnit.SECONDS));
        a.start();
        h.exec.runNext(a); // a's first step fails: its run ends, the completion is queued
        assertEquals(JobStatus.RUNNING, a.status());
        assertTrue(a.state().deferred());
        Thread main = Thread.currentThread();
        Thread releaser = new Thread(() -> {
            // Release the step only once the abort is waiting for it.
            while (main.getState() != Thread.State.WAITING && main.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
            release.countDown();
        });
        releaser.start();
        h.exec.runNext(a); // a's completion: transaction abort, which waits for b's step
        releaser.join(10_000);
        stepper.join(10_000);
        assertEquals(null, stepperFailure.get());
        assertEquals(JobStatus.NULL, a.status());
        assertEquals(JobStatus.NULL, b.status());
        assertEquals(5, db.copied.size(), "the step in flight finished; none after it");
        h.run();
        assertEquals(5, db.copied.size());
        assertEquals(List.of("abort", "clean"), db.hooks);
    }
}
