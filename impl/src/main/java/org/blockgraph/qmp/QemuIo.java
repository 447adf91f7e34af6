package org.blockgraph.qmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;

/**
 * {@code human-monitor-command} with {@code qemu-io <node> "<command>"}: the qemu-io commands tests need, with
 * qemu-io's output wording. As upstream's HMP {@code qemu-io}, each I/O command runs through a temporary
 * BlockBackend on the node that holds only the permission the command needs and shares everything.
 *
 * <p>{@code break}, {@code wait_break} and {@code resume} reach the first blkdebug node at or below the named node
 * through filtered/file children and take no graph lock, so they work while another client's command waits in a
 * drain for the request they hold.
 */
final class QemuIo {
    private final BlockGraph graph;
    private final List<CompletableFuture<Void>> aio = new ArrayList<>();

    QemuIo(BlockGraph graph) {
        this.graph = graph;
    }

    /** Runs one HMP command line and returns its output. */
    String hmp(String line) {
        List<String> words = tokenize(line.strip());
        if (words.isEmpty()) {
            return "";
        }
        if (!words.get(0).equals("qemu-io")) {
            return "unknown command: '" + words.get(0) + "'\n";
        }
        if (words.size() != 3) {
            return "Error: qemu-io takes a device or node name and one command\n";
        }
        Node n = graph.findNode(words.get(1));
        if (n == null) {
            return "Error: Cannot find device='" + words.get(1) + "' nor node-name='" + words.get(1) + "'\n";
        }
        StringBuilder out = new StringBuilder();
        try {
            command(n, tokenize(words.get(2)), out);
        } catch (GraphException e) {
            return out + "Error: " + e.getMessage() + "\n";
        }
        return out.toString();
    }

