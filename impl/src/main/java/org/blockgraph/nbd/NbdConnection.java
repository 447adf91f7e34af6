package org.blockgraph.nbd;

import static org.blockgraph.nbd.NbdProtocol.*;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.IoFlags;
import org.blockgraph.io.BlockBackend;

/**
 * One client: the fixed newstyle handshake, then its requests in order through the export's BlockBackend, each
 * answered with a simple reply. Any protocol violation the stream cannot recover from (bad magic, a truncated
 * request) ends this connection only; a truncated WRITE never reaches the disk.
 */
final class NbdConnection {
    private final NbdService service;
    private final SocketChannel ch;
    private DataInputStream in;
    private DataOutputStream out;
    private boolean noZeroes;
    /** The export this connection is attached to, from the moment of attaching (so a failed reply still detaches). */
    private NbdExport attached;

    NbdConnection(NbdService service, SocketChannel ch) {
        this.service = service;
        this.ch = ch;
    }

    /** Disconnects the client; a request it has inside the core completes there and its reply is dropped. */
    void abort() {
        NbdService.closeQuietly(ch);
    }

    void run() {
        try {
            in = new DataInputStream(new BufferedInputStream(inputOf(ch), 1 << 16));
            out = new DataOutputStream(new BufferedOutputStream(outputOf(ch), 1 << 16));
            NbdExport export = handshake();
            if (export != null) {
                transmission(export);
            }
        } catch (IOException e) {
            // the client went away or broke the protocol: this connection ends, nothing else changes
        } finally {
            NbdService.closeQuietly(ch);
            if (attached != null) {
                service.detach(attached, this);
            }
        }
    }

    private NbdExport attach(String name) {
        NbdExport e = service.attach(name, this);
        attached = e;
        return e;
    }

    // ---- handshake ----

