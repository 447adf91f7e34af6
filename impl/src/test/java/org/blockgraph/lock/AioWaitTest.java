package org.blockgraph.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.blockgraph.testing.Watchdog;
import org.junit.jupiter.api.Test;

/** The event-count wakeup loses no kick and lets conditions take locks that kickers hold. */
class AioWaitTest {
    @Test
    void noKickIsLostWithoutTheSafetyNet() throws Exception {
        Watchdog.run(60, () -> {
            AioWait wait = new AioWait(Long.MAX_VALUE); // a lost kick would hang: the watchdog reports it
            AtomicInteger turn = new AtomicInteger();
            int rounds = 20_000;
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < rounds; i++) {
                    final int mine = 2 * i + 1;
                    wait.waitWhile(() -> turn.get() != mine - 1, null);
                    turn.set(mine);
                    wait.kick();
                }
            });
            for (int i = 0; i < rounds; i++) {
                final int mine = 2 * i + 2;
                wait.waitWhile(() -> turn.get() != mine - 1, null);
                turn.set(mine);
                wait.kick();
            }
            other.get(30, TimeUnit.SECONDS);
            assertEquals(2 * rounds, turn.get());
        });
    }

    @Test
    void aConditionMayTakeALockThatTheKickerHolds() throws Exception {
        Watchdog.run(60, () -> {
            AioWait wait = new AioWait(Long.MAX_VALUE);
            ReentrantLock jobMutex = new ReentrantLock();
            AtomicInteger busy = new AtomicInteger(1);
            CompletableFuture<Void> job = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 1000; i++) {
                    jobMutex.lock(); // as a job that kicks while holding its own mutex
                    try {
                        wait.kick();
                    } finally {
                        jobMutex.unlock();
                    }
                }
                jobMutex.lock();
                try {
                    busy.set(0);
                    wait.kick();
                } finally {
                    jobMutex.unlock();
                }
            });
            wait.waitWhile(() -> {
                jobMutex.lock();
                try {
                    return busy.get() != 0;
                } finally {
                    jobMutex.unlock();
                }
            }, null);
            job.get(30, TimeUnit.SECONDS);
        });
    }
}
