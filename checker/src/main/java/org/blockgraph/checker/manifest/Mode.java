package org.blockgraph.checker.manifest;

/** How TLC explores a model: the whole state graph, or random behaviours ({@code -simulate}). */
public enum Mode {
    /** Breadth-first search of every reachable state; counts are exact and compared. */
    EXHAUSTIVE("exhaustive"),
    /** Random simulation with a fixed seed; only the result is compared. */
    SIMULATE("simulate");

    private final String json;

    Mode(String json) {
        this.json = json;
    }

    /**
     * The spelling used in the manifest.
     *
     * @return the manifest spelling
     */
    public String json() {
        return json;
    }
}