    private NbdExport handshake() throws IOException {
        out.writeLong(NBDMAGIC);
        out.writeLong(IHAVEOPT);
        out.writeShort(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
        out.flush();
        int clientFlags = in.readInt();
        if ((clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) != 0) {
            return null; // upstream: "Unknown client flags", and the connection ends
        }
        noZeroes = (clientFlags & FLAG_C_NO_ZEROES) != 0;
        while (true) {
            if (in.readLong() != IHAVEOPT) {
                return null;
            }
            int opt = in.readInt();
            long len = in.readInt() & 0xffffffffL;
            if (len > MAX_OPTION) {
                skip(len);
                optReply(opt, REP_ERR_TOO_BIG, text("option payload of " + len + " bytes is too large"));
                continue;
            }
            byte[] data = new byte[(int) len];
            in.readFully(data);
            switch (opt) {
                case OPT_EXPORT_NAME -> {
                    NbdExport e = attach(new String(data, StandardCharsets.UTF_8));
                    if (e == null) {
                        return null; // the protocol has no way to refuse NBD_OPT_EXPORT_NAME but to disconnect
                    }
                    out.writeLong(e.blockBackend().length());
                    out.writeShort(e.transmissionFlags());
                    if (!noZeroes) {
                        out.write(new byte[124]);
                    }
                    out.flush();
                    return e;
                }
                case OPT_ABORT -> {
                    optReply(opt, REP_ACK, new byte[0]);
                    return null;
                }
                case OPT_LIST -> {
                    if (len != 0) {
                        optReply(opt, REP_ERR_INVALID, text("no argument expected for NBD_OPT_LIST"));
                        continue;
                    }
                    for (NbdExport e : service.visibleExports()) {
                        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                        byte[] desc = e.description() == null ? new byte[0]
                                : e.description().getBytes(StandardCharsets.UTF_8);
                        ByteBuffer b = ByteBuffer.allocate(4 + name.length + desc.length);
                        b.putInt(name.length).put(name).put(desc);
                        optReply(opt, REP_SERVER, b.array());
                    }
                    optReply(opt, REP_ACK, new byte[0]);
                }
                case OPT_INFO, OPT_GO -> {
                    NbdExport e = infoOrGo(opt, data);
                    if (e != null) {
                        return e;
                    }
                }
                default -> optReply(opt, REP_ERR_UNSUP, text("Unsupported option " + opt));
            }
        }
    }

    /** NBD_OPT_INFO / NBD_OPT_GO; returns the attached export when GO succeeded. */
    private NbdExport infoOrGo(int opt, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (b.remaining() < 4) {
            optReply(opt, REP_ERR_INVALID, text("request too short"));
            return null;
        }
        long nameLen = b.getInt() & 0xffffffffL;
        if (nameLen > b.remaining() - 2L) {
            optReply(opt, REP_ERR_INVALID, text("name length is incorrect"));
            return null;
        }
        byte[] nameBytes = new byte[(int) nameLen];
        b.get(nameBytes);
        int requests = b.getShort() & 0xffff;
        if (b.remaining() != 2 * requests) {
            optReply(opt, REP_ERR_INVALID, text("request data has the wrong length"));
            return null;
        }
        boolean wantName = false;
        boolean wantDescription = false;
        for (int i = 0; i < requests; i++) {
            int r = b.getShort() & 0xffff;
            wantName |= r == INFO_NAME;
            wantDescription |= r == INFO_DESCRIPTION;
        }
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        NbdExport e = opt == OPT_GO ? attach(name) : service.find(name);
        if (e == null) {
            optReply(opt, REP_ERR_UNKNOWN, text("export '" + name + "' not present"));
            return null;
        }
        if (wantName) {
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            optReply(opt, REP_INFO, ByteBuffer.allocate(2 + n.length).putShort((short) INFO_NAME).put(n).array());
        }
        if (wantDescription && e.description() != null) {
            byte[] d = e.description().getBytes(StandardCharsets.UTF_8);
            optReply(opt, REP_INFO, ByteBuffer.allocate(2 + d.length).putShort((short) INFO_DESCRIPTION).put(d)
                    .array());
        }
        optReply(opt, REP_INFO, ByteBuffer.allocate(14).putShort((short) INFO_BLOCK_SIZE).putInt(1)
                .putInt(PREFERRED_BLOCK).putInt(MAX_BUFFER).array());
        optReply(opt, REP_INFO, ByteBuffer.allocate(12).putShort((short) INFO_EXPORT)
                .putLong(e.blockBackend().length()).putShort((short) e.transmissionFlags()).array());
        optReply(opt, REP_ACK, new byte[0]);
        return opt == OPT_GO ? e : null;
    }

    private void optReply(int opt, int type, byte[] data) throws IOException {
        out.writeLong(OPT_REPLY_MAGIC);
        out.writeInt(opt);
        out.writeInt(type);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                k = 1;
            }
            n -= k;
        }
    }

    // ---- transmission ----

    private void transmission(NbdExport e) throws IOException {
        BlockBackend blk = e.blockBackend();
        long size = blk.length();
        while (true) {
            if (in.readInt() != REQUEST_MAGIC) {
                return;
            }
            int flags = in.readShort() & 0xffff;
            int type = in.readShort() & 0xffff;
            long cookie = in.readLong();
            long offset = in.readLong();
            long len = in.readInt() & 0xffffffffL;
            byte[] buf = null;
            if (type == CMD_DISC) {
                return;
            }
            if (type == CMD_READ || type == CMD_WRITE) {
                if (len > MAX_BUFFER) {
                    if (type == CMD_WRITE) {
                        skip(len);
                    }
                    reply(cookie, EINVAL, null, 0);
                    continue;
                }
                buf = new byte[(int) len];
                if (type == CMD_WRITE) {
                    in.readFully(buf); // a client that vanishes here never gets a partial write applied
                }
            }
            int err = check(e, type, flags, offset, len, size);
            if (err == 0) {
                err = perform(e, blk, type, flags, offset, len, buf);
            }
            reply(cookie, err, type == CMD_READ && err == 0 ? buf : null, (int) len);
        }
    }

    /** Upstream's checks, in its order: read-only export, range, flags, known command. */
    private static int check(NbdExport e, int type, int flags, long offset, long len, long size) {
        boolean writes = type == CMD_WRITE || type == CMD_WRITE_ZEROES || type == CMD_TRIM;
        if (type != CMD_READ && type != CMD_FLUSH && !writes) {
            return EINVAL;
        }
        if (writes && !e.writable()) {
            return EPERM;
        }
        if (type != CMD_FLUSH && (offset < 0 || offset > size || len > size - offset)) {
            return type == CMD_WRITE || type == CMD_WRITE_ZEROES ? ENOSPC : EINVAL;
        }
        int valid = CMD_FLAG_FUA | (type == CMD_WRITE_ZEROES ? CMD_FLAG_NO_HOLE | CMD_FLAG_FAST_ZERO : 0);
        if ((flags & ~valid) != 0) {
            return EINVAL;
        }
        return 0;
    }

    private static int perform(NbdExport e, BlockBackend blk, int type, int flags, long offset, long len,
            byte[] buf) {
        try {
            switch (type) {
                case CMD_READ -> blk.read(offset, buf, 0, (int) len);
                case CMD_WRITE -> blk.write(offset, buf, 0, (int) len, 0);
                case CMD_WRITE_ZEROES -> blk.writeZeroes(offset, len,
                        (flags & CMD_FLAG_NO_HOLE) != 0 ? 0 : IoFlags.MAY_UNMAP);
                case CMD_TRIM -> blk.discard(offset, len);
                case CMD_FLUSH -> blk.flush();
                default -> throw new IllegalStateException("unreachable command " + type);
            }
            if (type != CMD_READ && type != CMD_FLUSH && ((flags & CMD_FLAG_FUA) != 0 || e.writethrough())) {
                blk.flush();
            }
            return 0;
        } catch (BlockIoException x) {
            return wireErrno(x.errno());
        } catch (RuntimeException x) {
            return EIO;
        }
    }

    /** Upstream's {@code system_errno_to_nbd_errno}. */
    static int wireErrno(int errno) {
        return switch (errno) {
            case 0 -> 0;
            case BlockIoException.EPERM, 30 /* EROFS */ -> EPERM;
            case BlockIoException.EIO -> EIO;
            case 12 -> ENOMEM;
            case BlockIoException.ENOSPC, 122 /* EDQUOT */, 27 /* EFBIG */ -> ENOSPC;
            case 75 -> EOVERFLOW;
            case BlockIoException.ENOTSUP -> ENOTSUP;
            case 108 -> ESHUTDOWN;
            default -> EINVAL;
        };
    }

    private void reply(long cookie, int err, byte[] data, int len) throws IOException {
        out.writeInt(SIMPLE_REPLY_MAGIC);
        out.writeInt(err);
        out.writeLong(cookie);
        if (data != null) {
            out.write(data, 0, len);
        }
        out.flush();
    }

    // ---- socket streams without Channels' shared blocking lock ----

    static InputStream inputOf(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return ch.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    static OutputStream outputOf(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            }
        };
    }
}
