package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.blockgraph.trace.TraceSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Commands from several threads while steps run on a real thread pool. The assertions do not depend on the
 * interleaving: steps of one job never overlap and each unit is copied once in order, every status sequence
 * follows the transition table, every refusal is an upstream text, and every job concludes exactly once.
 * The waits are safety nets, not timing assertions.
 */
class JobConcurrencyTest {
    private static final int JOBS = 3;
    private static final int UNITS = 400;
    private static final int THREADS = 4;
    /** Each thread issues commands until every job's run is over, at most this many. */
    private static final int MAX_OPS_PER_THREAD = 20_000;

    /** A copy driver that detects overlapping steps. */
    private static final class CheckedDriver extends CopyDriver {
        final AtomicInteger inStep = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();

        CheckedDriver(ControlLock control) {
            super(UNITS, 4096, control);
        }

        @Override
        public StepOutcome step(JobContext job) {
            if (inStep.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                LockSupport.parkNanos(10_000); // a step takes a little while, so commands land during steps
                return super.step(job);
            } finally {
                inStep.decrementAndGet();
            }
        }
    }

    private static boolean allRunsOver(List<Job> jobs) {
        for (Job j : jobs) {
            if (!j.state().deferred()) {
                return false;
            }
        }
        return true;
    }

    private static final Set<String> ACCEPTABLE_REFUSALS = Set.of("Job is already paused",
            "Can't resume a job that was not paused");

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void verbsFromManyThreadsDuringSteps() throws Exception {
        ControlLock control = ControlLock.reentrant();
        try (ThreadPoolJobExecutor pool = new ThreadPoolJobExecutor(2)) {
            JobRegistry registry = new JobRegistry(pool, control, TraceSink.OFF);
            Map<String, List<JobStatus>> statuses = new ConcurrentHashMap<>();
            CountDownLatch gone = new CountDownLatch(JOBS);
            registry.subscribe(e -> {
                if (e instanceof JobEvent.StatusChange sc) {
                    statuses.computeIfAbsent(sc.jobId(), k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(sc.status());
                    if (sc.status() == JobStatus.NULL) {
                        gone.countDown();
                    }
                }
            });
            List<Job> jobs = new ArrayList<>();
            List<CheckedDriver> drivers = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                CheckedDriver d = new CheckedDriver(control);
                drivers.add(d);
                jobs.add(registry.create(JobOptions.withId("job" + i), d));
            }
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<String> refusals = Collections.synchronizedList(new ArrayList<>());
            CyclicBarrier go = new CyclicBarrier(THREADS + 1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final long seed = 1000 + t;
                Thread th = new Thread(() -> {
                    Random rnd = new Random(seed);
                    try {
                        go.await();
                        for (int op = 0; op < MAX_OPS_PER_THREAD && !allRunsOver(jobs); op++) {
                            Job j = jobs.get(rnd.nextInt(JOBS));
                            try {
                                switch (rnd.nextInt(5)) {
                                    case 0:
                                        j.userPause();
                                        break;
                                    case 1:
                                        j.userResume();
                                        break;
                                    case 2:
                                        j.pause(); // a drained section, balanced at once
                                        Thread.yield();
                                        j.drainedPoll();
                                        j.resume();
                                        break;
                                    case 3:
                                        j.setSpeed(rnd.nextBoolean() ? 0 : 1L << 30);
                                        break;
                                    default:
                                        registry.queryBlockJobs();
                                        break;
                                }
                            } catch (JobException e) {
                                refusals.add(e.getMessage());
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Job j : jobs) {
                j.start();
            }
            go.await();
            for (Thread th : threads) {
                th.join(60_000);
            }
            assertEquals(List.of(), failures);
            // Leave no user pause behind, then let the jobs finish.
            for (Job j : jobs) {
                if (j.state().userPaused()) {
                    try {
                        j.userResume();
                    } catch (JobException e) {
                        refusals.add(e.getMessage());
                    }
                }
                if (j.status() == JobStatus.RUNNING || j.status() == JobStatus.PAUSED) {
                    j.setSpeed(0);
                }
            }
            assertTrue(gone.await(60, TimeUnit.SECONDS), "jobs did not finish: " + registry.queryBlockJobs());

            for (String r : refusals) {
                assertTrue(ACCEPTABLE_REFUSALS.contains(r) || r.matches("Job 'job\\d' in state '\\w+' cannot "
                        + "accept command verb '(pause|resume|set-speed)'"), r);
            }
            List<Integer> all = IntStream.range(0, UNITS).boxed().collect(Collectors.toList());
            for (int i = 0; i < JOBS; i++) {
                CheckedDriver d = drivers.get(i);
                assertEquals(0, d.overlaps.get(), "steps overlapped");
                assertEquals(all, d.copied, "each unit once, in order");
                assertEquals(List.of("prepare", "commit", "clean"), d.hooks);
                List<JobStatus> seq = statuses.get("job" + i);
                assertEquals(JobStatus.CREATED, seq.get(0));
                assertEquals(JobStatus.NULL, seq.get(seq.size() - 1));
                for (int k = 1; k < seq.size(); k++) {
                    assertTrue(seq.get(k - 1).canTransitionTo(seq.get(k)), seq.toString());
                }
                // Every drained section was balanced; only a user pause that arrived during the last step (after
                // which no pause point comes) may remain counted, as upstream.
                JobState end = jobs.get(i).state();
                assertEquals(end.userPaused() ? 1 : 0, end.pauseCount());
            }
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void concurrentCancelsConcludeEachJobOnce() throws Exception {
        ControlLock control = ControlLock.reentrant();
        try (ThreadPoolJobExecutor pool = new ThreadPoolJobExecutor(2)) {
            JobRegistry registry = new JobRegistry(pool, control, TraceSink.OFF);
            List<JobEvent> events = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch gone = new CountDownLatch(JOBS);
            registry.subscribe(e -> {
                events.add(e);
                if (e instanceof JobEvent.StatusChange sc && sc.status() == JobStatus.NULL) {
                    gone.countDown();
                }
            });
            List<Job> jobs = new ArrayList<>();
            List<CheckedDriver> drivers = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                CheckedDriver d = new CheckedDriver(control);
                drivers.add(d);
                jobs.add(registry.create(JobOptions.withId("job" + i), d));
                jobs.get(i).start();
            }
            CyclicBarrier go = new CyclicBarrier(THREADS);
            List<String> refusals = Collections.synchronizedList(new ArrayList<>());
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final boolean force = t % 2 == 0;
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                        for (Job j : jobs) {
                            try {
                                j.cancel(force);
                            } catch (JobException e) {
                                refusals.add(e.getMessage());
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(60_000);
            }
            assertEquals(List.of(), failures);
            assertTrue(gone.await(60, TimeUnit.SECONDS));
            for (String r : refusals) {
                assertTrue(r.matches("Job 'job\\d' in state '(aborting|concluded|null)' cannot accept command "
                        + "verb 'cancel'"), r);
            }
            for (int i = 0; i < JOBS; i++) {
                String id = "job" + i;
                List<String> finals = events.stream()
                        .filter(e -> e.jobId().equals(id) && !(e instanceof JobEvent.StatusChange))
                        .map(JobEvent::name).collect(Collectors.toList());
                assertEquals(List.of("BLOCK_JOB_CANCELLED"), finals, id);
                assertEquals(List.of("abort", "clean"), drivers.get(i).hooks);
                assertEquals(0, drivers.get(i).overlaps.get());
            }
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theDefaultRegistryRunsJobsOnItsOwnPool() throws Exception {
        try (JobRegistry registry = new JobRegistry()) {
            CountDownLatch gone = new CountDownLatch(1);
            registry.subscribe(e -> {
                if (e instanceof JobEvent.StatusChange sc && sc.status() == JobStatus.NULL) {
                    gone.countDown();
                }
            });
            CopyDriver d = new CopyDriver(50, 4096, registry.controlLock());
            Job j = registry.create(JobOptions.withId("j"), d);
            j.start();
            assertTrue(gone.await(30, TimeUnit.SECONDS));
            assertEquals(50, d.copied.size());
            assertEquals(List.of("prepare", "commit", "clean"), d.hooks);
            assertTrue(registry.executor() instanceof ThreadPoolJobExecutor);
        }
    }
}
