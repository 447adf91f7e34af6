package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/** Puts a job called "j" into each observable status, on a fresh {@link Harness}. */
final class Fixtures {
    private Fixtures() {
    }

    /** Runs {@code probe} with a job "j" in {@code status}. ABORTING is only observable inside the abort hook. */
    static void withJobIn(JobStatus status, BiConsumer<Harness, Job> probe) {
        Harness h = new Harness();
        switch (status) {
            case CREATED: {
                probe.accept(h, h.create("j", h.copy(4)));
                return;
            }
            case RUNNING: {
                Job j = h.create("j", h.copy(4));
                j.start();
                h.exec.runNext(j);
                h.exec.runNext(j);
                assertEquals(JobStatus.RUNNING, j.status());
                probe.accept(h, j);
                return;
            }
            case PAUSED: {
                Job j = h.create("j", h.copy(4));
                j.start();
                h.exec.runNext(j);
                j.pause(); // a drained job edge
                h.stepUntilParked(j);
                assertEquals(JobStatus.PAUSED, j.status());
                probe.accept(h, j);
                return;
            }
            case READY: {
                Job j = h.create("j", h.mirror(2));
                j.start();
                h.run();
                assertEquals(JobStatus.READY, j.status());
                probe.accept(h, j);
                return;
            }
            case STANDBY: {
                Job j = h.create("j", h.mirror(2));
                j.start();
                h.run();
                j.pause();
                h.run();
                assertEquals(JobStatus.STANDBY, j.status());
                probe.accept(h, j);
                return;
            }
            case WAITING: {
                JobTxn txn = h.registry.newTransaction();
                Job j = h.registry.create(JobOptions.withId("j"), h.copy(1), txn);
                Job other = h.registry.create(JobOptions.withId("other"), h.copy(100), txn);
                j.start();
                other.start();
                for (int i = 0; i < 10 && j.status() != JobStatus.WAITING; i++) {
                    h.exec.runNext(j);
                }
                assertEquals(JobStatus.WAITING, j.status());
                assertEquals(JobStatus.RUNNING, other.status());
                probe.accept(h, j);
                return;
            }
            case PENDING: {
                Job j = h.registry.create(JobOptions.withId("j").autoFinalize(false), h.copy(2));
                j.start();
                h.run();
                assertEquals(JobStatus.PENDING, j.status());
                probe.accept(h, j);
                return;
            }
            case ABORTING: {
                CopyDriver d = h.copy(4);
                Job j = h.create("j", d);
                AtomicBoolean probed = new AtomicBoolean();
                d.duringAbort = ctx -> {
                    assertEquals(JobStatus.ABORTING, j.status());
                    probe.accept(h, j);
                    probed.set(true);
                };
                j.start();
                h.exec.runNext(j);
                j.cancel(true);
                h.run();
                assertTrue(probed.get(), "abort hook did not run");
                return;
            }
            case CONCLUDED: {
                Job j = h.registry.create(JobOptions.withId("j").autoDismiss(false), h.copy(2));
                j.start();
                h.run();
                assertEquals(JobStatus.CONCLUDED, j.status());
                probe.accept(h, j);
                return;
            }
            case NULL: {
                Job j = h.create("j", h.copy(2));
                j.start();
                h.run();
                assertEquals(JobStatus.NULL, j.status());
                probe.accept(h, j);
                return;
            }
            default:
                throw new IllegalArgumentException("not observable: " + status);
        }
    }
}
