package org.blockgraph.checker.simulate;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code --simulate} time budget: one or more {@code <number><unit>} groups with units {@code h},
 * {@code m}, {@code s}, e.g. {@code 30s}, {@code 5m}, {@code 1h30m}. At least one second, at most a week.
 */
public final class DurationParser {

    private static final Pattern WHOLE = Pattern.compile("^(?:\\d{1,7}[hms])+$");
    private static final Pattern GROUP = Pattern.compile("(\\d{1,7})([hms])");
    private static final Duration MAX = Duration.ofDays(7);

    private DurationParser() {
    }

    /**
     * The duration, or an {@link IllegalArgumentException} whose message says what is accepted.
     *
     * @param text a duration such as {@code 30s}, {@code 5m} or {@code 1h30m}
     * @return the duration
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "': use a number with a unit h, m or s,"
                    + " e.g. 30s, 5m, 1h30m");
        }
        Duration d = Duration.ZERO;
        Matcher m = GROUP.matcher(t);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("invalid duration '" + text + "': must be at least 1s");
        }
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("invalid duration '" + text + "': at most 7 days (168h)");
        }
        return d;
    }
}
