package org.blockgraph.lincheck;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.blockgraph.graph.BlockDriver;
import org.blockgraph.graph.Node;
import org.blockgraph.graph.Role;

/**
 * A protocol driver whose disk is a few one-byte cells, each stored and loaded with a volatile access. A request
 * over several cells is done cell by cell, as a real disk promises no atomicity across sectors: that is what makes
 * a write that overlaps a drained section observable (half old, half new). Tiny on purpose, so the model checker
 * explores the block layer's interleavings and not page copies.
 */
final class CellDriver extends BlockDriver {
    private final AtomicIntegerArray cells;

    CellDriver(int cells) {
        this.cells = new AtomicIntegerArray(cells);
    }

    @Override
    public String name() {
        return "cells";
    }

    @Override
    public List<String> childNames() {
        return List.of();
    }

    @Override
    public Role childRole(String childName) {
        return null;
    }

    @Override
    public long length(Node bs) {
        return cells.length();
    }

    @Override
    public void read(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        for (int i = 0; i < len; i++) {
            buf[off + i] = (byte) cells.get((int) offset + i);
        }
    }

    @Override
    public void write(Node bs, long offset, byte[] buf, int off, int len, int flags) {
        for (int i = 0; i < len; i++) {
            cells.set((int) offset + i, buf[off + i]);
        }
    }

    /** The cells as a compact string, read directly (for state representations; no request). */
    String contents() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length(); i++) {
            sb.append(cells.get(i));
        }
        return sb.toString();
    }
}
