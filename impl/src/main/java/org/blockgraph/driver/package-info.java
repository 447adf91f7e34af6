/**
 * Drivers: protocol drivers {@code memory} and {@code null}, the format driver {@code cow}, and the filters
 * {@code throttle}, {@code copy-on-read}, {@code blkdebug}, {@code commit_top} and {@code mirror_top}, and
 * {@code quorum} (replicas with voting reads).
 * Each instance serves one node; all request methods are called concurrently from I/O threads.
 */
package org.blockgraph.driver;
