/**
 * Backing chains as jobs see them (spec/chain): chain helpers with upstream's names ({@link
 * org.blockgraph.chain.Chains}: filter-or-COW links, {@code find_overlay}, {@code skip_filters}, file names) and op
 * blockers ({@link org.blockgraph.chain.OpBlockers}, reference §3.6 rules 1 and 2), which are separate from
 * frozen links (in {@code BlockGraph}) and from permissions. Depends on {@code graph} and {@code io} only.
 */
package org.blockgraph.chain;
