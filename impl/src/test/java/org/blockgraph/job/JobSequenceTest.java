package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random command sequences on a hand-stepped executor: three jobs (two of them in one transaction, one of them
 * mirror-style) receive every command, drain pauses, guest writes, steps and clock moves in random order. After
 * each operation the framework's invariants are checked; at the end every job is driven to NULL and each must
 * have been committed or aborted exactly once. Budget: {@code blockgraph.deep} raises the number of sequences.
 */
class JobSequenceTest {
    private static final boolean DEEP = Boolean.getBoolean("blockgraph.deep");
    private static final int SEQUENCES = DEEP ? 5_000 : 300;
    private static final int OPS = 120;

    /** One sequence's world. */
    private static final class World {
        final Harness h = new Harness();
        final List<Job> jobs = new ArrayList<>();
        final List<JobDriver> drivers = new ArrayList<>();
        final Map<Job, Integer> drains = new HashMap<>();
        final List<String> log = new ArrayList<>();

        World(Random rnd) {
            JobTxn txn = h.registry.newTransaction();
            for (int i = 0; i < 3; i++) {
                JobDriver d = i == 2 ? h.mirror(1 + rnd.nextInt(4)) : h.copy(1 + rnd.nextInt(6));
                if (i == 0 && rnd.nextBoolean()) {
                    ((CopyDriver) d).failUnit(0, new IoError(rnd.nextBoolean() ? Errno.EIO : Errno.ENOSPC,
                            rnd.nextBoolean()), 1 + rnd.nextInt(2));
                }
                OnError policy = OnError.values()[rnd.nextInt(OnError.values().length)];
                JobOptions o = JobOptions.withId("j" + i).autoFinalize(rnd.nextBoolean())
                        .autoDismiss(rnd.nextBoolean()).onError(policy).speed(rnd.nextInt(3) * 65536L);
                Job j = h.registry.create(o, d, i < 2 ? txn : null);
                jobs.add(j);
                drivers.add(d);
                drains.put(j, 0);
            }
        }
    }

    @Test
    void randomSequencesKeepTheInvariants() {
        for (int seq = 0; seq < SEQUENCES; seq++) {
            long seed = 0x5eed0000L + seq;
            Random rnd = new Random(seed);
            World w = new World(rnd);
            try {
                for (int op = 0; op < OPS; op++) {
                    step(w, rnd);
                    checkInvariants(w);
                }
                finish(w);
            } catch (AssertionError | RuntimeException e) {
                AssertionError err = new AssertionError("seed " + seed + " after " + w.log, e);
                throw err;
            }
        }
    }

    private static void step(World w, Random rnd) {
        Job j = w.jobs.get(rnd.nextInt(w.jobs.size()));
        int choice = rnd.nextInt(16);
        String name = j.id() + ":";
        JobState before = j.state();
        int events = w.h.events.size();
        try {
            switch (choice) {
                case 0:
                    name += "start";
                    if (before.status() == JobStatus.CREATED) {
                        j.start();
                    }
                    break;
                case 1:
                    name += "userPause";
                    j.userPause();
                    break;
                case 2:
                    name += "userResume";
                    j.userResume();
                    break;
                case 3:
                    name += "drainBegin";
                    j.pause();
                    w.drains.merge(j, 1, Integer::sum);
                    break;
                case 4:
                    name += "drainEnd";
                    if (w.drains.get(j) > 0) {
                        j.resume();
                        w.drains.merge(j, -1, Integer::sum);
                    }
                    break;
                case 5:
                    name += "setSpeed";
                    j.setSpeed(rnd.nextInt(3) * 65536L);
                    break;
                case 6:
                    name += "cancel";
                    j.cancel(rnd.nextBoolean());
                    break;
                case 7:
                    name += "complete";
                    j.complete();
                    break;
                case 8:
                    name += "finalize";
                    j.finalizeJob();
                    break;
                case 9:
                    name += "dismiss";
                    j.dismiss();
                    break;
                case 10:
                    name += "advance";
                    w.h.exec.advance(rnd.nextInt(200) * 1_000_000L);
                    break;
                case 11:
                    name += "dirty";
                    if (j.driver() instanceof MirrorDriver m) {
                        m.dirty(j, 0);
                    }
                    break;
                default:
                    name += "runNext";
                    w.h.exec.runNext();
                    break;
            }
        } catch (JobException e) {
            name += "!";
            // A refused command changes nothing.
            assertEquals(before, j.state(), name + " refused with '" + e.getMessage() + "' but changed state");
            assertEquals(events, w.h.events.size(), name + " refused but sent events");
        }
        w.log.add(name);
    }

