package org.blockgraph.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.blockgraph.testing.Watchdog;
import org.junit.jupiter.api.Test;

/** The graph lock: many readers, one writer under the control lock, writer waits for readers. */
class GraphLockTest {
    final ControlLock control = new ControlLock();
    final AioWait wait = new AioWait();
    final GraphLock lock = new GraphLock(control, wait);

    @Test
    void readersShareAndTheWriterWaitsForThem() throws Exception {
        Watchdog.run(30, () -> {
            CountDownLatch held = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            Runnable reader = () -> {
                lock.rdlock();
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lock.rdunlock();
            };
            CompletableFuture<Void> r1 = CompletableFuture.runAsync(reader);
            CompletableFuture<Void> r2 = CompletableFuture.runAsync(reader);
            assertTrue(held.await(10, TimeUnit.SECONDS), "two readers hold the lock at once");
            assertEquals(2, lock.readerCount());
            AtomicBoolean written = new AtomicBoolean();
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                control.lock();
                try {
                    lock.wrlock();
                    written.set(true);
                    lock.wrunlock();
                } finally {
                    control.unlock();
                }
            });
            while (!lock.hasWriter()) {
                Thread.sleep(1);
            }
            Thread.sleep(50);
            assertFalse(written.get(), "the writer waits while readers hold the lock");
            // A new reader does not overtake a waiting writer.
            AtomicBoolean lateRead = new AtomicBoolean();
            CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
                lock.rdlock();
                lateRead.set(written.get());
                lock.rdunlock();
            });
            Thread.sleep(50);
            assertFalse(late.isDone());
            release.countDown();
            r1.get(10, TimeUnit.SECONDS);
            r2.get(10, TimeUnit.SECONDS);
            w.get(10, TimeUnit.SECONDS);
            late.get(10, TimeUnit.SECONDS);
            assertTrue(lateRead.get(), "the late reader ran after the writer");
            assertEquals(0, lock.readerCount());
            assertFalse(lock.hasWriter());
        });
    }

    @Test
    void misuseIsRefused() {
        assertThrows(IllegalStateException.class, lock::wrlock, "the writer needs the control lock");
        assertThrows(IllegalStateException.class, lock::rdunlock);
        assertEquals(0, lock.readerCount());
        control.lock();
        try {
            lock.wrlock();
            assertThrows(IllegalStateException.class, lock::wrlock, "not reentrant");
            lock.wrunlock();
        } finally {
            control.unlock();
        }
        assertThrows(IllegalStateException.class, lock::wrunlock);
    }

    @Test
    void manyReadersAndWritersKeepExclusion() throws Exception {
        Watchdog.run(60, () -> {
            AtomicInteger inside = new AtomicInteger();
            // Readers that hold the lock right now. Not lock.readerCount(): a reader's optimistic increment (taken
            // back at once when it sees the writer) may show in that count while the writer holds the lock.
            AtomicInteger holders = new AtomicInteger();
            AtomicInteger violations = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<?>[] readers = new CompletableFuture<?>[4];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = CompletableFuture.runAsync(() -> {
                    while (!stop.get()) {
                        lock.rdlock();
                        holders.incrementAndGet();
                        if (inside.get() < 0) {
                            violations.incrementAndGet();
                        }
                        holders.decrementAndGet();
                        lock.rdunlock();
                    }
                });
            }
            for (int i = 0; i < 300; i++) {
                control.lock();
                try {
                    lock.wrlock();
                    inside.set(-1);
                    if (holders.get() != 0) {
                        violations.incrementAndGet();
                    }
                    inside.set(0);
                    lock.wrunlock();
                } finally {
                    control.unlock();
                }
            }
            stop.set(true);
            CompletableFuture.allOf(readers).get(10, TimeUnit.SECONDS);
            assertEquals(0, violations.get());
            assertEquals(0, lock.readerCount());
        });
    }

    @Test
    void deferredControlWorkRunsWhenTheHolderLeaves() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        control.lock();
        try {
            control.lock();
            control.execute(ran::incrementAndGet);
            control.unlock();
            assertEquals(0, ran.get(), "not inside the holder's operation");
            CompletableFuture.runAsync(() -> control.execute(ran::incrementAndGet)).get(10, TimeUnit.SECONDS);
            assertEquals(0, ran.get(), "another thread's work does not block it and does not run yet");
        } finally {
            control.unlock();
        }
        assertEquals(2, ran.get());
        control.execute(ran::incrementAndGet);
        assertEquals(3, ran.get(), "runs at once when the lock is free");

        java.util.List<Throwable> failures = new java.util.ArrayList<>();
        control.setFailureHandler(failures::add);
        control.lock();
        control.execute(() -> {
            throw new IllegalStateException("job completion failed");
        });
        control.execute(ran::incrementAndGet);
        control.unlock(); // the holder that ran the tasks is not the one to hear about the failure
        assertEquals(4, ran.get(), "a failing task does not stop the others");
        assertEquals(1, failures.size());
        assertEquals("job completion failed", failures.get(0).getMessage());
        assertFalse(control.isHeldByCurrentThread());
    }
}
