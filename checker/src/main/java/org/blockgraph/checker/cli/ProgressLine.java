package org.blockgraph.checker.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.blockgraph.checker.tlc.Progress;

/**
 * The single updating status line shown on a terminal while a model runs: states, distinct states, states per
 * minute and elapsed time, redrawn every second with a carriage return and erased when the model ends. TLC prints
 * a progress report once a minute; the elapsed time ticks in between.
 */
final class ProgressLine implements AutoCloseable {

    private final PrintWriter out;
    private final String model;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService ticker;
    private volatile Progress last;
    private int drawnWidth;

    ProgressLine(PrintWriter out, String model) {
        this(out, model, true);
    }

    /** With {@code tick} false nothing redraws by itself (tests call {@link #draw()}). */
    ProgressLine(PrintWriter out, String model, boolean tick) {
        this.out = out;
        this.model = model;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "blockgraph-progress");
            t.setDaemon(true);
            return t;
        });
        if (tick) {
            ticker.scheduleAtFixedRate(this::draw, 0, 1, TimeUnit.SECONDS);
        }
    }

    /** Takes the latest TLC progress report. */
    void update(Progress p) {
        last = p;
    }

    synchronized void draw() {
        double elapsed = (System.nanoTime() - start) / 1e9;
        Progress p = last;
        String text;
        if (p == null) {
            text = String.format(Locale.ROOT, "  %s: starting TLC... %s", model, clock(elapsed));
        } else {
            long perMinute = p.statesPerMinute().isPresent() ? p.statesPerMinute().getAsLong()
                    : elapsed > 0 ? (long) (p.states() / (elapsed / 60)) : 0;
            text = String.format(Locale.ROOT, "  %s: %,d states, %,d distinct, %,d states/min, %s elapsed", model,
                    p.states(), p.distinct(), perMinute, clock(elapsed));
        }
        out.print("\r" + text + " ".repeat(Math.max(0, drawnWidth - text.length())));
        out.flush();
        drawnWidth = text.length();
    }

    private static String clock(double seconds) {
        long s = (long) seconds;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public synchronized void close() {
        ticker.shutdownNow();
        out.print("\r" + " ".repeat(drawnWidth) + "\r");
        out.flush();
    }
}
