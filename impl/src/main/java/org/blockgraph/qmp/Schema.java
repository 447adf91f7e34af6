package org.blockgraph.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * QAPI argument validation in the order QEMU's QObject input visitor applies it: members are visited in schema
 * order (a missing mandatory member or a wrong type stops there), and only then are members nobody visited
 * reported as unexpected. Names of nested members are full paths ({@code file.size}, {@code inject-error[0].event}).
 * Validation happens before any command runs, so a refused command changes nothing.
 */
final class Schema {
    private Schema() {
    }

    /** A member type. */
    sealed interface Type permits Scalar, EnumType, Struct, ListOf, Alternate {
    }

    /** {@code str}, {@code int}, {@code bool}. */
    enum Scalar implements Type {
        STR("string"), INT("integer"), BOOL("boolean");

        final String expected;

        Scalar(String expected) {
            this.expected = expected;
        }
    }

    /** A QAPI enum: a string with a fixed set of values. */
    record EnumType(Set<String> values) implements Type {
    }

    /** A struct with fixed members. */
    record Struct(List<Field> fields) implements Type {
    }

    /** A list. */
    record ListOf(Type element) implements Type {
    }

    /**
     * An alternate of a string (a node name) and an object ({@code BlockdevRef}, or with {@code nullable}
     * {@code BlockdevRefOrNull}); the object branch is checked by {@code objectCheck}.
     */
    record Alternate(String name, boolean nullable, StructCheck objectCheck) implements Type {
    }

    /** A struct member. */
    record Field(String name, Type type, boolean optional) {
    }

    /** Checks an object against a schema chosen by its content (flat unions such as BlockdevOptions). */
    interface StructCheck {
        void check(ObjectNode obj, String path);
    }

    static Field req(String name, Type t) {
        return new Field(name, t, false);
    }

    static Field opt(String name, Type t) {
        return new Field(name, t, true);
    }

    static String join(String path, String name) {
        return path == null || path.isEmpty() ? name : path + "." + name;
    }

    /** Checks {@code obj} against {@code fields}, then refuses members the schema does not know. */
    static void checkStruct(ObjectNode obj, List<Field> fields, String path) {
        checkMembers(obj, fields, path);
        Set<String> known = new HashSet<>();
        for (Field f : fields) {
            known.add(f.name());
        }
        checkUnexpected(obj, known, path);
    }

    /** Checks the members in order, without the unexpected-member pass (for flat unions checked in parts). */
    static void checkMembers(ObjectNode obj, List<Field> fields, String path) {
        for (Field f : fields) {
            JsonNode v = obj.get(f.name());
            String name = join(path, f.name());
            if (v == null) {
                if (!f.optional()) {
                    throw QmpError.generic("Parameter '" + name + "' is missing");
                }
                continue;
            }
            checkValue(v, f.type(), name);
        }
    }

    static void checkUnexpected(ObjectNode obj, Set<String> known, String path) {
        Iterator<String> it = obj.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!known.contains(k)) {
                throw QmpError.generic("Parameter '" + join(path, k) + "' is unexpected");
            }
        }
    }

    static void checkValue(JsonNode v, Type type, String name) {
        if (type instanceof Scalar s) {
            boolean ok = switch (s) {
                case STR -> v.isTextual();
                case INT -> v.isIntegralNumber() && v.canConvertToLong();
                case BOOL -> v.isBoolean();
            };
            if (!ok) {
                throw invalidType(name, s.expected);
            }
        } else if (type instanceof EnumType e) {
            if (!v.isTextual()) {
                throw invalidType(name, "string");
            }
            if (!e.values().contains(v.asText())) {
                // QEMU's enum visitor names the bare member (not its path), and "null" for a list element.
                String bare = name.endsWith("]") ? "null" : name.substring(name.lastIndexOf('.') + 1);
                throw QmpError.generic("Parameter '" + bare + "' does not accept value '" + v.asText() + "'");
            }
        } else if (type instanceof Struct st) {
            if (!v.isObject()) {
                throw invalidType(name, "object");
            }
            checkStruct((ObjectNode) v, st.fields(), name);
        } else if (type instanceof ListOf l) {
            if (!v.isArray()) {
                throw invalidType(name, "array");
            }
            for (int i = 0; i < v.size(); i++) {
                checkValue(v.get(i), l.element(), name + "[" + i + "]");
            }
        } else if (type instanceof Alternate a) {
            if (v.isTextual()) {
                return;
            }
            if (v.isNull() && a.nullable()) {
                return;
            }
            if (v.isObject()) {
                a.objectCheck().check((ObjectNode) v, name);
                return;
            }
            // QEMU names the bare member here, not the full path.
            int dot = name.lastIndexOf('.');
            throw invalidType(dot < 0 ? name : name.substring(dot + 1), a.name());
        }
    }

    static QmpError invalidType(String name, String expected) {
        return QmpError.generic("Invalid parameter type for '" + name + "', expected: " + expected);
    }
}
