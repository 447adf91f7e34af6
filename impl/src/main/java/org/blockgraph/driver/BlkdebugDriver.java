package org.blockgraph.driver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.blockgraph.graph.BlockIoException;
import org.blockgraph.graph.Node;

/**
 * Filter {@code blkdebug} over its {@code image} child, with QEMU's rule model. The driver has a {@code state}, a
 * number that starts at 1; a rule with a {@code state} other than 0 applies only while the driver is in that state.
 * <ul>
 *   <li>{@code inject-error}: when {@code event} fires on this node, the rule becomes active and the next request
 *       on this node whose range contains {@code offset} (any request if -1) fails with {@code errno}; a
 *       {@code once} rule is then removed. Events are fired by the parent format driver on its file child
 *       ({@code read_aio}, {@code write_aio}). As upstream, each event that injects replaces the active set.</li>
 *   <li>{@code set-state}: when {@code event} fires in the rule's state, the driver moves to {@code new_state}
 *       once every rule of that event has been looked at (all rules of one event see the old state; if several
 *       set-state rules match, the one added first wins, as upstream processes its newest-first list).</li>
 *   <li>breakpoints ({@code break} / suspend rules): the request that fires {@code event} is held, in flight and
 *       holding the graph read lock, until {@link #resume(String)}; a breakpoint fires once.</li>
 * </ul>
 * {@code immediately} is accepted for compatibility; requests here fail without first yielding either way.
 *
 * <p>The {@code align} option sets the node's request alignment ({@link #requestAlignment}); without it the node
 * has its image's alignment, as a filter does.
 */
public final class BlkdebugDriver extends FilterDriver {
    /** Event names QEMU's blkdebug accepts ({@code BlkdebugEvent}). */
    public static final Set<String> EVENTS = Set.of("l1_update", "l1_grow_alloc_table", "l1_grow_write_table",
            "l1_grow_activate_table", "l2_load", "l2_update", "l2_update_compressed", "l2_alloc_cow_read",
            "l2_alloc_write", "read_aio", "read_backing_aio", "read_compressed", "write_aio", "write_compressed",
            "vmstate_load", "vmstate_save", "cow_read", "cow_write", "reftable_load", "reftable_grow",
            "reftable_update", "refblock_load", "refblock_update", "refblock_update_part", "refblock_alloc",
            "refblock_alloc_hookup", "refblock_alloc_write", "refblock_alloc_write_blocks",
            "refblock_alloc_write_table", "refblock_alloc_switch_table", "cluster_alloc", "cluster_alloc_bytes",
            "cluster_free", "flush_to_os", "flush_to_disk", "pwritev_rmw_head", "pwritev_rmw_after_head",
            "pwritev_rmw_tail", "pwritev_rmw_after_tail", "pwritev", "pwritev_zero", "pwritev_done",
            "empty_image_prepare", "l1_shrink_write_table", "l1_shrink_free_l2_clusters", "cor_write",
            "cluster_alloc_space", "none");

    /** Request types an inject-error rule may be limited to ({@code iotype}). */
    public enum IoType {
        /** Reads. */
        READ,
        /** Writes. */
        WRITE,
        /** Write-zeroes. */
        WRITE_ZEROES,
        /** Discards. */
        DISCARD,
        /** Flushes. */
        FLUSH
    }

    /**
     * An {@code inject-error} rule.
     *
     * @param event       the event that activates it
     * @param state       the driver state it applies in (0: every state)
     * @param errno       the error requests fail with
     * @param offset      byte offset a failing request must contain, or -1 for any
     * @param once        remove the rule after it failed one request
     * @param immediately accepted for compatibility
     * @param ioTypes     request types it applies to
     */
    public record InjectError(String event, int state, int errno, long offset, boolean once, boolean immediately,
                              Set<IoType> ioTypes) {
        /**
         * A rule that applies in every state ({@code state} 0).
         *
         * @param event       the event that activates it
         * @param errno       the error requests fail with
         * @param offset      byte offset a failing request must contain, or -1 for any
         * @param once        remove the rule after it failed one request
         * @param immediately accepted for compatibility
         * @param ioTypes     request types it applies to
         */
        public InjectError(String event, int errno, long offset, boolean once, boolean immediately,
                           Set<IoType> ioTypes) {
            this(event, 0, errno, offset, once, immediately, ioTypes);
        }

        /**
         * A rule for any offset and all request types, in every state.
         *
         * @param event the debug event whose requests fail (e.g. {@code read_aio})
         * @param errno the positive errno the request fails with
         * @param once whether the rule is removed after its first hit
         * @return the rule
         */
        public static InjectError of(String event, int errno, boolean once) {
            return new InjectError(event, 0, errno, -1, once, false, Set.of(IoType.values()));
        }

        /**
         * The same rule limited to the driver state {@code s} (0: every state).
         *
         * @param s the driver state
         * @return a copy of this rule with {@code state} {@code s}
         */
        public InjectError inState(int s) {
            return new InjectError(event, s, errno, offset, once, immediately, ioTypes);
        }
    }

