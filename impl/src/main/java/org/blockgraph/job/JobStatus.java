package org.blockgraph.job;

import java.util.Locale;

/**
 * The life of a job, with the QAPI spellings a QMP client sees ({@code JobStatus} in QEMU's schema).
 *
 * <p>Implements the state part of the job module of the chain spec: {@link #canTransitionTo} is the transition
 * table (reference §6, identical in QEMU 3.0 and today). Every status change in this package goes through that
 * table; a move the table forbids is a bug in this package and throws {@link IllegalStateException}.
 */
public enum JobStatus {
    /** Never observable: the job is being constructed. */
    UNDEFINED("undefined"),
    /** Created, not yet started; pause_count starts at 1. */
    CREATED("created"),
    /** Started and doing work. */
    RUNNING("running"),
    /** Stopped at a pause point (user pause, drain pause, or on-error stop). */
    PAUSED("paused"),
    /** A mirror-style job that is in sync and waits for complete or cancel. */
    READY("ready"),
    /** A READY job stopped at a pause point. */
    STANDBY("standby"),
    /** Finished its work successfully; waits for the rest of its transaction. */
    WAITING("waiting"),
    /** The whole transaction finished; waits for finalize (manual or automatic). */
    PENDING("pending"),
    /** Failed or cancelled; its transaction is being aborted. */
    ABORTING("aborting"),
    /** Finalized; waits for dismiss (manual or automatic). */
    CONCLUDED("concluded"),
    /** Dismissed; gone from the registry. */
    NULL("null");

    /** JobSTT[from][to], rows and columns in declaration order (U C R P Y S W D X E N). */
    private static final String[] TRANSITIONS = {
        /* U */ "01000000000",
        /* C */ "00100000101",
        /* R */ "00011010100",
        /* P */ "00100000000",
        /* Y */ "00000110100",
        /* S */ "00001000000",
        /* W */ "00000001100",
        /* D */ "00000000110",
        /* X */ "00000000110",
        /* E */ "00000000001",
        /* N */ "00000000000",
    };

    private final String qapiName;

    JobStatus(String qapiName) {
        this.qapiName = qapiName;
    }

    /**
     * The QAPI spelling, e.g. {@code running}.
     *
     * @return the QAPI spelling
     */
    public String qapiName() {
        return qapiName;
    }

    /**
     * Whether the transition table allows moving from this status to {@code to}.
     *
     * @param to the target status
     * @return true if the move is allowed
     */
    public boolean canTransitionTo(JobStatus to) {
        return TRANSITIONS[ordinal()].charAt(to.ordinal()) == '1';
    }

    /**
     * QEMU's job_is_completed: the job's run is over (waiting, pending, aborting, concluded, null).
     *
     * @return true for WAITING, PENDING, ABORTING, CONCLUDED and NULL
     */
    public boolean isCompleted() {
        switch (this) {
            case WAITING:
            case PENDING:
            case ABORTING:
            case CONCLUDED:
            case NULL:
                return true;
            default:
                return false;
        }
    }

    /**
     * QEMU's job_is_ready: ready or standby.
     *
     * @return true for READY and STANDBY
     */
    public boolean isReady() {
        return this == READY || this == STANDBY;
    }

    /**
     * The status with this QAPI spelling.
     *
     * @param name a QAPI spelling, e.g. {@code running}
     * @return the status spelled {@code name}
     * @throws IllegalArgumentException if no status is spelled {@code name}
     */
    public static JobStatus fromQapi(String name) {
        for (JobStatus s : values()) {
            if (s.qapiName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no job status '" + name + "'");
    }

    @Override
    public String toString() {
        return qapiName.toUpperCase(Locale.ROOT);
    }
}
