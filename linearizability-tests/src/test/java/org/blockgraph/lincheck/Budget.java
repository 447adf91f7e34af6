package org.blockgraph.lincheck;

import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;

/**
 * The budgets of every suite, from system properties so that CI and a deep run differ without code changes:
 * {@code blockgraph.lincheck.iterations} and {@code blockgraph.lincheck.invocations} override both modes;
 * {@code blockgraph.deep=true} raises the defaults (CI: 4 scenarios x 30 interleavings for model checking, 4 x
 * 150 runs for stress; deep: 50 x 1000 and 50 x 5000). Broken twins do not use these: each runs the one scenario
 * its bug needs ({@link #twinOn}), the same in CI and deep runs.
 *
 * <p>Why the CI budget is far smaller than TOOLCHAIN.md's 20 x 500: under the model checker one interleaving of
 * these suites costs about 0.3 to 0.7 s of wall time (measured on 2 cores shared with four other builds, load
 * about 10), and the Lincheck threads use little CPU: Lincheck's scheduler hands turns over by spinning, which an
 * overloaded machine punishes. Suspected, not proven: every drain and graph-lock
 * wait goes through {@code AioWait}'s timed re-poll ({@code awaitNanos(50 ms)}) and its loop on the remaining time.
 */
final class Budget {
    private Budget() {
    }

    static boolean deep() {
        return Boolean.getBoolean("blockgraph.deep");
    }

    static int iterations() {
        return Integer.getInteger("blockgraph.lincheck.iterations", deep() ? 50 : 4);
    }

    static int modelCheckingInvocations() {
        return Integer.getInteger("blockgraph.lincheck.invocations", deep() ? 1000 : 30);
    }

    static int stressInvocations() {
        return Integer.getInteger("blockgraph.lincheck.invocations", deep() ? 5000 : 150);
    }

    /** Model checking with the suite's scenario shape. */
    static ModelCheckingOptions modelChecking(Class<?> spec, int threads, int actorsPerThread) {
        return new ModelCheckingOptions()
                .iterations(iterations())
                .invocationsPerIteration(modelCheckingInvocations())
                .threads(threads)
                .actorsPerThread(actorsPerThread)
                .actorsBefore(1)
                .actorsAfter(1)
                .sequentialSpecification(spec)
                .invocationTimeout$lincheck(HANG_GUARD_MS);
    }

    /** Stress testing with the suite's scenario shape. */
    static StressOptions stress(Class<?> spec, int threads, int actorsPerThread) {
        return new StressOptions()
                .iterations(iterations())
                .invocationsPerIteration(stressInvocations())
                .threads(threads)
                .actorsPerThread(actorsPerThread)
                .actorsBefore(1)
                .actorsAfter(1)
                .sequentialSpecification(spec);
    }

    /**
     * Model checking a broken twin on the one hand-written scenario its bug needs (no random scenarios): the model
     * checker explores that scenario's interleavings in a fixed order, so the twin fails the same way on every run.
     */
    static ModelCheckingOptions twinOn(Class<?> spec, ExecutionScenario scenario) {
        return new ModelCheckingOptions()
                .iterations(0)
                .invocationsPerIteration(TWIN_INVOCATIONS)
                .threads(scenario.getNThreads())
                .addCustomScenario(scenario)
                .sequentialSpecification(spec)
                .invocationTimeout$lincheck(TWIN_HANG_GUARD_MS);
    }

    /**
     * Wall time one model-checked invocation may take before Lincheck reports "The execution has hung" with a thread
     * dump (Lincheck's default is 20 s). Lincheck 2.39 instruments classes lazily, on first use inside an
     * invocation ({@code Injections.beforeNewObjectCreation} retransforms the class); on the shared 2-core machine
     * under load that alone took more than 20 s in a FrozenChain invocation, which was then reported as a hang. A
     * real deadlock is found by the model checker at once (every thread blocked) and a livelock by its switch count
     * ({@code hangingDetectionThreshold}), so this is only a guard. Set through the Kotlin-internal
     * {@code invocationTimeout} (mangled {@code invocationTimeout$lincheck} in Java), the only setter 2.39 has.
     */
    static final long HANG_GUARD_MS = 300_000;

    /**
     * The hang guard of a twin's invocations. Shorter than {@link #HANG_GUARD_MS} because of what the JobControl
     * and DrainCounters twins showed: once Lincheck has found the wrong results, its replay of the failing
     * interleaving (to print it) did not finish and ran into the guard, so each of those twins took about 310 s
     * with a 300 s guard; Lincheck then reports the results without the interleaving, which is still the
     * failure the twin asserts. 120 s still covers the slow lazy instrumentation seen under load.
     */
    static final long TWIN_HANG_GUARD_MS = 120_000;

    /** Interleavings a twin's scenario may use; the twins fail well within it (see docs/lincheck.md). */
    static final int TWIN_INVOCATIONS = 1000;
}
