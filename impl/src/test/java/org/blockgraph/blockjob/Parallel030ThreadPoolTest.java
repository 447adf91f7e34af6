package org.blockgraph.blockjob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobStatus;
import org.junit.jupiter.api.Test;

/**
 * The 030 parallel rows that need real concurrency: the jobs run on a {@link org.blockgraph.job.ThreadPoolJobExecutor}
 * unthrottled while two guest threads write through {@code drive0} (each its own clusters, so a reference map is
 * exact). Asserts only outcomes (no errors, final chain, guest content equals the reference, a quiescent graph),
 * never speed or interleaving; the deterministic rows with their error texts are {@link Parallel030Test}.
 */
class Parallel030ThreadPoolTest {
    private static final int WRITES = 64;

    /** Guest writers: thread t writes clusters c with c % 2 == t; returns the expected final content. */
    private static byte[] runWithGuestWriters(ChainFixture f, Runnable jobsStart) throws Exception {
        byte[] expected = f.content(f.drive.node());
        ConcurrentHashMap<Integer, byte[]> written = new ConcurrentHashMap<>();
        ExecutorService guests = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int thread = t;
                fs.add(guests.submit(() -> {
                    Random r = new Random(thread + 1);
                    go.await();
                    for (int i = 0; i < WRITES; i++) {
                        int cluster = 2 * r.nextInt(ChainFixture.CLUSTERS / 2) + thread;
                        byte[] data = new byte[512];
                        r.nextBytes(data);
                        int off = 512 * r.nextInt(ChainFixture.CLUSTER / 512);
                        f.drive.write((long) cluster * ChainFixture.CLUSTER + off, data);
                        written.put(cluster * ChainFixture.CLUSTER + off, data);
                    }
                    return null;
                }));
            }
            jobsStart.run();
            go.countDown();
            for (Future<?> fu : fs) {
                fu.get(60, TimeUnit.SECONDS);
            }
        } finally {
            guests.shutdownNow();
        }
        written.forEach((off, data) -> System.arraycopy(data, 0, expected, off, data.length));
        return expected;
    }

    @Test
    void streamParallelWithGuestWrites() throws Exception {
        try (ChainFixture f = new ChainFixture(Parallel030Test.allocation030())) {
            byte[] expected = runWithGuestWriters(f, () -> {
                for (int i = 2; i <= 8; i += 2) {
                    f.jobs.stream(StreamOptions.of("node" + i).bottom("node" + (i - 1)).jobId("stream-node" + i));
                }
            });
            f.runAll();
            for (int i = 2; i <= 8; i += 2) {
                assertNull(f.completed("stream-node" + i).error(), "stream-node" + i);
            }
            assertEquals(List.of("node8", "node6", "node4", "node2", "node0"), f.chain());
            assertArrayEquals(expected, f.content(f.drive.node()));
            f.assertQuiescentGraph();
        }
    }

    @Test
    void streamCommit2WithGuestWrites() throws Exception {
        try (ChainFixture f = new ChainFixture(Parallel030Test.allocation030())) {
            Job[] commit = new Job[1];
            byte[] expected = runWithGuestWriters(f, () -> {
                f.jobs.stream(StreamOptions.of("node4").baseNode("node0").jobId("stream-node4"));
                commit[0] = f.jobs.commit(CommitOptions.of("drive0").base("img5").jobId("commit-drive0"));
            });
            f.await(commit[0], JobStatus.READY);
            commit[0].complete();
            f.runAll();
            assertNull(f.completed("stream-node4").error());
            assertNull(f.completed("commit-drive0").error());
            assertEquals(List.of("node5", "node4", "node0"), f.chain());
            assertEquals("img0", f.node(4).backingFile());
            assertArrayEquals(expected, f.content(f.drive.node()));
            f.assertQuiescentGraph();
        }
    }
}
