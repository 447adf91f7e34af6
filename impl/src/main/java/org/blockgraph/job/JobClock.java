package org.blockgraph.job;

/** The time source of job rate limits and sleeps, in nanoseconds (monotonic; any origin). */
@FunctionalInterface
public interface JobClock {
    /** The system's monotonic clock. */
    JobClock SYSTEM = System::nanoTime;

    /**
     * The current time.
     *
     * @return the current time in nanoseconds, from an arbitrary but fixed origin
     */
    long nanoTime();
}
