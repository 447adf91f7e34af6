package org.blockgraph.nbd;

import static org.blockgraph.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.blockgraph.driver.BlkdebugDriver;
import org.blockgraph.driver.MemoryDriver;
import org.blockgraph.graph.BlockGraph;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Child;
import org.blockgraph.graph.GraphException;
import org.blockgraph.graph.GraphState;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Permission;
import org.blockgraph.io.BlockBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The NBD server over a unix socket, driven by {@link NbdTestClient}: handshake, each command, each error. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdServerTest {
    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;
    private final BlockGraph graph = new BlockGraph();
    private final LinkedBlockingQueue<String> deleted = new LinkedBlockingQueue<>();
    private final NbdService nbd = new NbdService(graph, deleted::add);
    private final BlkdebugDriver dbg = new BlkdebugDriver();
    private Node disk;
    private SocketAddress addr;
    private final List<NbdTestClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Node mem = graph.addNode("mem", new MemoryDriver(SIZE));
        disk = graph.addNode("disk", dbg, Map.of("image", mem));
        addr = nbd.start(new NbdAddress.Unix(dir.resolve("nbd.sock")), 0);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (NbdTestClient c : clients) {
            c.close();
        }
        nbd.close();
    }

    private NbdTestClient go(String name) throws IOException {
        NbdTestClient c = NbdTestClient.go(addr, name);
        clients.add(c);
        return c;
    }

    private NbdTestClient open(int flags) throws IOException {
        NbdTestClient c = NbdTestClient.open(addr, flags);
        clients.add(c);
        return c;
    }

    private static void await(String what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static byte[] pattern(int b, int len) {
        byte[] d = new byte[len];
        Arrays.fill(d, (byte) b);
        return d;
    }

    private byte[] onDisk(long offset, int len) {
        BlockBackend blk = BlockBackend.create(graph, null, disk, Permission.CONSISTENT_READ.bit(), Permission.ALL);
        try {
            return blk.read(offset, len);
        } finally {
            blk.close();
        }
    }

    // ---- handshake ----

    @Test
    void goReportsSizeFlagsAndBlockSizes() throws IOException {
        nbd.addExport("e0", "disk", "vol", "the disk", false, false);
        NbdTestClient c = open(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES);
        assertEquals(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES, c.handshakeFlags);
        List<NbdTestClient.OptReply> r = c.infoOrGo(OPT_INFO, "vol", INFO_NAME, INFO_DESCRIPTION);
        assertEquals(List.of(REP_INFO, REP_INFO, REP_INFO, REP_INFO, REP_ACK),
                r.stream().map(NbdTestClient.OptReply::type).toList());
        assertEquals(INFO_NAME, ByteBuffer.wrap(r.get(0).data()).getShort());
        assertEquals("vol", new String(r.get(0).data(), 2, 3));
        assertEquals("the disk", new String(r.get(1).data(), 2, r.get(1).data().length - 2));
        ByteBuffer bs = ByteBuffer.wrap(r.get(2).data());
        assertEquals(INFO_BLOCK_SIZE, bs.getShort());
        assertEquals(1, bs.getInt());
        assertEquals(PREFERRED_BLOCK, bs.getInt());
        assertEquals(MAX_BUFFER, bs.getInt());
        assertEquals(SIZE, c.size);
        assertEquals(FLAG_HAS_FLAGS | FLAG_READ_ONLY | FLAG_SEND_FLUSH | FLAG_SEND_FUA | FLAG_CAN_MULTI_CONN,
                c.transmissionFlags);
        // INFO does not enter transmission: GO follows, and only GO attaches the client
        assertEquals(0, nbd.exports().get(0).clients());
        r = c.infoOrGo(OPT_GO, "vol");
        assertEquals(REP_ACK, r.get(r.size() - 1).type());
        await("client attached", () -> nbd.exports().get(0).clients() == 1);
        assertArrayEquals(new byte[16], c.read(0, 16).data());
    }

    @Test
    void unknownExportIsRefusedAndTheClientMayRetry() throws IOException {
        nbd.addExport("e0", "disk", null, null, true, false);
        NbdTestClient c = open(FLAG_C_FIXED_NEWSTYLE);
        List<NbdTestClient.OptReply> r = c.infoOrGo(OPT_GO, "nope");
        assertEquals(1, r.size());
        assertEquals(REP_ERR_UNKNOWN, r.get(0).type());
        assertEquals("export 'nope' not present", r.get(0).text());
        r = c.infoOrGo(OPT_GO, "disk"); // the export name defaults to the node name
        assertEquals(REP_ACK, r.get(r.size() - 1).type());
        assertEquals(FLAG_HAS_FLAGS | FLAG_SEND_FLUSH | FLAG_SEND_FUA | FLAG_SEND_TRIM | FLAG_SEND_WRITE_ZEROES
                | FLAG_SEND_FAST_ZERO, c.transmissionFlags);
    }

    @Test
    void malformedInfoRequestsAreInvalid() throws IOException {
        nbd.addExport("e0", "disk", null, null, false, false);
        NbdTestClient c = open(FLAG_C_FIXED_NEWSTYLE);
        assertEquals(REP_ERR_INVALID, c.option(OPT_GO, new byte[] {0, 0}).get(0).type());
        assertEquals(REP_ERR_INVALID, c.option(OPT_GO, new byte[] {0, 0, 0, 9, 'd'}).get(0).type());
        byte[] extra = Arrays.copyOf(NbdTestClient.infoRequest("disk"), NbdTestClient.infoRequest("disk").length + 1);
        assertEquals(REP_ERR_INVALID, c.option(OPT_INFO, extra).get(0).type());
        List<NbdTestClient.OptReply> r = c.infoOrGo(OPT_GO, "disk");
        assertEquals(REP_ACK, r.get(r.size() - 1).type());
    }

    @Test
    void exportNameOptionWithAndWithoutZeroes() throws IOException {
        nbd.addExport("e0", "disk", null, null, true, false);
        for (int flags : new int[] {FLAG_C_FIXED_NEWSTYLE, FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES}) {
            NbdTestClient c = open(flags);
            c.sendOption(OPT_EXPORT_NAME, "disk".getBytes());
            assertEquals(SIZE, c.in.readLong());
            int tflags = c.in.readShort() & 0xffff;
            assertEquals(0, tflags & FLAG_READ_ONLY);
            if ((flags & FLAG_C_NO_ZEROES) == 0) {
                byte[] z = new byte[124];
                c.in.readFully(z);
                assertArrayEquals(new byte[124], z);
            }
            assertEquals(0, c.write(0, pattern(flags, 512), 0));
            assertArrayEquals(pattern(flags, 512), c.read(0, 512).data());
        }
        NbdTestClient bad = open(FLAG_C_FIXED_NEWSTYLE);
        bad.sendOption(OPT_EXPORT_NAME, "nope".getBytes());
        assertTrue(bad.closedByServer(), "EXPORT_NAME of an unknown export can only disconnect");
    }

    @Test
    void listShowsReachableExportsWithDescriptions() throws IOException {
        nbd.addExport("e0", "disk", "a", "first", false, false);
        nbd.addExport("e1", "mem", "b", null, false, false);
        NbdTestClient c = open(FLAG_C_FIXED_NEWSTYLE);
        List<NbdTestClient.OptReply> r = c.option(OPT_LIST, new byte[0]);
        assertEquals(3, r.size());
        List<String> seen = new ArrayList<>();
        for (NbdTestClient.OptReply x : r.subList(0, 2)) {
            assertEquals(REP_SERVER, x.type());
            ByteBuffer b = ByteBuffer.wrap(x.data());
            int n = b.getInt();
            seen.add(new String(x.data(), 4, n) + "|" + new String(x.data(), 4 + n, x.data().length - 4 - n));
        }
        assertEquals(List.of("a|first", "b|"), seen);
        assertEquals(REP_ACK, r.get(2).type());
        assertEquals(REP_ERR_INVALID, c.option(OPT_LIST, new byte[] {1}).get(0).type());
    }

    @Test
    void unsupportedOptionsAreAnsweredUnsup() throws IOException {
        nbd.addExport("e0", "disk", null, null, false, false);
        NbdTestClient c = open(FLAG_C_FIXED_NEWSTYLE);
        for (int opt : new int[] {OPT_STRUCTURED_REPLY, OPT_STARTTLS, 9, 10, 11, 12345}) {
            List<NbdTestClient.OptReply> r = c.option(opt, new byte[] {1, 2, 3});
            assertEquals(REP_ERR_UNSUP, r.get(0).type(), "option " + opt);
        }
        List<NbdTestClient.OptReply> r = c.infoOrGo(OPT_GO, "disk");
        assertEquals(REP_ACK, r.get(r.size() - 1).type());
    }

    @Test
    void abortIsAcknowledgedThenClosed() throws IOException {
        NbdTestClient c = open(FLAG_C_FIXED_NEWSTYLE);
        assertEquals(REP_ACK, c.option(OPT_ABORT, new byte[0]).get(0).type());
        assertTrue(c.closedByServer());
    }

    @Test
    void protocolViolationsCloseOnlyThatClient() throws IOException {
        nbd.addExport("e0", "disk", null, null, true, false);
        NbdTestClient good = go("disk");
        NbdTestClient badFlags = open(0x80);
        assertTrue(badFlags.closedByServer());
        NbdTestClient badMagic = open(FLAG_C_FIXED_NEWSTYLE);
        badMagic.out.write(ByteBuffer.allocate(16).putLong(0x1234).putLong(0).array()); // one write: no EPIPE race
        assertTrue(badMagic.closedByServer());
        NbdTestClient badRequest = go("disk");
        badRequest.out.write(new byte[28]);
        assertTrue(badRequest.closedByServer());
        NbdTestClient disc = go("disk");
        disc.disconnect();
        assertTrue(disc.closedByServer());
        assertEquals(0, good.write(4096, pattern(7, 100), 0));
        assertArrayEquals(pattern(7, 100), good.read(4096, 100).data());
        await("only the good client left", () -> nbd.exports().get(0).clients() == 1);
    }

    // ---- transmission ----

    @Test
    void everyCommandReachesTheNode() throws IOException {
        nbd.addExport("e0", "disk", null, null, true, false);
        NbdTestClient c = go("disk");
        assertEquals(0, c.write(0, pattern(0xa1, 65536), 0));
        assertEquals(0, c.write(65536, pattern(0xa2, 4096), CMD_FLAG_FUA));
        assertEquals(0, c.command(CMD_FLUSH, 0, 0, 0));
        assertArrayEquals(pattern(0xa1, 65536), onDisk(0, 65536));
        assertArrayEquals(pattern(0xa2, 4096), onDisk(65536, 4096));
        assertEquals(0, c.command(CMD_WRITE_ZEROES, 0, 4096, 4096));
        assertEquals(0, c.command(CMD_WRITE_ZEROES, CMD_FLAG_NO_HOLE | CMD_FLAG_FUA, 8192, 100));
        assertEquals(0, c.command(CMD_WRITE_ZEROES, CMD_FLAG_FAST_ZERO, 65536, 10));
        byte[] expect = pattern(0xa1, 65536);
        Arrays.fill(expect, 4096, 8192 + 100, (byte) 0);
        assertArrayEquals(expect, c.read(0, 65536).data());
        assertArrayEquals(new byte[10], c.read(65536, 10).data());
        assertEquals(0, c.command(CMD_TRIM, 0, 0, 65536));
        assertEquals(0, c.command(CMD_TRIM, CMD_FLAG_FUA, 65536, 4096));
        assertArrayEquals(new byte[65536 + 4096], c.read(0, 65536 + 4096).data());
        NbdTestClient.Reply empty = c.read(SIZE, 0);
        assertEquals(0, empty.error());
        NbdTestClient.Reply last = c.read(SIZE - 1, 1);
        assertEquals(0, last.error());
        assertEquals(1, last.cookie());
    }

    @Test
    void errorsAreMappedAndTheConnectionGoesOn() throws IOException {
        nbd.addExport("ro", "disk", null, null, false, false);
        nbd.addExport("rw", "mem", null, null, true, false);
        NbdTestClient ro = go("disk");
        assertEquals(EPERM, ro.write(0, pattern(1, 10), 0));
        assertEquals(EPERM, ro.command(CMD_TRIM, 0, 0, 10));
        assertEquals(EPERM, ro.command(CMD_WRITE_ZEROES, 0, 0, 10));
        assertEquals(EINVAL, ro.read(SIZE, 1).error());
        assertEquals(EINVAL, ro.read(SIZE - 10, 11).error());
        assertEquals(EINVAL, ro.read(-1, 1).error());
        assertEquals(EINVAL, ro.command(5 /* CACHE */, 0, 0, 10));
        assertEquals(EINVAL, ro.command(77, 0, 0, 10));
        ro.sendRequest(0, CMD_READ, 9, 0, MAX_BUFFER + 1, null);
        assertEquals(EINVAL, ro.readReply(0).error());
        ro.sendRequest(1 << 2 /* DF without structured replies */, CMD_READ, 9, 0, 10, null);
        assertEquals(EINVAL, ro.readReply(10).error());

        NbdTestClient rw = go("mem");
        assertEquals(ENOSPC, rw.write(SIZE - 1, pattern(1, 2), 0));
        assertEquals(ENOSPC, rw.command(CMD_WRITE_ZEROES, 0, SIZE, 1));
        assertEquals(EINVAL, rw.command(CMD_TRIM, 0, SIZE - 1, 2));
        assertEquals(EINVAL, rw.command(CMD_TRIM, CMD_FLAG_NO_HOLE, 0, 2));
        rw.sendRequest(0, CMD_WRITE, 9, 0, MAX_BUFFER + 1, null);
        rw.out.write(new byte[MAX_BUFFER + 1]); // the oversized payload is consumed, not parsed as requests
        assertEquals(EINVAL, rw.readReply(0).error());
        assertEquals(0, rw.write(0, pattern(3, 3), 0));
        assertArrayEquals(pattern(3, 3), rw.read(0, 3).data());

        // errors from the node: blkdebug inject-error
        dbg.addRule(new BlkdebugDriver.InjectError("read_aio", BlockIoException.EIO, -1, true, false,
                java.util.Set.of(BlkdebugDriver.IoType.READ)));
        dbg.debugEvent(disk, "read_aio");
        assertEquals(EIO, ro.read(0, 512).error());
        assertEquals(0, ro.read(0, 512).error());
        dbg.addRule(new BlkdebugDriver.InjectError("read_aio", BlockIoException.ENOSPC, -1, true, false,
                java.util.Set.of(BlkdebugDriver.IoType.FLUSH)));
        dbg.debugEvent(disk, "read_aio");
        assertEquals(ENOSPC, ro.command(CMD_FLUSH, 0, 0, 0));
        assertEquals(0, ro.command(CMD_FLUSH, 0, 0, 0));
    }

    @Test
    void errnoMappingFollowsUpstream() {
        assertEquals(EPERM, NbdConnection.wireErrno(BlockIoException.EPERM));
        assertEquals(EPERM, NbdConnection.wireErrno(30));
        assertEquals(EIO, NbdConnection.wireErrno(BlockIoException.EIO));
        assertEquals(ENOSPC, NbdConnection.wireErrno(BlockIoException.ENOSPC));
        assertEquals(ENOTSUP, NbdConnection.wireErrno(BlockIoException.ENOTSUP));
        assertEquals(EINVAL, NbdConnection.wireErrno(BlockIoException.EINVAL));
        assertEquals(EINVAL, NbdConnection.wireErrno(BlockIoException.ENOMEDIUM));
        assertEquals(EINVAL, NbdConnection.wireErrno(BlockIoException.EACCES));
    }

    @Test
    void clientVanishingMidWriteChangesNothing() throws IOException {
        nbd.addExport("e0", "disk", null, null, true, false);
        NbdTestClient other = go("disk");
        NbdTestClient c = go("disk");
        await("two clients", () -> nbd.exports().get(0).clients() == 2);
        c.sendRequest(0, CMD_WRITE, 1, 0, 4096, null);
        c.out.write(pattern(0xee, 1000)); // 1000 of the 4096 payload bytes, then gone
        c.close();
        await("the vanished client detached", () -> nbd.exports().get(0).clients() == 1);
        assertArrayEquals(new byte[4096], other.read(0, 4096).data());
        assertArrayEquals(new byte[4096], onDisk(0, 4096));
    }

    @Test
    void clientVanishingRightAfterGoIsDetached() throws Exception {
        nbd.addExport("e0", "disk", null, null, false, false);
        for (int i = 0; i < 20; i++) {
            NbdTestClient c = open(FLAG_C_FIXED_NEWSTYLE);
            c.sendOption(OPT_GO, NbdTestClient.infoRequest("disk"));
            c.close(); // gone before the replies: whether writing them fails or the next read does, it detaches
        }
        await("every client detached", () -> nbd.exports().get(0).clients() == 0);
        nbd.deleteExport("e0", false);
        assertEquals("e0", deleted.poll(60, TimeUnit.SECONDS));
    }

    @Test
    void drainParksRequestsUntilDrainedEnd() throws Exception {
        NbdExport e = nbd.addExport("e0", "disk", null, null, true, false);
        NbdTestClient c = go("disk");
        assertEquals(0, c.write(0, pattern(0x5a, 512), 0));
        graph.drainedBegin(disk);
        CompletableFuture<NbdTestClient.Reply> read = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                read.complete(c.read(0, 512));
            } catch (Throwable x) {
                read.completeExceptionally(x);
            }
        });
        t.start();
        await("request parked", () -> e.blockBackend().parkedRequests() == 1);
        assertFalse(read.isDone());
        assertEquals(0, e.blockBackend().inFlight(), "a parked request holds no in-flight reference");
        graph.drainedEnd(disk);
        NbdTestClient.Reply r = read.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.error());
        assertArrayEquals(pattern(0x5a, 512), r.data());
        assertEquals(0, e.blockBackend().parkedRequests());
    }

    @Test
    void clientVanishingWhileParkedLeavesNoTrace() throws Exception {
        NbdExport e = nbd.addExport("e0", "disk", null, null, true, false);
        NbdTestClient c = go("disk");
        graph.drainedBegin(disk);
        c.sendRequest(0, CMD_WRITE, 1, 0, 4, pattern(0x11, 4));
        await("request parked", () -> e.blockBackend().parkedRequests() == 1);
        c.close();
        graph.drainedEnd(disk);
        // the request was complete on the wire, so it runs; its reply has nowhere to go and the client is dropped
        await("client detached", () -> e.clients() == 0);
        assertArrayEquals(pattern(0x11, 4), onDisk(0, 4));
        assertEquals(0, e.blockBackend().inFlight());
    }

    @Test
    void severalClientsInParallel() throws Exception {
        nbd.addExport("e0", "disk", null, null, true, false);
        int n = 4;
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            NbdTestClient c = go("disk");
            done.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int j = 0; j < 32; j++) {
                        long off = (long) (k * 32 + j) * 4096;
                        assertEquals(0, c.write(off, pattern(k * 32 + j, 4096), 0));
                        assertArrayEquals(pattern(k * 32 + j, 4096), c.read(off, 4096).data());
                    }
                } catch (IOException x) {
                    throw new RuntimeException(x);
                }
            }, r -> new Thread(r).start()));
        }
        for (CompletableFuture<Void> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        for (int b = 0; b < n * 32; b++) {
            assertArrayEquals(pattern(b, 4096), onDisk(b * 4096L, 4096));
        }
    }

    // ---- exports and the server ----

    @Test
    void exportPermissionsAreUpstreams() {
        NbdExport ro = nbd.addExport("ro", "disk", "r", null, false, false);
        NbdExport rw = nbd.addExport("rw", "disk", "w", null, true, false);
        Child r = ro.blockBackend().rootEdge();
        Child w = rw.blockBackend().rootEdge();
        assertEquals(Permission.CONSISTENT_READ.bit(), r.perm());
        assertEquals(Permission.CONSISTENT_READ.bit() | Permission.WRITE.bit(), w.perm());
        assertEquals(Permission.ALL & ~Permission.RESIZE.bit(), r.shared());
        assertEquals(Permission.ALL & ~Permission.RESIZE.bit(), w.shared());
    }

    @Test
    void badExportsAreRefusedAndChangeNothing() {
        Node rom = graph.addNode("rom", new MemoryDriver(4096), Map.of(), true);
        nbd.addExport("e0", "disk", null, null, false, false);
        GraphState before = graph.state();
        assertEquals("Invalid block export id",
                assertThrows(IllegalArgumentException.class, () -> nbd.addExport("0x", "disk", "x", null, false,
                        false)).getMessage());
        assertEquals("Block export id 'e0' is already in use", assertThrows(IllegalArgumentException.class,
                () -> nbd.addExport("e0", "mem", null, null, false, false)).getMessage());
        assertEquals("Cannot find device='' nor node-name='zz'", assertThrows(IllegalArgumentException.class,
                () -> nbd.addExport("e1", "zz", null, null, false, false)).getMessage());
        assertEquals("Cannot export read-only node as writable", assertThrows(IllegalArgumentException.class,
                () -> nbd.addExport("e1", rom.name(), null, null, true, false)).getMessage());
        assertEquals("NBD server already has export named 'disk'", assertThrows(IllegalArgumentException.class,
                () -> nbd.addExport("e1", "mem", "disk", null, false, false)).getMessage());
        assertEquals("export name '" + "n".repeat(4097) + "' too long", assertThrows(
                IllegalArgumentException.class, () -> nbd.addExport("e1", "mem", "n".repeat(4097), null, false,
                        false)).getMessage());
        // a parent that does not share write: a writable export conflicts (the core's text)
        BlockBackend guard = BlockBackend.create(graph, "guard", graph.requireNode("mem"),
                Permission.CONSISTENT_READ.bit(), Permission.CONSISTENT_READ.bit());
        GraphState withGuard = graph.state();
        GraphException x = assertThrows(GraphException.class,
                () -> nbd.addExport("e1", "mem", null, null, true, false));
        assertTrue(x.getMessage().startsWith("Permission conflict on node 'mem'"), x.getMessage());
        assertEquals(withGuard, graph.state());
        guard.close();
        assertEquals(before, graph.state());
        assertEquals(1, nbd.exports().size());
        nbd.stop();
        assertEquals("NBD server not running", assertThrows(IllegalStateException.class,
                () -> nbd.addExport("e2", "mem", null, null, false, false)).getMessage());
        assertEquals("NBD server not running", assertThrows(IllegalStateException.class, nbd::stop).getMessage());
    }

    @Test
    void deleteSafeRefusesWhileInUseHardDisconnects() throws Exception {
        nbd.addExport("e0", "disk", null, null, true, false);
        assertEquals("Export 'zz' is not found",
                assertThrows(IllegalArgumentException.class, () -> nbd.deleteExport("zz", false)).getMessage());
        NbdTestClient c = go("disk");
        await("attached", () -> nbd.exports().get(0).clients() == 1);
        assertEquals("export 'e0' still in use",
                assertThrows(IllegalStateException.class, () -> nbd.deleteExport("e0", false)).getMessage());
        assertEquals(0, c.write(0, pattern(1, 1), 0), "a refused delete leaves the client connected");
        assertNull(deleted.poll());
        nbd.deleteExport("e0", true);
        assertTrue(c.closedByServer());
        assertEquals("e0", deleted.poll(60, TimeUnit.SECONDS));
        assertTrue(nbd.exports().isEmpty());
        assertTrue(disk.parents().isEmpty(), "the export's BlockBackend is gone");
        // without clients, safe deletes at once; the name and id are free again
        nbd.addExport("e0", "disk", null, null, false, false);
        nbd.deleteExport("e0", false);
        assertEquals("e0", deleted.poll(60, TimeUnit.SECONDS));
    }

    @Test
    void stopDisconnectsEveryoneAndRemovesTheSocket() throws Exception {
        nbd.addExport("a", "disk", null, null, false, false);
        nbd.addExport("b", "mem", null, null, false, false);
        NbdTestClient c = go("disk");
        NbdTestClient h = open(FLAG_C_FIXED_NEWSTYLE); // still in the handshake
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(
                "nbd.sock"))));
        nbd.stop();
        assertTrue(c.closedByServer());
        assertTrue(h.closedByServer());
        List<String> ids = new ArrayList<>(List.of(deleted.poll(60, TimeUnit.SECONDS),
                deleted.poll(60, TimeUnit.SECONDS)));
        ids.sort(null);
        assertEquals(List.of("a", "b"), ids);
        assertFalse(Files.exists(dir.resolve("nbd.sock")));
        assertTrue(graph.requireNode("mem").parents().stream().noneMatch(p -> p.parent() instanceof BlockBackend));
        assertEquals("NBD server not running", assertThrows(IllegalStateException.class,
                () -> nbd.addExport("a", "disk", null, null, false, false)).getMessage());
    }

    @Test
    void startRefusals() throws IOException {
        assertEquals("NBD server already running", assertThrows(IllegalStateException.class,
                () -> nbd.start(new NbdAddress.Unix(dir.resolve("other.sock")), 0)).getMessage());
        nbd.stop();
        Files.writeString(dir.resolve("taken"), "x");
        IOException x = assertThrows(IOException.class, () -> nbd.start(new NbdAddress.Unix(dir.resolve("taken")),
                0));
        assertTrue(x.getMessage().endsWith("Address already in use"), x.getMessage());
        assertEquals("x", Files.readString(dir.resolve("taken")));
        assertThrows(IllegalArgumentException.class, () -> nbd.start(new NbdAddress.Inet("192.0.2.1", 10809), 0));
        assertFalse(nbd.running());
    }

    @Test
    void tcpLoopbackAndConnectionLimit() throws IOException {
        nbd.stop();
        SocketAddress tcp = nbd.start(new NbdAddress.Inet("127.0.0.1", 0), 1);
        nbd.addExport("e0", "disk", null, null, true, false);
        NbdTestClient c = NbdTestClient.go(tcp, "disk");
        clients.add(c);
        assertEquals(0, c.write(0, pattern(9, 9), 0));
        try (java.nio.channels.SocketChannel second = java.nio.channels.SocketChannel.open(tcp)) {
            assertEquals(-1, second.read(ByteBuffer.allocate(8)), "over max-connections: closed before greeting");
        }
        assertArrayEquals(pattern(9, 9), c.read(0, 9).data());
    }
}
