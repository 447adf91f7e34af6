package org.blockgraph.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests in progress on one node ({@code bs->tracked_requests} under {@code reqs_lock}, reference §5.2).
 *
 * <p>A serialising request (copy-on-read) widens its range to the driver's cluster alignment; requests that
 * overlap a serialising one, and a serialising request that overlaps any other, wait until the other finishes,
 * unless the other is itself waiting (it is then, directly or not, waiting for us: waiting too would deadlock).
 */
final class TrackedRequests {
    /** One request in progress on the node. */
    static final class Tracked {
        final long start;
        final long end;
        final boolean serialising;
        final Thread thread;
        Tracked waitingFor; // guarded by the owning TrackedRequests' lock

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

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private final List<Tracked> requests = new ArrayList<>();

    Tracked begin(long offset, long bytes, boolean serialising, long align) {
        long start = offset;
        long end = offset + Math.max(bytes, 1);
        if (serialising && align > 1) {
            start = Math.floorDiv(start, align) * align;
            end = Math.floorDiv(end + align - 1, align) * align;
        }
        Tracked self = new Tracked(start, end, serialising);
        lock.lock();
        try {
            requests.add(self);
            Tracked conflict;
            while ((conflict = findConflict(self)) != null) {
                if (conflict.thread == self.thread) {
                    requests.remove(self);
                    throw new IllegalStateException("nested overlapping request from one thread would deadlock");
                }
                self.waitingFor = conflict;
                finished.awaitUninterruptibly();
                self.waitingFor = null;
            }
            return self;
        } finally {
            lock.unlock();
        }
    }

    private Tracked findConflict(Tracked self) {
        for (Tracked r : requests) {
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
        lock.lock();
        try {
            requests.remove(t);
            finished.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return requests.size();
        } finally {
            lock.unlock();
        }
    }
}