    /**
     * A {@code set-state} rule.
     *
     * @param event    the event that triggers it
     * @param state    the state it applies in, 0 for every state
     * @param newState the state the driver moves to
     */
    public record SetState(String event, int state, int newState) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final long align;
    /** Rules in upstream's per-event list order: newest first. Elements are InjectError or SetState. */
    private final List<Record> rules = new ArrayList<>();
    private int state = 1;
    private final List<InjectError> active = new ArrayList<>();
    private final Map<String, String> breakpoints = new HashMap<>(); // tag -> event
    private final Map<String, Integer> suspended = new HashMap<>(); // tag -> requests held
    private final Map<String, Integer> resumeTickets = new HashMap<>();

    /** A blkdebug filter; its child is named {@code image}. */
    public BlkdebugDriver() {
        super("image");
        this.align = 0;
    }

    /**
     * A blkdebug filter with the {@code align} option: the node's request alignment becomes {@code align}.
     *
     * @param align a power of two below 2^31, or 0 for "not given"
     * @throws IllegalArgumentException {@code Cannot meet constraints with align N} otherwise, as upstream
     */
    public BlkdebugDriver(long align) {
        super("image");
        if (align < 0 || align >= Integer.MAX_VALUE || (align & (align - 1)) != 0) {
            throw new IllegalArgumentException("Cannot meet constraints with align " + Long.toUnsignedString(align));
        }
        this.align = align;
    }

    /** The {@code align} option, or the image's alignment if it was not given. */
    @Override
    public long requestAlignment(Node bs) {
        return align > 0 ? align : super.requestAlignment(bs);
    }

