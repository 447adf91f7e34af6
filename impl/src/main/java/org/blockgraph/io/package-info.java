/**
 * Request submission: {@link org.blockgraph.io.BlockBackend} (a device's view of a node, parent kind
 * {@code BLOCK_BACKEND}), {@link org.blockgraph.io.IoRequest} and {@link org.blockgraph.io.IoThread}, an I/O context
 * for the asynchronous API.
 *
 * <p>Spec/drain actions implemented here: {@code BlkSubmit}, {@code BlkPark}, {@code BlkUnpark},
 * {@code ReqComplete}, and the BlockBackend's {@code ReqDescend} into its root node. Many threads may submit at
 * once (multiqueue); I/O never takes the control lock, only the graph read lock and atomic counters.
 */
package org.blockgraph.io;
