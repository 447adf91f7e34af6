package org.blockgraph.checker.distributed;

import java.util.List;

/**
 * How a distributed run is laid out.
 *
 * @param workerHosts   one entry per worker process; loopback names ({@code localhost}, {@code 127.0.0.1}) are
 *                      started by the tool, other hosts get the command to run there. Empty with
 *                      {@code serverOnly}.
 * @param serverHost    the address workers reach the server at (also what the server's RMI stubs advertise)
 * @param port          the server's RMI registry port
 * @param localThreads  threads per local worker process
 * @param serverOnly    start only the server; workers are started by hand ({@code blockgraph worker})
 */
public record DistributedSettings(List<String> workerHosts, String serverHost, int port, int localThreads,
                                  boolean serverOnly) {

    /**
     * Checks the port and the thread count and copies the host list.
     *
     * @param workerHosts one entry per worker process; loopback names ({@code localhost}, {@code 127.0.0.1}) are started by the tool, other hosts get the command to run there. Empty with {@code serverOnly}.
     * @param serverHost the address workers reach the server at (also what the server's RMI stubs advertise)
     * @param port the server's RMI registry port
     * @param localThreads threads per local worker process
     * @param serverOnly start only the server; workers are started by hand ({@code blockgraph worker})
     */
    public DistributedSettings {
        workerHosts = List.copyOf(workerHosts);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
        if (localThreads < 1) {
            throw new IllegalArgumentException("threads per worker must be >= 1, was " + localThreads);
        }
    }

    /**
     * Worker processes the tool starts itself.
     *
     * @return the number of loopback entries of the worker hosts
     */
    public int localWorkers() {
        return (int) workerHosts.stream().filter(TlcDistributed::isLoopback).count();
    }

    /**
     * Hosts that need the worker command run on them by hand.
     *
     * @return the worker hosts that are not loopback, in the order given
     */
    public List<String> remoteHosts() {
        return workerHosts.stream().filter(h -> !TlcDistributed.isLoopback(h)).toList();
    }

    /**
     * Whether every worker runs on this machine (then everything stays on 127.0.0.1).
     *
     * @return true if there is no remote host
     */
    public boolean allLocal() {
        return !serverOnly && remoteHosts().isEmpty();
    }
}
