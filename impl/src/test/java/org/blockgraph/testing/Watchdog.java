package org.blockgraph.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a test body with a deadline; on a hang it fails with a dump of every thread (including lock owners). */
public final class Watchdog {
    private Watchdog() {
    }

    public interface Body {
        void run() throws Exception;
    }

    public static void run(long seconds, Body body) throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "watched-test-body");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> f = ex.submit(() -> {
                body.run();
                return null;
            });
            try {
                f.get(seconds, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Exception) {
                    throw (Exception) c;
                }
                throw (Error) c;
            } catch (TimeoutException e) {
                throw new AssertionError("hang: no progress within " + seconds + " s\n" + threadDump());
            }
        } finally {
            ex.shutdownNow();
        }
    }

    public static String threadDump() {
        StringBuilder b = new StringBuilder();
        for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            b.append('"').append(ti.getThreadName()).append("\" ").append(ti.getThreadState());
            if (ti.getLockName() != null) {
                b.append(" on ").append(ti.getLockName());
            }
            if (ti.getLockOwnerName() != null) {
                b.append(" owned by \"").append(ti.getLockOwnerName()).append('"');
            }
            b.append('\n');
            for (StackTraceElement e : ti.getStackTrace()) {
                b.append("    at ").append(e).append('\n');
            }
        }
        return b.toString();
    }
}
