package org.blockgraph.job;

import java.util.Objects;

/**
 * How a job is created: its id, whether it is internal, auto-finalize / auto-dismiss, its initial speed and its
 * on-error policy. Defaults are QMP's: auto-finalize and auto-dismiss on, speed 0 (unlimited), on-error report.
 */
public record JobOptions(String id, boolean internal, boolean autoFinalize, boolean autoDismiss, long speed,
                         OnError onError) {

    /**
     * Checks that the on-error policy is set.
     *
     * @param id           the job id, or null for an internal job
     * @param internal     whether the job is internal (no events, not in queries)
     * @param autoFinalize whether the job finalizes without a {@code job-finalize} command
     * @param autoDismiss  whether the job is dismissed without a {@code job-dismiss} command
     * @param speed        the initial rate limit in bytes per second, 0 for unlimited
     * @param onError      the on-error policy
     * @throws NullPointerException if {@code onError} is null
     */
    public JobOptions {
        Objects.requireNonNull(onError, "onError");
    }

    /**
     * A job with this id and default options.
     *
     * @param id the job id
     * @return options with {@code id} and QMP's defaults
     */
    public static JobOptions withId(String id) {
        return new JobOptions(id, false, true, true, 0, OnError.REPORT);
    }

    /**
     * An internal job (no id, no events, not in queries).
     *
     * @return options for an internal job, otherwise QMP's defaults
     */
    public static JobOptions internalJob() {
        return new JobOptions(null, true, true, true, 0, OnError.REPORT);
    }

    /**
     * A copy with auto-finalize set.
     *
     * @param on whether the job finalizes by itself
     * @return a copy of these options with {@code autoFinalize} set to {@code on}
     */
    public JobOptions autoFinalize(boolean on) {
        return new JobOptions(id, internal, on, autoDismiss, speed, onError);
    }

    /**
     * A copy with auto-dismiss set.
     *
     * @param on whether the job is dismissed by itself once concluded
     * @return a copy of these options with {@code autoDismiss} set to {@code on}
     */
    public JobOptions autoDismiss(boolean on) {
        return new JobOptions(id, internal, autoFinalize, on, speed, onError);
    }

    /**
     * A copy with the initial speed set.
     *
     * @param bytesPerSecond the rate limit in bytes per second, 0 for unlimited
     * @return a copy of these options with {@code speed} set
     */
    public JobOptions speed(long bytesPerSecond) {
        return new JobOptions(id, internal, autoFinalize, autoDismiss, bytesPerSecond, onError);
    }

    /**
     * A copy with the on-error policy set.
     *
     * @param policy the on-error policy
     * @return a copy of these options with {@code onError} set to {@code policy}
     */
    public JobOptions onError(OnError policy) {
        return new JobOptions(id, internal, autoFinalize, autoDismiss, speed, policy);
    }
}
