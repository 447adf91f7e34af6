/**
 * Jobs on the graph (spec/chain): {@link org.blockgraph.blockjob.BlockJobs} is the entry point
 * ({@code block-stream}, {@code block-commit}); {@link org.blockgraph.blockjob.StreamJob},
 * {@link org.blockgraph.blockjob.CommitJob} (intermediate) and {@link org.blockgraph.blockjob.ActiveCommitJob}
 * (mirror-style) are the drivers, all built on {@link org.blockgraph.blockjob.BlockJob}, which makes a job a graph
 * parent (drain pauses it) and owns its edges, op blockers and BlockBackends.
 *
 * <p>Glue with the job framework: the registry's control lock is the graph's; a job's completion runs through
 * the control lock's {@code execute}, so it never blocks an executor thread behind a drain and never runs inside a
 * drain's wait; a job that stops being busy kicks the graph's {@code AioWait}. Because a drain waits for busy jobs
 * to reach a pause point, a thread that drains cannot also be the one that steps the jobs: tests of jobs on a graph
 * use a thread pool, and "throttled" jobs are rate-limited ones.
 *
 * <p>Trace events (SpecAction): {@code StreamStart}, {@code CommitStart}, {@code ActiveCommitStart},
 * {@code InsertFilter}, {@code RemoveFilter}, {@code ChainFreeze}, {@code ChainUnfreeze}, {@code JobCopyCluster};
 * the job framework adds {@code JobError}, {@code JobReady} and the lifecycle events.
 *
 * <p>Backing-file strings: stream and commit record the new base in the overlay's header
 * ({@link org.blockgraph.graph.Node#backingFile()}), with {@code backing-file} as given and, under
 * {@code backing-mask-protocol}, format {@code raw} for a protocol base.
 */
package org.blockgraph.blockjob;
