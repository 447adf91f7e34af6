/**
 * Locks of the block layer: the control lock (QEMU's big lock and main loop), the graph reader/writer lock
 * (the lock part of spec/drain actions {@code GraphRdlock}, {@code GraphWrlock}, {@code GraphWrunlock}) and
 * {@link org.blockgraph.lock.AioWait}, the global wakeup that drains block on.
 *
 * <p>Memory-ordering convention: counters that cross threads are {@code java.util.concurrent.atomic} values or
 * {@code volatile} fields, read and written with volatile (sequentially consistent) semantics. Where two sides
 * each write one variable and then read the other's (the Dekker pattern: reader counter vs. writer flag,
 * in-flight counter vs. quiesce counter), both sides must use volatile accesses, and the comments say so.
 */
package org.blockgraph.lock;
