package org.blockgraph.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The status and verb tables, spellings, id syntax and error-policy mapping against the reference (§6). */
class JobTablesTest {

    /** JobSTT transcribed from the reference, with the status letters as row and column names. */
    private static final String STT = String.join("\n",
            "U: 0 1 0 0 0 0 0 0 0 0 0",
            "C: 0 0 1 0 0 0 0 0 1 0 1",
            "R: 0 0 0 1 1 0 1 0 1 0 0",
            "P: 0 0 1 0 0 0 0 0 0 0 0",
            "Y: 0 0 0 0 0 1 1 0 1 0 0",
            "S: 0 0 0 0 1 0 0 0 0 0 0",
            "W: 0 0 0 0 0 0 0 1 1 0 0",
            "D: 0 0 0 0 0 0 0 0 1 1 0",
            "X: 0 0 0 0 0 0 0 0 1 1 0",
            "E: 0 0 0 0 0 0 0 0 0 0 1",
            "N: 0 0 0 0 0 0 0 0 0 0 0");

    private static final String VERBS = String.join("\n",
            "cancel: 0 1 1 1 1 1 1 1 0 0 0",
            "pause: 0 1 1 1 1 1 0 0 0 0 0",
            "resume: 0 1 1 1 1 1 0 0 0 0 0",
            "set-speed: 0 1 1 1 1 1 0 0 0 0 0",
            "complete: 0 0 0 0 1 1 0 0 0 0 0",
            "finalize: 0 0 0 0 0 0 0 1 0 0 0",
            "dismiss: 0 0 0 0 0 0 0 0 0 1 0",
            "change: 0 1 1 1 1 1 0 0 0 0 0");

    private static final String LETTERS = "UCRPYSWDXEN";

    @Test
    void statusesAreTheQapiOnesInTableOrder() {
        assertEquals(List.of("undefined", "created", "running", "paused", "ready", "standby", "waiting", "pending",
                        "aborting", "concluded", "null"),
                Arrays.stream(JobStatus.values()).map(JobStatus::qapiName).collect(Collectors.toList()));
        for (JobStatus s : JobStatus.values()) {
            assertEquals(s, JobStatus.fromQapi(s.qapiName()));
        }
    }

    @Test
    void transitionTableIsUpstreams() {
        StringBuilder actual = new StringBuilder();
        for (JobStatus from : JobStatus.values()) {
            actual.append(LETTERS.charAt(from.ordinal())).append(':');
            for (JobStatus to : JobStatus.values()) {
                actual.append(' ').append(from.canTransitionTo(to) ? '1' : '0');
            }
            actual.append('\n');
        }
        assertEquals(STT, actual.toString().trim());
    }

    @Test
    void verbTableIsTheModernOne() {
        StringBuilder actual = new StringBuilder();
        for (JobVerb verb : JobVerb.values()) {
            actual.append(verb.qapiName()).append(':');
            for (JobStatus s : JobStatus.values()) {
                actual.append(' ').append(verb.allowedIn(s) ? '1' : '0');
            }
            actual.append('\n');
        }
        assertEquals(VERBS, actual.toString().trim());
    }

    @Test
    void verbRefusalText() {
        assertEquals("Job 'job0' in state 'running' cannot accept command verb 'complete'",
                JobVerb.COMPLETE.refusal("job0", JobStatus.RUNNING));
        assertEquals("Job 'j' in state 'concluded' cannot accept command verb 'set-speed'",
                JobVerb.SET_SPEED.refusal("j", JobStatus.CONCLUDED));
    }

    @Test
    void completedAndReadyClasses() {
        assertEquals("WDXEN", Arrays.stream(JobStatus.values()).filter(JobStatus::isCompleted)
                .map(s -> String.valueOf(LETTERS.charAt(s.ordinal()))).collect(Collectors.joining()));
        assertEquals("YS", Arrays.stream(JobStatus.values()).filter(JobStatus::isReady)
                .map(s -> String.valueOf(LETTERS.charAt(s.ordinal()))).collect(Collectors.joining()));
    }

    @Test
    void jobIdSyntaxIsIdWellformed() {
        for (String ok : List.of("a", "Z", "stream-node4", "job.1", "a_b-c.d9", "x0")) {
            assertTrue(JobIds.wellFormed(ok), ok);
        }
        for (String bad : List.of("", "0job", "-a", "_a", ".a", "a b", "a/b", "a:b", "é", "aé", "a@", "a+b")) {
            assertFalse(JobIds.wellFormed(bad), bad);
        }
        assertFalse(JobIds.wellFormed(null));
    }

    @Test
    void onErrorPolicies() {
        assertEquals(ErrorAction.REPORT, OnError.REPORT.actionFor(Errno.ENOSPC));
        assertEquals(ErrorAction.IGNORE, OnError.IGNORE.actionFor(Errno.EIO));
        assertEquals(ErrorAction.STOP, OnError.STOP.actionFor(Errno.EIO));
        assertEquals(ErrorAction.STOP, OnError.ENOSPC.actionFor(Errno.ENOSPC));
        assertEquals(ErrorAction.REPORT, OnError.ENOSPC.actionFor(Errno.EIO));
        assertEquals(ErrorAction.STOP, OnError.AUTO.actionFor(Errno.ENOSPC));
        assertEquals(ErrorAction.REPORT, OnError.AUTO.actionFor(Errno.EIO));
        assertEquals("Input/output error", new IoError(Errno.EIO, true).message());
        assertEquals("No space left on device", Errno.strerror(Errno.ENOSPC));
        assertEquals("Operation canceled", Errno.strerror(Errno.ECANCELED));
    }
}