    private static void checkInvariants(World w) {
        List<JobTask> ready = w.h.exec.ready();
        for (Job j : w.jobs) {
            JobState s = j.state();
            int drains = w.drains.get(j);
            int user = s.userPaused() ? 1 : 0;
            int created = s.started() ? 0 : 1;
            if (s.status() != JobStatus.NULL || s.started()) {
                assertEquals(created + user + drains, s.pauseCount(), j.id() + " pause_count " + s);
            }
            if (s.started() && !s.deferred()) {
                long entries = ready.stream().filter(t -> t.job() == j && t.kind() == JobTask.Kind.ENTRY).count();
                assertEquals(s.busy() ? 1 : 0, entries, j.id() + " busy must match one queued entry " + s);
                boolean parked = s.status() == JobStatus.PAUSED || s.status() == JobStatus.STANDBY;
                assertEquals(parked, s.paused(), j.id() + " parked status iff paused " + s);
                if (s.paused()) {
                    assertTrue(s.pauseCount() > 0 || s.forceCancel() || s.busy(),
                            j.id() + " parked without a pause request " + s);
                }
            }
            if (s.forceCancel()) {
                assertTrue(s.cancelled());
            }
            if (s.status().isReady()) {
                assertTrue(j.driver() instanceof MirrorDriver);
            }
        }
        List<String> statusLines = new ArrayList<>();
        for (Job j : w.jobs) {
            List<String> seq = w.h.statuses(j.id());
            for (int k = 1; k < seq.size(); k++) {
                JobStatus a = JobStatus.fromQapi(seq.get(k - 1));
                JobStatus b = JobStatus.fromQapi(seq.get(k));
                if (!a.canTransitionTo(b)) {
                    statusLines.add(j.id() + ": " + seq);
                }
            }
        }
        assertEquals(List.of(), statusLines);
    }

    /** Lifts every pause, finishes every job with the commands it needs, and checks each ended once. */
    private static void finish(World w) {
        for (Job j : w.jobs) {
            while (w.drains.get(j) > 0) {
                j.resume();
                w.drains.merge(j, -1, Integer::sum);
            }
            if (j.status() == JobStatus.CREATED) {
                j.start();
            }
        }
        for (int round = 0; round < 50; round++) {
            w.h.run();
            boolean allGone = true;
            for (Job j : w.jobs) {
                JobState s = j.state();
                switch (s.status()) {
                    case NULL:
                        break;
                    case PENDING:
                        j.finalizeJob();
                        allGone = false;
                        break;
                    case CONCLUDED:
                        j.dismiss();
                        allGone = false;
                        break;
                    case READY:
                    case STANDBY:
                        if (s.userPaused()) {
                            j.userResume();
                        } else if (!s.cancelled()) {
                            j.complete();
                        }
                        allGone = false;
                        break;
                    case PAUSED:
                    case RUNNING:
                        if (s.userPaused()) {
                            j.userResume();
                        }
                        allGone = false;
                        break;
                    default:
                        allGone = false;
                        break;
                }
            }
            if (allGone) {
                checkEnds(w);
                return;
            }
        }
        fail("jobs never finished: " + w.h.registry.queryBlockJobs());
    }

    private static void checkEnds(World w) {
        assertEquals(List.of(), w.h.registry.jobs());
        for (int i = 0; i < w.jobs.size(); i++) {
            Job j = w.jobs.get(i);
            List<String> hooks = w.drivers.get(i) instanceof CopyDriver c ? c.hooks : ((MirrorDriver) w.drivers.get(i)).hooks;
            long commits = hooks.stream().filter("commit"::equals).count();
            long aborts = hooks.stream().filter("abort"::equals).count();
            long cleans = hooks.stream().filter("clean"::equals).count();
            assertEquals(1, commits + aborts, j.id() + " hooks " + hooks);
            assertEquals(1, cleans, j.id() + " hooks " + hooks);
            assertEquals("clean", hooks.get(hooks.size() - 1));
            long ends = w.h.events.stream().filter(e -> e.jobId().equals(j.id()))
                    .filter(e -> e instanceof JobEvent.Completed || e instanceof JobEvent.Cancelled).count();
            JobState s = j.state();
            assertEquals(s.started() ? 1 : 0, ends, j.id() + " completion events");
            if (commits == 1) {
                assertEquals(0, s.ret(), j.id());
            } else {
                assertTrue(s.ret() != 0, j.id() + " aborted with ret 0");
            }
        }
        // The two transaction members share their fate.
        JobState a = w.jobs.get(0).state();
        JobState b = w.jobs.get(1).state();
        assertEquals(a.ret() == 0, b.ret() == 0, "transaction members disagree: " + a + " / " + b);
    }
}
