package org.blockgraph.trace;

/**
 * The names of the TLA+ actions that the core emits as trace events.
 *
 * <p>One vocabulary: each constant is spelled exactly as the action in the spec's {@code Next}, and the Lincheck
 * operations and generated commands that drive it use the lowerCamelCase form. A test in the checker keeps this
 * enum, the specs' {@code Next} disjuncts and the trace specs' predicates the same set.
 */
public enum SpecAction {
    // Constants are added together with the spec actions and the code that emits them.
}
