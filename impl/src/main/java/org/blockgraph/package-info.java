/**
 * blockgraph: a virtual-disk block layer whose hard mechanisms are specified in TLA+ (see {@code spec/}) and
 * implemented here.
 *
 * <p>The public entry points:
 * <ul>
 *   <li>{@link org.blockgraph.graph.BlockGraph}: nodes, graph changes (all or nothing), drains, freezing, a full
 *       state snapshot. Control operations take the graph's control lock, from any thread.</li>
 *   <li>{@link org.blockgraph.io.BlockBackend}: how devices and jobs submit requests, synchronously or through an
 *       {@link org.blockgraph.io.IoThread}; many threads at once.</li>
 *   <li>{@link org.blockgraph.driver}: the drivers ({@code memory}, {@code null}, {@code cow}, {@code throttle},
 *       {@code copy-on-read}, {@code blkdebug}, {@code commit_top}, {@code mirror_top}).</li>
 *   <li>{@link org.blockgraph.graph.Parent}: what a job implements to hold nodes (drain callbacks, its name in
 *       permission errors).</li>
 *   <li>{@link org.blockgraph.trace.TraceSink}: one event per spec action, free when off.</li>
 *   <li>{@link org.blockgraph.drain.DrainInvariants}: the drain spec's invariants, checked on a live graph.</li>
 * </ul>
 *
 * <pre>{@code
 * BlockGraph g = new BlockGraph();
 * Node base = g.addNode("base", new MemoryDriver(1 << 30));
 * Node top = g.addNode("top", new CowDriver(1 << 30), Map.of("file", g.addNode("top-file", new MemoryDriver(0)),
 *                                                          "backing", base));
 * BlockBackend vda = BlockBackend.create(g, "vda", top, CONSISTENT_READ | WRITE, CONSISTENT_READ | WRITE_UNCHANGED);
 * vda.write(0, data);                    // any thread
 * g.drainedBegin(base);                  // blocks until base and everything above it is quiet
 * g.drainedEnd(base);
 * g.insertFilter("thr", new ThrottleDriver(10 << 20, 0), top);   // refused changes throw GraphException
 * }</pre>
 */
package org.blockgraph;
