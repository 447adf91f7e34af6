package org.blockgraph.checker.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.blockjob.BlockJobs;
import org.blockgraph.job.ThreadPoolJobExecutor;
import org.blockgraph.qmp.QmpDispatcher;
import org.blockgraph.qmp.QmpError;
import org.blockgraph.qmp.QmpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blockgraph serve --qmp PATH [--nbd PATH]}: a qemu-storage-daemon-like daemon with an empty graph, serving
 * QMP on a unix socket (mode 0600) until a client sends {@code quit}. With {@code --nbd} an NBD server also listens
 * on that unix socket from the start, as {@code nbd-server-start} would (exports are added over QMP with
 * {@code block-export-add}). Exit 0 after quit; 2 when a socket cannot be created (the path exists, or its
 * directory is missing), in which case nothing was created.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve QMP (and, with --nbd, NBD) on unix sockets (see docs/qmp.md) until a client sends quit.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--qmp", required = true, paramLabel = "PATH",
            description = "Unix socket to create for QMP clients; must not exist.")
    Path qmpPath;

    @Option(names = "--nbd", paramLabel = "PATH",
            description = "Unix socket to create for NBD clients (as nbd-server-start); must not exist.")
    Path nbdPath;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        BlockGraph graph = new BlockGraph();
        try (ThreadPoolJobExecutor exec = new ThreadPoolJobExecutor(2)) {
            QmpDispatcher dispatcher = new QmpDispatcher(new BlockJobs(graph, exec));
            QmpServer server;
            try {
                if (nbdPath != null) {
                    startNbd(dispatcher);
                }
                server = QmpServer.start(dispatcher, qmpPath);
            } catch (IOException | QmpError e) {
                err.println("blockgraph serve: " + e.getMessage());
                err.flush();
                dispatcher.close();
                return Main.EXIT_USAGE;
            }
            err.println("blockgraph serve: QMP on " + server.path()
                    + (nbdPath != null ? ", NBD on " + nbdPath.toAbsolutePath() : ""));
            err.flush();
            try {
                server.awaitTermination();
            } finally {
                server.close();
                dispatcher.close();
            }
        }
        return Main.EXIT_OK;
    }

    /** {@code nbd-server-start} on the {@code --nbd} socket, through the dispatcher like any client's. */
    private void startNbd(QmpDispatcher dispatcher) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        ObjectNode addr = args.putObject("addr");
        addr.put("type", "unix");
        addr.putObject("data").put("path", nbdPath.toAbsolutePath().toString());
        dispatcher.execute("nbd-server-start", args);
    }
}
