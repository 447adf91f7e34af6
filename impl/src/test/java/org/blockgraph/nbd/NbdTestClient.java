package org.blockgraph.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A small NBD client for the tests: the fixed newstyle handshake by hand, then simple-reply requests. */
final class NbdTestClient implements AutoCloseable {
    /** One option reply. */
    record OptReply(int option, int type, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** One simple reply. */
    record Reply(int error, long cookie, byte[] data) {
    }

    final SocketChannel ch;
    final DataInputStream in;
    final DataOutputStream out;
    final int handshakeFlags;
    long size;
    int transmissionFlags;

    NbdTestClient(SocketAddress addr) throws IOException {
        ch = addr instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        ch.connect(addr);
        in = new DataInputStream(new BufferedInputStream(NbdConnection.inputOf(ch)));
        out = new DataOutputStream(NbdConnection.outputOf(ch));
        assertEquals(NbdProtocol.NBDMAGIC, in.readLong());
        assertEquals(NbdProtocol.IHAVEOPT, in.readLong());
        handshakeFlags = in.readShort() & 0xffff;
    }

    /** Connects and sends the client flags. */
    static NbdTestClient open(SocketAddress addr, int clientFlags) throws IOException {
        NbdTestClient c = new NbdTestClient(addr);
        c.out.writeInt(clientFlags);
        return c;
    }

    /** Connects with fixed newstyle and no zeroes, then NBD_OPT_GO to {@code name}; fails unless it succeeds. */
    static NbdTestClient go(SocketAddress addr, String name) throws IOException {
        NbdTestClient c = open(addr, NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES);
        List<OptReply> r = c.infoOrGo(NbdProtocol.OPT_GO, name);
        assertEquals(NbdProtocol.REP_ACK, r.get(r.size() - 1).type(), () -> "GO " + name + " refused");
        return c;
    }

    void sendOption(int opt, byte[] data) throws IOException {
        out.writeLong(NbdProtocol.IHAVEOPT);
        out.writeInt(opt);
        out.writeInt(data.length);
        out.write(data);
    }

    OptReply readOptReply() throws IOException {
        assertEquals(NbdProtocol.OPT_REPLY_MAGIC, in.readLong());
        int opt = in.readInt();
        int type = in.readInt();
        byte[] d = new byte[in.readInt()];
        in.readFully(d);
        return new OptReply(opt, type, d);
    }

    /** Sends an option and reads replies up to an ACK or an error. */
    List<OptReply> option(int opt, byte[] data) throws IOException {
        sendOption(opt, data);
        List<OptReply> r = new ArrayList<>();
        while (true) {
            OptReply x = readOptReply();
            assertEquals(opt, x.option());
            r.add(x);
            if (x.type() == NbdProtocol.REP_ACK || x.type() < 0) {
                return r;
            }
        }
    }

    static byte[] infoRequest(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length);
        b.putInt(n.length).put(n).putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** NBD_OPT_INFO or NBD_OPT_GO; on success records the export size and flags. */
    List<OptReply> infoOrGo(int opt, String name, int... infos) throws IOException {
        List<OptReply> r = option(opt, infoRequest(name, infos));
        for (OptReply x : r) {
            if (x.type() == NbdProtocol.REP_INFO) {
                ByteBuffer b = ByteBuffer.wrap(x.data());
                if (b.getShort() == NbdProtocol.INFO_EXPORT) {
                    size = b.getLong();
                    transmissionFlags = b.getShort() & 0xffff;
                }
            }
        }
        return r;
    }

    void sendRequest(int flags, int type, long cookie, long offset, int len, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28 + (data == null ? 0 : data.length));
        b.putInt(NbdProtocol.REQUEST_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie)
                .putLong(offset).putInt(len);
        if (data != null) {
            b.put(data);
        }
        out.write(b.array());
    }

    /** Reads a simple reply; {@code readLen} bytes of data follow a successful READ. */
    Reply readReply(int readLen) throws IOException {
        assertEquals(NbdProtocol.SIMPLE_REPLY_MAGIC, in.readInt());
        int err = in.readInt();
        long cookie = in.readLong();
        byte[] d = null;
        if (err == 0 && readLen > 0) {
            d = new byte[readLen];
            in.readFully(d);
        }
        return new Reply(err, cookie, d);
    }

    Reply read(long offset, int len) throws IOException {
        sendRequest(0, NbdProtocol.CMD_READ, 1, offset, len, null);
        return readReply(len);
    }

    int write(long offset, byte[] data, int flags) throws IOException {
        sendRequest(flags, NbdProtocol.CMD_WRITE, 2, offset, data.length, data);
        return readReply(0).error();
    }

    int command(int type, int flags, long offset, int len) throws IOException {
        sendRequest(flags, type, 3, offset, len, null);
        return readReply(0).error();
    }

    void disconnect() throws IOException {
        sendRequest(0, NbdProtocol.CMD_DISC, 4, 0, 0, null);
    }

    /** Whether the server closed the connection (reads EOF). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
