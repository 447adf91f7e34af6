package org.blockgraph.job;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code query-jobs} (QAPI {@code JobInfo}).
 *
 * @param error the job's error text once it failed, else null
 */
public record JobInfo(String id, String type, JobStatus status, long currentProgress, long totalProgress,
                      String error) {

    /**
     * The QMP form, with QMP field names.
     *
     * @return a new ordered map of this entry's fields under their QMP names; {@code error} only when set
     */
    public Map<String, Object> toQmp() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        m.put("status", status.qapiName());
        m.put("current-progress", currentProgress);
        m.put("total-progress", totalProgress);
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }
}
