package org.blockgraph.checker.tlc;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of TLC's periodic progress reports: {@code Progress(D) at T: N states generated (R s/min), M distinct
 * states found (..), Q states left on queue.}, or in simulation {@code Progress: N states checked.}
 *
 * @param depth          the BFS level reached (0 in simulation)
 * @param states         states generated (or checked)
 * @param distinct       distinct states found (0 in simulation)
 * @param statesPerMinute TLC's own rate, when it printed one
 */
public record Progress(int depth, long states, long distinct, OptionalLong statesPerMinute) {

    private static final Pattern BFS = Pattern.compile("^Progress\\((\\d+)\\) at [^:]*:\\d\\d:\\d\\d: ([\\d,]+) states"
            + " generated(?: \\(([\\d,]+) s/min\\))?, ([\\d,]+) distinct states found");
    private static final Pattern SIM = Pattern.compile("^Progress: ([\\d,]+) states checked");

    /**
     * The progress report on this line, if it is one.
     *
     * @param line one line of TLC's output
     * @return the report, or empty
     */
    public static Optional<Progress> parse(String line) {
        Matcher m = BFS.matcher(line);
        if (m.find()) {
            OptionalLong rate = m.group(3) == null ? OptionalLong.empty() : OptionalLong.of(number(m.group(3)));
            return Optional.of(new Progress(Integer.parseInt(m.group(1)), number(m.group(2)), number(m.group(4)),
                    rate));
        }
        m = SIM.matcher(line);
        if (m.find()) {
            return Optional.of(new Progress(0, number(m.group(1)), 0, OptionalLong.empty()));
        }
        return Optional.empty();
    }

    /** Parses TLC's numbers, which may carry thousands separators. */
    static long number(String digits) {
        return Long.parseLong(digits.replace(",", ""));
    }
}
