package org.blockgraph.job;

/**
 * Job id syntax, as QEMU's {@code id_wellformed}: an ASCII letter, then ASCII letters, digits, '-', '.' or '_'.
 * The empty string is not well formed (so a missing job id is reported as {@code Invalid job ID ''}).
 */
public final class JobIds {
    private JobIds() {
    }

    /**
     * Whether {@code id} may name a job.
     *
     * @param id the candidate job id, may be null
     * @return true if {@code id} is well formed; false for null or empty
     */
    public static boolean wellFormed(String id) {
        if (id == null || id.isEmpty() || !isAsciiLetter(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.' && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
