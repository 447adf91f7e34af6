package org.blockgraph.checker.tlc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads TLC 2.18's human-readable output line by line ({@link #accept(String)}) and collects what the checker
 * needs ({@link #result()}): final counts and depth, the kind of violation and the violated invariant or
 * property, the error trace, and parse/semantic/cfg errors with their file, line and column.
 *
 * <p>Only the output TLC prints without {@code -tool} is parsed, because that is the output a user reads in the
 * kept {@code .out} file and what the messages quote.
 */
public final class TlcOutputParser {

    private static final Pattern PARSING_FILE = Pattern.compile("^Parsing file (.+\\.tla)$");
    private static final Pattern FINAL_COUNTS = Pattern.compile(
            "^([\\d,]+) states generated, ([\\d,]+) distinct states found");
    private static final Pattern SIM_COUNT = Pattern.compile("^The number of states generated: ([\\d,]+)");
    private static final Pattern DEPTH = Pattern.compile("^The depth of the complete state graph search is (\\d+)\\.");
    private static final Pattern INVARIANT = Pattern.compile("^Invariant (\\S+) is violated");
    private static final Pattern PROPERTY = Pattern.compile("^(?:Action property|Property) (\\S+) is violated");
    private static final Pattern STATE = Pattern.compile("^State (\\d+): (.*)$");
    private static final Pattern BACK_TO = Pattern.compile("^Back to state:? ?(\\d+)(?::? ?(.*))?$");
    private static final Pattern ACTION = Pattern.compile("^<(.+?)(?: (line \\d+, col \\d+ to line \\d+, col \\d+ of"
            + " module \\S+))?>$");
    private static final Pattern VARIABLE = Pattern.compile("^(/\\\\ )?([A-Za-z_][A-Za-z0-9_]*) = (.*)$");
    private static final Pattern AT_LINE_COLUMN = Pattern.compile("at line (\\d+), column (\\d+)");
    private static final Pattern SEMANTIC_LOCATION = Pattern.compile(
            "^line (\\d+), col (\\d+) to line \\d+, col \\d+ of module (\\S+)");
    private static final Pattern IN_MODULE = Pattern.compile("^In module (\\S+)$");
    private static final Pattern CFG_ERROR = Pattern.compile("error in the configuration file at line (\\d+)");

    private enum Mode { NORMAL, PARSE_ERROR, SEMANTIC_LOCATION, SEMANTIC_MESSAGE, ERROR_MESSAGE, ASSERT_MESSAGE,
        TRACE }

    private final Path cfgFile;
    private final Map<String, String> moduleFiles = new HashMap<>();
    private String lastParsedFile;
    private Mode mode = Mode.NORMAL;

    private Long statesGenerated;
    private Long distinctStates;
    private Integer depth;
    private String violatedInvariant;
    private String violatedProperty;
    private boolean temporalViolation;
    private boolean deadlock;
    private String assertionMessage;
    private boolean simulation;
    private final List<TraceState> trace = new ArrayList<>();
    private final LinkedHashSet<SpecError> specErrors = new LinkedHashSet<>();
    private final List<String> errorMessages = new ArrayList<>();

    // the state being read in TRACE mode
    private Integer stateIndex;
    private String stateAction;
    private String stateLocation;
    private boolean stateStuttering;
    private int stateBackTo;
    private LinkedHashMap<String, String> stateVars;
    private String lastVar;
    private boolean blankInTrace;

    // the message being read in the multi-line modes
    private StringBuilder message;
    private int semanticLine;
    private int semanticColumn;
    private String semanticModule;
    private int cfgLine;

    /**
     * A parser for one run.
     *
     * @param cfgFile the cfg the run used, named in cfg errors; may be {@code null}
     */
    public TlcOutputParser(Path cfgFile) {
        this.cfgFile = cfgFile;
    }

    /**
     * Parses a whole output at once.
     *
     * @param output TLC's whole output
     * @param cfgFile the run's cfg, named in cfg errors; may be {@code null}
     * @return the parsed output
     */
    public static TlcOutput parse(String output, Path cfgFile) {
        TlcOutputParser p = new TlcOutputParser(cfgFile);
        output.lines().forEach(p::accept);
        return p.result();
    }

    /**
     * Feeds the next line of output (without its line terminator).
     *
     * @param raw one line of output
     */
    public void accept(String raw) {
        String line = raw.stripTrailing();
        switch (mode) {
            case TRACE -> {
                if (traceLine(line)) {
                    return;
                }
            }
            case PARSE_ERROR -> {
                if (parseErrorLine(line)) {
                    return;
                }
            }
            case SEMANTIC_LOCATION -> {
                if (line.isEmpty()) {
                    return;
                }
                Matcher m = SEMANTIC_LOCATION.matcher(line);
                Matcher in = IN_MODULE.matcher(line);
                if (m.find()) {
                    semanticLine = Integer.parseInt(m.group(1));
                    semanticColumn = Integer.parseInt(m.group(2));
                    semanticModule = m.group(3);
                } else if (in.find()) {
                    semanticLine = 0;
                    semanticColumn = 0;
                    semanticModule = in.group(1);
                } else if (line.equals("Unknown location")) {
                    // SANY gives no place (e.g. a missing EXTENDS module): blame the file being parsed
                    semanticLine = 0;
                    semanticColumn = 0;
                    semanticModule = null;
                } else {
                    mode = Mode.NORMAL;
                    break;
                }
                message = new StringBuilder();
                mode = Mode.SEMANTIC_MESSAGE;
                return;
            }
            case SEMANTIC_MESSAGE -> {
                if (line.isEmpty() && message.length() == 0) {
                    return;
                }
                if (!line.isEmpty()) {
                    appendMessage(line.strip());
                    return;
                }
                addSemanticError();
                mode = Mode.SEMANTIC_LOCATION;
                return;
            }
            case ERROR_MESSAGE -> {
                if (!line.isEmpty() && !endsMessage(line)) {
                    appendMessage(line.strip());
                    Matcher m = CFG_ERROR.matcher(line);
                    if (m.find()) {
                        cfgLine = Integer.parseInt(m.group(1));
                    }
                    return;
                }
                finishErrorMessage();
            }
            case ASSERT_MESSAGE -> {
                assertionMessage = line.strip();
                mode = Mode.NORMAL;
                return;
            }
            default -> {
            }
        }
        normalLine(line);
    }

    private void normalLine(String line) {
        Matcher m;
        if ((m = PARSING_FILE.matcher(line)).find()) {
            lastParsedFile = m.group(1);
            String base = Path.of(lastParsedFile).getFileName().toString();
            moduleFiles.put(base.substring(0, base.length() - ".tla".length()), lastParsedFile);
        } else if (line.startsWith("Running Random Simulation")) {
            simulation = true;
        } else if (line.equals("***Parse Error***")) {
            mode = Mode.PARSE_ERROR;
        } else if (line.startsWith("Lexical error")) {
            addLocatedError(line);
        } else if (line.startsWith("*** Errors:") || line.startsWith("*** Abort messages:")) {
            mode = Mode.SEMANTIC_LOCATION;
        } else if (line.startsWith("Error: ")) {
            errorLine(line.substring("Error: ".length()).strip());
        } else if ((m = FINAL_COUNTS.matcher(line)).find()) {
            statesGenerated = Progress.number(m.group(1));
            distinctStates = Progress.number(m.group(2));
        } else if ((m = SIM_COUNT.matcher(line)).find()) {
            statesGenerated = Progress.number(m.group(1));
        } else if ((m = DEPTH.matcher(line)).find()) {
            depth = Integer.parseInt(m.group(1));
        } else if (simulation) {
            Progress.parse(line).ifPresent(p -> statesGenerated = p.states());
        }
    }

    private void errorLine(String text) {
        Matcher m;
        if ((m = INVARIANT.matcher(text)).find()) {
            violatedInvariant = m.group(1);
        } else if ((m = PROPERTY.matcher(text)).find()) {
            violatedProperty = m.group(1);
        } else if (text.startsWith("Deadlock reached")) {
            deadlock = true;
        } else if (text.startsWith("Temporal properties were violated")) {
            temporalViolation = true;
        } else if (text.startsWith("The first argument of Assert evaluated to FALSE")) {
            mode = Mode.ASSERT_MESSAGE;
        } else if (text.startsWith("The behavior up to this point is")
                || text.startsWith("The following behavior constitutes a counter-example")) {
            trace.clear();
            stateIndex = null;
            blankInTrace = false;
            mode = Mode.TRACE;
        } else if (!text.startsWith("Parsing or semantic analysis failed")) {
            message = new StringBuilder(text);
            cfgLine = 0;
            Matcher c = CFG_ERROR.matcher(text);
            if (c.find()) {
                cfgLine = Integer.parseInt(c.group(1));
            }
            mode = Mode.ERROR_MESSAGE;
        }
    }

    private void finishErrorMessage() {
        String text = message.toString();
        int cfgAt = text.indexOf("TLC found an error in the configuration file");
        if (cfgAt > 0) {
            // drop TLC's generic "unexpected exception ... see the console" preamble
            text = text.substring(cfgAt);
        }
        errorMessages.add(text);
        if (cfgFile != null && (cfgLine > 0 || text.contains("configuration file"))) {
            specErrors.add(new SpecError(cfgFile.toString(), cfgLine, 0, text));
        }
        mode = Mode.NORMAL;
    }

    private boolean parseErrorLine(String line) {
        if (line.isEmpty()) {
            return true;
        }
        if (AT_LINE_COLUMN.matcher(line).find()) {
            addLocatedError(line.strip());
        }
        mode = Mode.NORMAL;
        return true;
    }

    private void addLocatedError(String text) {
        Matcher m = AT_LINE_COLUMN.matcher(text);
        if (m.find()) {
            String file = lastParsedFile == null ? "?" : lastParsedFile;
            specErrors.add(new SpecError(file, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), text));
        }
    }

    /** Handles a line in TRACE mode; false when the trace is over and the line must be read normally. */
    private boolean traceLine(String line) {
        Matcher m = STATE.matcher(line);
        if (m.find()) {
            finishState();
            startState(Integer.parseInt(m.group(1)), m.group(2).strip());
            return true;
        }
        if (line.startsWith("Back to state")) {
            finishState();
            startState(trace.size() + 1, line);
            return true;
        }
        if (line.isEmpty()) {
            finishState();
            blankInTrace = true;
            return true;
        }
        if (stateIndex != null) {
            Matcher v = VARIABLE.matcher(line);
            if (v.find() && (v.group(1) != null || (stateVars.isEmpty() && !stateStuttering && stateBackTo == 0))) {
                lastVar = v.group(2);
                stateVars.put(lastVar, v.group(3));
                return true;
            }
            if (lastVar != null && Character.isWhitespace(line.charAt(0))) {
                // TLC's pretty printer indents the continuation lines of a long value
                stateVars.put(lastVar, stateVars.get(lastVar) + "\n" + line);
                return true;
            }
        } else if (!blankInTrace && trace.isEmpty()) {
            return true;
        }
        finishState();
        mode = Mode.NORMAL;
        return false;
    }

    /** Lines that end a multi-line "Error:" message even without a blank line before them. */
    private static boolean endsMessage(String line) {
        return line.startsWith("Error:") || line.startsWith("Finished in ") || line.startsWith("Starting...")
                || line.startsWith("Progress") || STATE.matcher(line).find() || FINAL_COUNTS.matcher(line).find();
    }

    private void startState(int index, String header) {
        stateIndex = index;
        stateAction = null;
        stateLocation = null;
        stateStuttering = false;
        stateBackTo = 0;
        stateVars = new LinkedHashMap<>();
        lastVar = null;
        blankInTrace = false;
        String h = header;
        Matcher back = BACK_TO.matcher(h);
        if (back.find()) {
            stateBackTo = Integer.parseInt(back.group(1));
            h = back.group(2) == null ? "" : back.group(2).strip();
        }
        if (h.equals("Stuttering")) {
            stateStuttering = true;
            return;
        }
        Matcher a = ACTION.matcher(h);
        if (a.find()) {
            stateAction = a.group(1);
            stateLocation = a.group(2);
        } else if (!h.isEmpty()) {
            stateAction = h;
        }
    }

    private void finishState() {
        if (stateIndex != null) {
            trace.add(new TraceState(stateIndex, stateAction, stateLocation, stateVars, stateStuttering,
                    stateBackTo));
            stateIndex = null;
        }
    }

    private void appendMessage(String text) {
        if (message.length() > 0) {
            message.append(' ');
        }
        message.append(text);
    }

    private void addSemanticError() {
        String text = message.toString();
        boolean located = specErrors.stream().anyMatch(e -> e.line() > 0);
        if (located && text.startsWith("Could not parse module")) {
            return; // SANY's summary of a parse error already reported with its line and column
        }
        String file = semanticModule == null ? (lastParsedFile == null ? "?" : lastParsedFile)
                : fileOfModule(semanticModule);
        specErrors.add(new SpecError(file, semanticLine, semanticColumn, text));
    }

    private String fileOfModule(String module) {
        return moduleFiles.getOrDefault(module, module + ".tla");
    }

    /**
     * Everything read so far, as if the output ended here.
     *
     * @return the output parsed so far
     */
    public TlcOutput result() {
        if (mode == Mode.TRACE) {
            finishState();
        } else if (mode == Mode.ERROR_MESSAGE) {
            finishErrorMessage();
        } else if (mode == Mode.SEMANTIC_MESSAGE && message.length() > 0) {
            addSemanticError();
            mode = Mode.NORMAL;
        }
        return new TlcOutput(
                statesGenerated == null ? OptionalLong.empty() : OptionalLong.of(statesGenerated),
                distinctStates == null ? OptionalLong.empty() : OptionalLong.of(distinctStates),
                depth == null ? OptionalInt.empty() : OptionalInt.of(depth),
                violatedInvariant, violatedProperty, temporalViolation, deadlock, assertionMessage,
                trace, new ArrayList<>(specErrors), errorMessages, simulation);
    }
}
