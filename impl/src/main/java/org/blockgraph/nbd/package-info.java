/**
 * An NBD server over the core: exports are {@link org.blockgraph.io.BlockBackend}s on graph nodes, served with the
 * fixed newstyle handshake and simple replies to any number of clients, one thread per connection. See
 * {@code docs/qmp.md} (section NBD) for what is supported.
 */
package org.blockgraph.nbd;
