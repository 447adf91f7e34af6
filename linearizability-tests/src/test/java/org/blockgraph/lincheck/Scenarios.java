package org.blockgraph.lincheck;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;

/**
 * Hand-written Lincheck scenarios for the broken twins: a twin is checked on the one scenario its bug needs (run by
 * the model checker, which explores that scenario's interleavings deterministically), so finding the bug does not
 * depend on the random scenario generator drawing the right operations. Built with Lincheck's Java-visible
 * {@link Actor} and {@link ExecutionScenario} constructors (the scenario DSL is Kotlin-only).
 */
final class Scenarios {
    private Scenarios() {
    }

    /** One call: the public method {@code name} of the test class with these arguments. */
    record Call(String name, Object... args) {
    }

    /** A call to {@code name} with {@code args}. */
    static Call call(String name, Object... args) {
        return new Call(name, args);
    }

    /** A scenario on {@code test}: the init part, the parallel threads, then the post part. */
    static ExecutionScenario scenario(Class<?> test, List<Call> init, List<List<Call>> threads, List<Call> post) {
        List<List<Actor>> parallel = new ArrayList<>();
        for (List<Call> thread : threads) {
            parallel.add(actors(test, thread));
        }
        return new ExecutionScenario(actors(test, init), parallel, actors(test, post), null);
    }

    private static List<Actor> actors(Class<?> test, List<Call> calls) {
        List<Actor> out = new ArrayList<>();
        for (Call c : calls) {
            out.add(new Actor(method(test, c.name(), c.args().length), Arrays.asList(c.args()),
                    false, false, false, false, false));
        }
        return out;
    }

    private static Method method(Class<?> test, String name, int arity) {
        for (Method m : test.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == arity) {
                return m;
            }
        }
        throw new IllegalArgumentException("no public method " + name + "/" + arity + " on " + test.getName());
    }
}
