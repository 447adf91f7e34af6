/**
 * The drain invariants of spec/drain as a Java oracle ({@link org.blockgraph.drain.DrainInvariants}). The drain
 * mechanism itself lives in {@link org.blockgraph.graph.BlockGraph}, next to the structure it walks.
 */
package org.blockgraph.drain;
