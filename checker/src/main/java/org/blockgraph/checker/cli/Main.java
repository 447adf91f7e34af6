package org.blockgraph.checker.cli;

import java.io.PrintWriter;
import org.blockgraph.checker.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code blockgraph} command line. Subcommands: {@code check} (TLC over the model manifest), {@code worker} (a TLC worker for a distributed check); later issues add
 * {@code trace}, {@code serve} and {@code bench} here.
 *
 * <p>Exit codes: 0 success; 1 a check found a mismatch; 2 usage or manifest error.
 */
@Command(name = "blockgraph", mixinStandardHelpOptions = true, version = "blockgraph 0.1.0",
        description = "A virtual-disk block layer specified in TLA+ and implemented in Java.",
        subcommands = {CheckCommand.class, WorkerCommand.class, BenchCommand.class,
                org.blockgraph.checker.trace.TraceCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code: every check passed. */
    public static final int EXIT_OK = 0;
    /** Exit code: some model did not match the manifest. */
    public static final int EXIT_MISMATCH = 1;
    /** Exit code: bad usage, bad manifest, or the manifest and the disk disagree. */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try: blockgraph check)");
    }

    /**
     * Runs the CLI with the given streams and returns the exit code (used by {@link #main} and by tests).
     *
     * @param out where results go
     * @param err where usage errors go
     * @param args the command line
     * @return the exit code (see {@code blockgraph --help})
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The program entry point.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(out, err, args));
    }
}
