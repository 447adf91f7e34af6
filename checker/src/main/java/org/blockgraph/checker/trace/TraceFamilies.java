package org.blockgraph.checker.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The spec families whose traces can be validated, by the name {@code trace validate --spec} takes. */
public final class TraceFamilies {

    /** Reads one family's ndjson trace. */
    @FunctionalInterface
    public interface Reader {
        /**
         * Reads and checks the file; malformed input names its line.
         *
         * @param file the ndjson trace
         * @return the trace
         * @throws IOException            if the file cannot be read
         * @throws MalformedTraceException if a line is not a valid event of the family
         */
        TraceData read(Path file) throws IOException, MalformedTraceException;
    }

    private static final Map<String, Reader> READERS = new LinkedHashMap<>();

    static {
        READERS.put("drain", TraceModule::read);
        READERS.put("chain", ChainTraceModule::read);
    }

    private TraceFamilies() {
    }

    /**
     * The known family names, in registration order.
     *
     * @return the names {@link #read} accepts ({@code drain}, {@code chain})
     */
    public static Set<String> names() {
        return READERS.keySet();
    }

    /**
     * Reads {@code file} as a trace of {@code family}; IllegalArgumentException for an unknown family.
     *
     * @param family the family name, one of {@link #names()}
     * @param file   the ndjson trace
     * @return the trace
     * @throws IOException              if the file cannot be read
     * @throws MalformedTraceException  if a line is not a valid event of the family
     * @throws IllegalArgumentException if {@code family} is unknown
     */
    public static TraceData read(String family, Path file) throws IOException, MalformedTraceException {
        Reader r = READERS.get(family);
        if (r == null) {
            throw new IllegalArgumentException("unknown spec family '" + family + "' (known: "
                    + String.join(", ", READERS.keySet()) + ")");
        }
        return r.read(file);
    }
}
