package org.blockgraph.graph;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests in progress on one node ({@code bs->tracked_requests} under {@code reqs_lock}, reference §5.2).
 *
 * <p>A serialising request (copy-on-read) widens its range to the driver's cluster alignment; requests that
 * overlap a serialising one, and a serialising request that overlaps any other, wait until the other finishes,
 * unless the other is itself waiting (it is then, directly or not, waiting for us: waiting too would deadlock).
 *
 * <p>Multiqueue fast path: the set of requests is concurrent, and a non-serialising request that finds no
 * serialising request on the node registers and goes on without taking the lock. Dekker pair: a serialising
 * request increments {@code serialising} and then scans the set; a plain request adds itself to the set and then
 * reads {@code serialising}. So either the scan sees the plain request or the plain request takes the slow path
 * (under the lock) and sees the serialising one. Likewise {@code waiters} against the set's removals: a finishing
 * request signals under the lock whenever someone may be waiting.
 */
final class TrackedRequests {
    /** One request in progress on the node. */
    static final class Tracked {
        final long start;
        final long end;
        final boolean serialising;
        final Thread thread;
        Tracked waitingFor; // written and read under the owning TrackedRequests' lock only

        Tracked(long start, long end, boolean serialising) {
            this.start = start;
            this.end = end;
            this.serialising = serialising;
            this.thread = Thread.currentThread();
        }

        boolean overlaps(Tracked o) {
            return start < o.end && o.start < end;
        }
    }

    private final Set<Tracked> active = ConcurrentHashMap.newKeySet();
    private final AtomicInteger serialising = new AtomicInteger();
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();

    Tracked begin(long offset, long bytes, boolean serialise, long align) {
        long start = offset;
        long end = offset + Math.max(bytes, 1);
        if (serialise && align > 1) {
            start = Math.floorDiv(start, align) * align;
            end = Math.floorDiv(end + align - 1, align) * align;
        }
        Tracked self = new Tracked(start, end, serialise);
        if (serialise) {
            serialising.incrementAndGet();
        }
        active.add(self);
        if (!serialise && serialising.get() == 0) {
            return self;
        }
        lock.lock();
        waiters.incrementAndGet();
        try {
            Tracked conflict;
            while ((conflict = findConflict(self)) != null) {
                if (conflict.thread == self.thread) {
                    end(self);
                    throw new IllegalStateException("nested overlapping request from one thread would deadlock");
                }
                self.waitingFor = conflict;
                finished.awaitUninterruptibly();
                self.waitingFor = null;
            }
            return self;
        } finally {
            waiters.decrementAndGet();
            lock.unlock();
        }
    }

    private Tracked findConflict(Tracked self) {
        for (Tracked r : active) {
            if (r == self || !(r.serialising || self.serialising) || !r.overlaps(self)) {
                continue;
            }
            if (r.waitingFor == null) {
                return r;
            }
        }
        return null;
    }

    void end(Tracked t) {
        active.remove(t);
        if (t.serialising) {
            serialising.decrementAndGet();
        }
        if (waiters.get() > 0) {
            lock.lock();
            try {
                finished.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    int size() {
        return active.size();
    }
}
