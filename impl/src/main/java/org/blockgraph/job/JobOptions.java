package org.blockgraph.job;

import java.util.Objects;

/**
 * How a job is created: its id, whether it is internal, auto-finalize / auto-dismiss, its initial speed and its
 * on-error policy. Defaults are QMP's: auto-finalize and auto-dismiss on, speed 0 (unlimited), on-error report.
 */
public record JobOptions(String id, boolean internal, boolean autoFinalize, boolean autoDismiss, long speed,
                         OnError onError) {

    public JobOptions {
        Objects.requireNonNull(onError, "onError");
    }

    /** A job with this id and default options. */
    public static JobOptions withId(String id) {
        return new JobOptions(id, false, true, true, 0, OnError.REPORT);
    }

    /** An internal job (no id, no events, not in queries). */
    public static JobOptions internalJob() {
        return new JobOptions(null, true, true, true, 0, OnError.REPORT);
    }

    public JobOptions autoFinalize(boolean on) {
        return new JobOptions(id, internal, on, autoDismiss, speed, onError);
    }

    public JobOptions autoDismiss(boolean on) {
        return new JobOptions(id, internal, autoFinalize, on, speed, onError);
    }

    public JobOptions speed(long bytesPerSecond) {
        return new JobOptions(id, internal, autoFinalize, autoDismiss, bytesPerSecond, onError);
    }

    public JobOptions onError(OnError policy) {
        return new JobOptions(id, internal, autoFinalize, autoDismiss, speed, policy);
    }
}
