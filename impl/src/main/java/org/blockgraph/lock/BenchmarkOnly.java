package org.blockgraph.lock;

/**
 * BENCHMARK-ONLY switches. Nothing in the library may rely on them, and no production configuration sets them.
 *
 * <p>{@link #NO_IO_ACCOUNTING}, set with {@code -Dblockgraph.benchmarkOnly.noIoAccounting=true} when the JVM
 * starts, replaces the graph read lock and the in-flight accounting of the request path with no-ops: the
 * BlockBackend neither counts the request, nor checks its quiesce counter (no parking), nor takes the graph read
 * lock, nor kicks the global wakeup, and nodes do not count requests in flight. Drains and graph changes then no
 * longer wait for requests: the drain and graph-lock guarantees (spec/drain) do NOT hold. It exists only so that
 * the benchmarks can measure what the lock and the accounting cost (issue 11: "with graph lock and accounting /
 * without").
 *
 * <p>It is a {@code static final} read once at class initialisation, so when it is off (the default) the JIT folds
 * the checks away and the normal path costs nothing extra.
 */
public final class BenchmarkOnly {
    /** The system property that turns {@link #NO_IO_ACCOUNTING} on. */
    public static final String NO_IO_ACCOUNTING_PROPERTY = "blockgraph.benchmarkOnly.noIoAccounting";

    /** Whether the request path skips the graph read lock and in-flight accounting (benchmarks only; unsafe). */
    public static final boolean NO_IO_ACCOUNTING = Boolean.getBoolean(NO_IO_ACCOUNTING_PROPERTY);

    private BenchmarkOnly() {
    }
}
