package org.blockgraph.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A QMP event about a job. {@link #name()} is the QMP event name and {@link #data()} its {@code data} member with
 * the QMP field names, in the schema's order, so the QMP layer serialises them as they are. Events are only sent
 * for jobs with an id (QEMU sends none for internal jobs).
 */
public sealed interface JobEvent {

    /**
     * The QMP event name, e.g. {@code JOB_STATUS_CHANGE}.
     *
     * @return the QMP event name
     */
    String name();

    /**
     * The event's data, keyed by QMP field name.
     *
     * @return an unmodifiable map of the event's data, in schema order
     */
    Map<String, Object> data();

    /**
     * The job (QMP {@code id} / {@code device}) the event is about.
     *
     * @return the id of the job
     */
    String jobId();

    /** JOB_STATUS_CHANGE: every status change of a job with an id. */
    record StatusChange(String jobId, JobStatus status) implements JobEvent {
        @Override
        public String name() {
            return "JOB_STATUS_CHANGE";
        }

        @Override
        public Map<String, Object> data() {
            return fields("id", jobId, "status", status.qapiName());
        }
    }

    /** BLOCK_JOB_COMPLETED: a started job finalized without force-cancel; {@code error} is null on success. */
    record Completed(String type, String jobId, long len, long offset, long speed, String error)
            implements JobEvent {
        @Override
        public String name() {
            return "BLOCK_JOB_COMPLETED";
        }

        @Override
        public Map<String, Object> data() {
            Map<String, Object> m = fields("type", type, "device", jobId, "len", len, "offset", offset,
                    "speed", speed);
            if (error != null) {
                Map<String, Object> withError = new LinkedHashMap<>(m);
                withError.put("error", error);
                return Collections.unmodifiableMap(withError);
            }
            return m;
        }
    }

    /** BLOCK_JOB_CANCELLED: a started job finalized after a force cancel. */
    record Cancelled(String type, String jobId, long len, long offset, long speed) implements JobEvent {
        @Override
        public String name() {
            return "BLOCK_JOB_CANCELLED";
        }

        @Override
        public Map<String, Object> data() {
            return fields("type", type, "device", jobId, "len", len, "offset", offset, "speed", speed);
        }
    }

    /** BLOCK_JOB_ERROR: a step met an I/O error; {@code action} is what the on-error policy did. */
    record Error(String jobId, boolean read, ErrorAction action) implements JobEvent {
        @Override
        public String name() {
            return "BLOCK_JOB_ERROR";
        }

        @Override
        public Map<String, Object> data() {
            return fields("device", jobId, "operation", read ? "read" : "write", "action", action.qapiName());
        }
    }

    /** BLOCK_JOB_READY: a mirror-style job is in sync and accepts complete. */
    record Ready(String type, String jobId, long len, long offset, long speed) implements JobEvent {
        @Override
        public String name() {
            return "BLOCK_JOB_READY";
        }

        @Override
        public Map<String, Object> data() {
            return fields("type", type, "device", jobId, "len", len, "offset", offset, "speed", speed);
        }
    }

    /** BLOCK_JOB_PENDING: a job with auto-finalize off waits for finalize. */
    record Pending(String type, String jobId) implements JobEvent {
        @Override
        public String name() {
            return "BLOCK_JOB_PENDING";
        }

        @Override
        public Map<String, Object> data() {
            return fields("type", type, "id", jobId);
        }
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
