/**
 * The job framework (QEMU's job.c and the job half of blockjob.c): the graph-independent part of stream, commit
 * and active commit. Semantics follow the reference's §6 (status and verb tables, messages, lifecycle), §1.5
 * (pausing under drain), §4 (soft cancel of a READY mirror-style job completes without pivoting) and the on-error,
 * set-speed and pause classes of iotest 030.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link org.blockgraph.job.JobRegistry}: creation with id checks, lookup, queries, events; owns the job
 *       mutex.</li>
 *   <li>{@link org.blockgraph.job.Job}: one job's life and its commands; {@link org.blockgraph.job.JobTxn} groups
 *       jobs that finalize or abort together.</li>
 *   <li>{@link org.blockgraph.job.JobDriver}: what a job type implements (steps and hooks);
 *       {@link org.blockgraph.job.JobContext} is its view of the job.</li>
 *   <li>{@link org.blockgraph.job.JobExecutor}: where steps run, supplied by the embedder:
 *       {@link org.blockgraph.job.ThreadPoolJobExecutor} by default, {@link org.blockgraph.job.ManualJobExecutor}
 *       for tests and Lincheck.</li>
 *   <li>{@link org.blockgraph.job.ControlLock}: the core's control lock, taken by commands and completions that
 *       change the graph.</li>
 * </ul>
 *
 * <h2>Locks and memory ordering (one convention for the whole package)</h2>
 * <ul>
 *   <li>Lock order: control lock, then the job mutex. The job mutex is one {@code ReentrantLock} per registry
 *       (QEMU's global job_mutex), so a transaction touches several jobs under one lock.</li>
 *   <li>Every mutable field of a job, a transaction and the registry is a plain field read and written only with
 *       the job mutex held: the lock's happens-before edges are the only ordering relied on. There are no
 *       volatile fields and no lock-free reads, so there are no benign races to document.</li>
 *   <li>Driver steps run with no framework lock held. The steps of one job never overlap (the busy protocol:
 *       an entry is submitted only when busy goes from false to true, or by the running entry itself), and each
 *       hand-off goes through the mutex and the executor (submit happens-before run), so a driver's own fields
 *       touched only by its steps need no synchronisation. Fields a driver shares between steps and the hooks
 *       that may run concurrently ({@code complete}, {@code change}) need its own (volatile or atomic).</li>
 *   <li>Driver hooks run with the job mutex fully released (they drain and change the graph); the status they
 *       observe is stable because every command that changes a job's life holds the control lock.</li>
 *   <li>Event listeners run with the job mutex held, in event order; they must not block or issue commands.</li>
 * </ul>
 *
 * <h2>Divergences from upstream (deliberate)</h2>
 * <ul>
 *   <li>{@link org.blockgraph.job.Job#drainedPoll()} is false once the job's run ended: its completion needs the
 *       control lock, which a drainer holds, so it cannot disturb the drained section (upstream runs job_exit
 *       inside the drain poll instead).</li>
 *   <li>When a prepare fails, the job whose prepare failed is the one exempt from the force cancel in the
 *       transaction abort (upstream exempts the job that triggered finalization, which can commit that job while
 *       the others abort).</li>
 *   <li>A negative initial speed is refused before the job exists (upstream creates the job, sends created/null
 *       status events and early-fails it).</li>
 *   <li>Queries list jobs in creation order (upstream lists the newest first).</li>
 * </ul>
 */
package org.blockgraph.job;
