package org.blockgraph.job;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code query-block-jobs} (QAPI {@code BlockJobInfo}). {@code paused} is {@code pause_count > 0}, as
 * upstream reports it (so a drain pause shows too); {@code device} is the job id.
 */
public record BlockJobInfo(String type, String device, long len, long offset, boolean busy, boolean paused,
                           long speed, IoStatus ioStatus, boolean ready, JobStatus status, boolean autoFinalize,
                           boolean autoDismiss, String error) {

    /**
     * The QMP form, with QMP field names.
     *
     * @return a new ordered map of this entry's fields under their QMP names ({@code io-status},
     *         {@code auto-finalize}, ...); {@code error} only when set
     */
    public Map<String, Object> toQmp() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("device", device);
        m.put("len", len);
        m.put("offset", offset);
        m.put("busy", busy);
        m.put("paused", paused);
        m.put("speed", speed);
        m.put("io-status", ioStatus.qapiName());
        m.put("ready", ready);
        m.put("status", status.qapiName());
        m.put("auto-finalize", autoFinalize);
        m.put("auto-dismiss", autoDismiss);
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }
}
