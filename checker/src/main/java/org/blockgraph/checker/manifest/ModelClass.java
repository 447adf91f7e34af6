package org.blockgraph.checker.manifest;

/** When a model runs: on every {@code check} and {@code mvn verify}, or only with {@code --deep}. */
public enum ModelClass {
    /** Run by {@code ./blockgraph check} and by {@code mvn verify}. */
    CI("ci"),
    /** Run only by {@code ./blockgraph check --deep}. */
    DEEP("deep");

    private final String json;

    ModelClass(String json) {
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
