package org.blockgraph.checker.manifest;

/**
 * The arguments of TLC's random simulation: {@code -simulate num=N -depth D -seed S}.
 *
 * @param num   how many behaviours TLC generates
 * @param depth the length of each behaviour
 * @param seed  the random seed, so that a run can be repeated
 */
public record SimulateSettings(long num, int depth, long seed) {
}