    /**
     * The driver's current state (1 when the node is opened).
     *
     * @return the state set-state rules last moved it to
     */
    public int state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return "blkdebug";
    }

    private static void checkEvent(String event) {
        if (event == null) {
            throw new IllegalArgumentException("Missing event name for rule");
        }
        if (!EVENTS.contains(event)) {
            throw new IllegalArgumentException("Invalid parameter '" + event + "'");
        }
    }

    private static void checkState(long s, String what) {
        if (s < 0) {
            throw new IllegalArgumentException("Parameter '" + what + "' expects a non-negative number");
        }
    }

    /**
     * Adds an inject-error rule; a bad rule changes nothing.
     *
     * @param rule the rule, matched after the ones added before it
     * @throws IllegalArgumentException {@code Missing event name for rule}, {@code Invalid parameter 'X'} for an
     *                                  unknown event, or a negative state
     */
    public void addRule(InjectError rule) {
        checkEvent(rule.event());
        checkState(rule.state(), "state");
        lock.lock();
        try {
            rules.add(0, rule);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a set-state rule; a bad rule changes nothing.
     *
     * @param rule the rule
     * @throws IllegalArgumentException as {@link #addRule(InjectError)}, or for a negative state or new state
     */
    public void addSetState(SetState rule) {
        checkEvent(rule.event());
        checkState(rule.state(), "state");
        checkState(rule.newState(), "new_state");
        lock.lock();
        try {
            rules.add(0, rule);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets a breakpoint ({@code blkdebug_debug_breakpoint}): the next request firing {@code event} is held.
     *
     * @param event the debug event that triggers the breakpoint (e.g. {@code write_aio})
     * @param tag the breakpoint's name, used to resume or remove it
     */
    public void breakpoint(String event, String tag) {
        checkEvent(event);
        lock.lock();
        try {
            if (breakpoints.containsKey(tag)) {
                throw new IllegalArgumentException("breakpoint tag '" + tag + "' already in use");
            }
            breakpoints.put(tag, event);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a breakpoint and resumes what it holds ({@code blkdebug_debug_remove_breakpoint}).
     *
     * @param tag the breakpoint's name
     */
    public void removeBreakpoint(String tag) {
        lock.lock();
        try {
            boolean had = breakpoints.remove(tag) != null;
            if (suspended.getOrDefault(tag, 0) > 0) {
                resumeTickets.merge(tag, suspended.get(tag), Integer::sum);
                changed.signalAll();
                had = true;
            }
            if (!had) {
                throw new IllegalArgumentException("no breakpoint with tag '" + tag + "'");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Resumes the requests held at {@code tag} ({@code blkdebug_debug_resume}).
     *
     * @param tag the breakpoint's name
     */
    public void resume(String tag) {
        lock.lock();
        try {
            int n = suspended.getOrDefault(tag, 0);
            if (n == 0) {
                throw new IllegalArgumentException("no request suspended at tag '" + tag + "'");
            }
            resumeTickets.merge(tag, n, Integer::sum);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a request is held at {@code tag} ({@code blkdebug_debug_is_suspended}).
     *
     * @param tag the breakpoint's name
     * @return true if a request is held there now
     */
    public boolean isSuspended(String tag) {
        lock.lock();
        try {
            return suspended.getOrDefault(tag, 0) > 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a request is held at {@code tag}; false on timeout.
     *
     * @param tag the breakpoint's name
     * @param timeout how long to wait at most
     * @param unit the unit of {@code timeout}
     * @return true once a request is held, false if the timeout passed first
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitSuspended(String tag, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lock();
        try {
            while (suspended.getOrDefault(tag, 0) == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void debugEvent(Node bs, String event) {
        List<String> holdAt = new ArrayList<>();
        lock.lock();
        try {
            boolean injected = false;
            int newState = state;
            for (Record rec : rules) {
                if (rec instanceof InjectError r && r.event().equals(event)
                        && (r.state() == 0 || r.state() == state)) {
                    if (!injected) {
                        active.clear();
                        injected = true;
                    }
                    active.add(0, r);
                } else if (rec instanceof SetState r && r.event().equals(event)
                        && (r.state() == 0 || r.state() == state)) {
                    newState = r.newState();
                }
            }
            state = newState;
            for (Iterator<Map.Entry<String, String>> it = breakpoints.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, String> b = it.next();
                if (b.getValue().equals(event)) {
                    holdAt.add(b.getKey());
                    it.remove();
                }
            }
            for (String tag : holdAt) {
                suspended.merge(tag, 1, Integer::sum);
                changed.signalAll();
                while (resumeTickets.getOrDefault(tag, 0) == 0) {
                    changed.awaitUninterruptibly();
                }
                resumeTickets.merge(tag, -1, Integer::sum);
                suspended.merge(tag, -1, Integer::sum);
            }
        } finally {
            lock.unlock();
        }
    }

    private void check(IoType type, long offset, long len) {
        lock.lock();
        try {
            for (Iterator<InjectError> it = active.iterator(); it.hasNext(); ) {
                InjectError r = it.next();
                if (!r.ioTypes().contains(type)) {
                    continue;
                }
                if (r.offset() >= 0 && !(len > 0 && r.offset() >= offset && r.offset() < offset + len)) {
                    continue;
                }
                if (r.errno() == 0) {
                    return; // as upstream: the first matching rule decides, and errno 0 injects nothing
                }
                if (r.once()) {
                    it.remove();
                    rules.remove(r);
                }
                throw new BlockIoException(r.errno(), BlockIoException.strerror(r.errno()));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        check(IoType.READ, offset, len);
        super.read(bs, offset, buf, off, len, flags);
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        check(IoType.WRITE, offset, len);
        super.write(bs, offset, buf, off, len, flags);
    }

    @Override
    public void writeZeroes(Node bs, long offset, long len, int flags) {
        check(IoType.WRITE_ZEROES, offset, len);
        super.writeZeroes(bs, offset, len, flags);
    }

    @Override
    public void discard(Node bs, long offset, long len) {
        check(IoType.DISCARD, offset, len);
        super.discard(bs, offset, len);
    }

    @Override
    public void flush(Node bs) {
        check(IoType.FLUSH, 0, 0);
        super.flush(bs);
    }
}
