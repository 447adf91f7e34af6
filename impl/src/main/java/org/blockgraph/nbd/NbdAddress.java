package org.blockgraph.nbd;

import java.nio.file.Path;

/** Where the NBD server listens: a unix socket path, or a TCP address on the loopback interface. */
public sealed interface NbdAddress permits NbdAddress.Unix, NbdAddress.Inet {
    /**
     * A unix socket; the server creates it with mode 0600 and removes it when it stops.
     *
     * @param path the socket path; must not exist
     */
    record Unix(Path path) implements NbdAddress {
    }

    /**
     * A TCP address; only loopback hosts are accepted, since NBD has no authentication here.
     *
     * @param host host name or address
     * @param port port number, 0 for any free port
     */
    record Inet(String host, int port) implements NbdAddress {
    }
}
