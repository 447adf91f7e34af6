/**
 * The QMP front end: {@link org.blockgraph.qmp.QmpDispatcher} (commands over the core and the job registry, with
 * QEMU's argument checks and error texts), {@link org.blockgraph.qmp.QmpServer} (the unix-socket daemon behind
 * {@code blockgraph serve}), the NBD server and export commands over {@link org.blockgraph.nbd.NbdService}, and the
 * {@code human-monitor-command} qemu-io subset. It models no spec action of its own: every state change goes
 * through the core, which emits the trace events. Depends on {@code graph}, {@code io}, {@code driver},
 * {@code job}, {@code blockjob} and {@code nbd}; nothing depends on it but the checker CLI.
 * Commands and their texts are listed in {@code docs/qmp.md}.
 */
package org.blockgraph.qmp;