    /** Splits on blanks, keeping double-quoted strings (without the quotes) as one word. */
    static List<String> tokenize(String s) {
        List<String> r = new ArrayList<>();
        StringBuilder w = null;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                if (w == null) {
                    w = new StringBuilder();
                }
            } else if (Character.isWhitespace(c) && !quoted) {
                if (w != null) {
                    r.add(w.toString());
                    w = null;
                }
            } else {
                if (w == null) {
                    w = new StringBuilder();
                }
                w.append(c);
            }
        }
        if (w != null) {
            r.add(w.toString());
        }
        return r;
    }

    private void command(Node n, List<String> argv, StringBuilder out) {
        if (argv.isEmpty()) {
            return;
        }
        String cmd = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        switch (cmd) {
            case "read", "r" -> rw(n, args, out, false, false);
            case "write", "w" -> rw(n, args, out, true, false);
            case "aio_read" -> rw(n, args, out, false, true);
            case "aio_write" -> rw(n, args, out, true, true);
            case "aio_flush" -> aioFlush();
            case "discard" -> discard(n, args, out);
            case "flush", "f" -> withBackend(n, 0, bb -> bb.flush());
            case "map" -> map(n, out);
            case "break" -> {
                if (args.size() != 2) {
                    out.append(usage(cmd));
                    return;
                }
                BlkdebugDriver d = blkdebug(n);
                if (d == null) {
                    out.append("Could not set breakpoint: Operation not supported\n");
                    return;
                }
                try {
                    d.breakpoint(args.get(0), args.get(1));
                } catch (IllegalArgumentException e) {
                    out.append("Could not set breakpoint: Invalid argument\n");
                }
            }
            case "remove_break" -> {
                BlkdebugDriver d = blkdebug(n);
                try {
                    if (d == null) {
                        out.append("Could not remove breakpoint ").append(args.get(0))
                                .append(": Operation not supported\n");
                        return;
                    }
                    d.removeBreakpoint(args.get(0));
                } catch (IllegalArgumentException e) {
                    out.append("Could not remove breakpoint ").append(args.get(0))
                            .append(": No such file or directory\n");
                }
            }
            case "resume" -> {
                BlkdebugDriver d = blkdebug(n);
                try {
                    if (d == null) {
                        out.append("Could not resume request: Operation not supported\n");
                        return;
                    }
                    d.resume(args.get(0));
                } catch (IllegalArgumentException e) {
                    out.append("Could not resume request: No such file or directory\n");
                }
            }
            case "wait_break" -> {
                BlkdebugDriver d = blkdebug(n);
                if (d == null) {
                    return;
                }
                try {
                    // Upstream polls forever; bound it so a mistaken tag cannot wedge the monitor.
                    if (!d.awaitSuspended(args.get(0), 60, TimeUnit.SECONDS)) {
                        out.append("wait_break: no request reached breakpoint ").append(args.get(0)).append('\n');
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> out.append("command \"").append(cmd).append("\" not found\n");
        }
    }

    private static String usage(String cmd) {
        return "bad argument count " + 0 + " to " + cmd + ", expected more arguments\n";
    }

    private interface Io {
        void run(BlockBackend bb);
    }

    private void withBackend(Node n, int perm, Io io) {
        BlockBackend bb = BlockBackend.create(graph, null, n, perm, Permission.ALL);
        try {
            io.run(bb);
        } finally {
            bb.close();
        }
    }

    private void rw(Node n, List<String> args, StringBuilder out, boolean write, boolean async) {
        Integer pattern = null;
        boolean zero = false;
        boolean verify = false;
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-")) {
            String f = args.get(i++);
            switch (f) {
                case "-P" -> {
                    if (i >= args.size()) {
                        out.append(write ? "write" : "read").append(": option requires an argument -- 'P'\n");
                        return;
                    }
                    Long p = parseNum(args.get(i++));
                    if (p == null || p < 0 || p > 255) {
                        out.append("non-numeric pattern\n");
                        return;
                    }
                    pattern = p.intValue();
                    verify = !write;
                }
                case "-z" -> {
                    if (!write) {
                        out.append("read: invalid option -- 'z'\n");
                        return;
                    }
                    zero = true;
                }
                case "-q" -> { }
                default -> {
                    out.append(write ? "write" : "read").append(": invalid option -- '").append(f.substring(1))
                            .append("'\n");
                    return;
                }
            }
        }
        if (zero && pattern != null) {
            out.append("-z and -P cannot be specified at the same time\n");
            return;
        }
        if (args.size() - i != 2) {
            out.append("bad argument count ").append(args.size() - i).append(" to ")
                    .append(async ? "aio_" : "").append(write ? "write" : "read").append(", expected 2\n");
            return;
        }
        Long offset = parseNum(args.get(i));
        if (offset == null || offset < 0) {
            out.append("non-numeric offset argument -- ").append(args.get(i)).append('\n');
            return;
        }
        Long count = parseNum(args.get(i + 1));
        if (count == null || count < 0) {
            out.append("non-numeric length argument -- ").append(args.get(i + 1)).append('\n');
            return;
        }
        if (count > Integer.MAX_VALUE) {
            out.append("length cannot exceed ").append(Integer.MAX_VALUE).append(", cannot read\n");
            return;
        }
        long off = offset;
        int len = count.intValue();
        byte fill = (byte) (pattern == null ? (write ? 0xcd : 0) : pattern);
        boolean z = zero;
        boolean check = verify;
        String op = write ? "wrote" : "read";
        int perm = write ? Permission.WRITE.bit() : 0;
        if (async) {
            BlockBackend bb = BlockBackend.create(graph, null, n, perm, Permission.ALL);
            CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
                try {
                    transfer(bb, off, len, write, z, fill, check, new StringBuilder(), op);
                } finally {
                    bb.close();
                }
            });
            synchronized (aio) {
                aio.add(f);
            }
            return;
        }
        withBackend(n, perm, bb -> transfer(bb, off, len, write, z, fill, check, out, op));
    }

    private static void transfer(BlockBackend bb, long off, int len, boolean write, boolean zero, byte fill,
                                 boolean verify, StringBuilder out, String op) {
        long t0 = System.nanoTime();
        try {
            if (write && zero) {
                bb.writeZeroes(off, len, 0);
            } else if (write) {
                byte[] buf = new byte[len];
                java.util.Arrays.fill(buf, fill);
                bb.write(off, buf, 0, len, 0);
            } else {
                byte[] buf = new byte[len];
                bb.read(off, buf, 0, len);
                if (verify) {
                    for (int k = 0; k < len; k++) {
                        if (buf[k] != fill) {
                            out.append("Pattern verification failed at offset ").append(off).append(", ")
                                    .append(len).append(" bytes\n");
                            break;
                        }
                    }
                }
            }
        } catch (BlockIoException e) {
            out.append(write ? "write" : "read").append(" failed: ").append(BlockIoException.strerror(e.errno()))
                    .append('\n');
            return;
        }
        report(out, op, off, len, System.nanoTime() - t0);
    }

    private void aioFlush() {
        List<CompletableFuture<Void>> pending;
        synchronized (aio) {
            pending = new ArrayList<>(aio);
            aio.clear();
        }
        for (CompletableFuture<Void> f : pending) {
            f.join();
        }
    }

    void close() {
        aioFlush();
    }

    private void discard(Node n, List<String> args, StringBuilder out) {
        if (args.size() != 2) {
            out.append("bad argument count ").append(args.size()).append(" to discard, expected 2\n");
            return;
        }
        Long off = parseNum(args.get(0));
        Long len = parseNum(args.get(1));
        if (off == null || off < 0) {
            out.append("non-numeric offset argument -- ").append(args.get(0)).append('\n');
            return;
        }
        if (len == null || len < 0) {
            out.append("non-numeric length argument -- ").append(args.get(1)).append('\n');
            return;
        }
        withBackend(n, Permission.WRITE.bit(), bb -> {
            long t0 = System.nanoTime();
            try {
                bb.discard(off, len);
            } catch (BlockIoException e) {
                out.append("discard failed: ").append(BlockIoException.strerror(e.errno())).append('\n');
                return;
            }
            report(out, "discard", off, len, System.nanoTime() - t0);
        });
    }

    /** qemu-io's {@code map}: runs of allocated / unallocated clusters in the node itself. */
    private static void map(Node n, StringBuilder out) {
        long len = n.length();
        long cluster = Math.max(512, n.driver().clusterSize(n));
        long start = 0;
        while (start < len) {
            boolean alloc = n.driver().isAllocated(n, start);
            long end = start;
            while (end < len && n.driver().isAllocated(n, end) == alloc) {
                end = Math.min(len, end + cluster - (end % cluster));
            }
            long num = end - start;
            out.append(String.format(Locale.ROOT, "%s (0x%x) bytes %sallocated at offset %s (0x%x)%n",
                    cvtstr(num), num, alloc ? "    " : "not ", cvtstr(start), start));
            start = end;
        }
    }

    private static BlkdebugDriver blkdebug(Node n) {
        for (Node x = n; x != null; ) {
            if (x.driver() instanceof BlkdebugDriver d) {
                return d;
            }
            Child next = x.child("image");
            if (next == null) {
                next = x.child("file");
            }
            x = next == null ? null : next.node();
        }
        return null;
    }

    /** qemu-io's number syntax: decimal, 0x hex, or a k/M/G/T/P/E suffix (binary units). */
    static Long parseNum(String s) {
        if (s.isEmpty()) {
            return null;
        }
        long mult = 1;
        char last = Character.toLowerCase(s.charAt(s.length() - 1));
        String body = s;
        int shift = "kmgtpe".indexOf(last);
        if (shift >= 0 && !s.startsWith("0x")) {
            mult = 1L << (10 * (shift + 1));
            body = s.substring(0, s.length() - 1);
        }
        try {
            long v = body.startsWith("0x") ? Long.parseLong(body.substring(2), 16) : Long.parseLong(body);
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** qemu-io's {@code cvtstr}: 512 bytes, 4 KiB, 1.500 MiB. */
    static String cvtstr(double v) {
        String[] units = {" EiB", " PiB", " TiB", " GiB", " MiB", " KiB"};
        for (int i = 0; i < units.length; i++) {
            double scale = Math.pow(1024, 6 - i);
            if (v >= scale) {
                return trim(String.format(Locale.ROOT, "%.3f", v / scale), units[i]);
            }
        }
        return trim(String.format(Locale.ROOT, "%.3f", v), " bytes");
    }

    private static String trim(String num, String suffix) {
        return (num.endsWith(".000") ? num.substring(0, num.length() - 4) : num) + suffix;
    }

    private static void report(StringBuilder out, String op, long offset, long count, long nanos) {
        double secs = Math.max(nanos, 1) / 1e9;
        out.append(op).append(' ').append(count).append('/').append(count).append(" bytes at offset ")
                .append(offset).append('\n');
        out.append(String.format(Locale.ROOT, "%s, %d ops; %02d.%02d sec (%s/sec and %.4f ops/sec)%n",
                cvtstr(count), 1, (long) secs, (long) ((secs - (long) secs) * 100), cvtstr(count / secs),
                1 / secs));
    }
}
