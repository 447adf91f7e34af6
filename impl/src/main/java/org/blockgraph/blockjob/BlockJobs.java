package org.blockgraph.blockjob;

import org.blockgraph.graph.BlockGraph;
import org.blockgraph.job.ControlLock;
import org.blockgraph.job.Job;
import org.blockgraph.job.JobExecutor;
import org.blockgraph.job.JobRegistry;

/**
 * Jobs on one graph: the QMP-like entry points {@code block-stream} and {@code block-commit}, and the job registry
 * they share. The registry's control lock is the graph's ({@link BlockGraph#controlLock()}: no second lock), its
 * trace sink is the graph's, and a job that stops being busy kicks the graph's {@code AioWait} (a drain may poll
 * it).
 */
public final class BlockJobs {
    private final BlockGraph graph;
    private final JobRegistry registry;

    /**
     * Jobs on {@code graph}, running their steps on {@code executor}.
     * @param graph the block graph the jobs work on
     * @param executor the executor that runs the jobs' steps
     */
    public BlockJobs(BlockGraph graph, JobExecutor executor) {
        this.graph = graph;
        org.blockgraph.lock.ControlLock core = graph.controlLock();
        ControlLock control = new ControlLock() {
            @Override
            public void lock() {
                core.lock();
            }

            @Override
            public void unlock() {
                core.unlock();
            }

            @Override
            public boolean isHeldByCurrentThread() {
                return core.isHeldByCurrentThread();
            }

            @Override
            public void execute(Runnable task) {
                core.execute(task);
            }
        };
        this.registry = new JobRegistry(executor, control, graph.trace());
        registry.setIdleListener(graph.aioWait()::kick);
    }

    /**
     * The graph.
     * @return the block graph the jobs work on
     */
    public BlockGraph graph() {
        return graph;
    }

    /**
     * The job registry (queries, events, lookup by id).
     * @return the registry of the jobs started here
     */
    public JobRegistry registry() {
        return registry;
    }

    /**
     * {@code block-stream}: starts a stream job; refused commands throw and change nothing.
     * @param o the {@code block-stream} arguments
     * @return the started job
     */
    public Job stream(StreamOptions o) {
        return StreamJob.start(this, o);
    }

    /**
     * {@code block-commit}: starts an intermediate or an active commit job.
     * @param o the {@code block-commit} arguments
     * @return the started job (a commit job, or an active commit job when top is the active layer)
     */
    public Job commit(CommitOptions o) {
        return CommitCommand.start(this, o);
    }
}
