package org.blockgraph.checker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Test helper: the fixture spec folders and captured TLC outputs under src/test/resources. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A test resource as a path (resources are unpacked in target/test-classes). */
    public static Path resource(String name) {
        URL url = Fixtures.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fixture spec folder ({@code models} or {@code broken}). */
    public static Path specDir(String fixture) {
        return resource("fixtures/" + fixture);
    }

    /** A captured TLC output ({@code tlc-output/NAME.out}) as text. */
    public static String tlcOutput(String name) {
        try {
            return Files.readString(resource("tlc-output/" + name + ".out"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a fixture spec folder in {@code into}, for tests that change it. */
    public static Path copy(String fixture, Path into) {
        Path from = specDir(fixture);
        Path to = into.resolve(fixture);
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    /** Replaces the one occurrence of {@code from} in a file; fails if it does not occur exactly once. */
    public static void edit(Path file, String from, String to) {
        try {
            String text = Files.readString(file);
            int at = text.indexOf(from);
            if (at < 0 || text.indexOf(from, at + 1) >= 0) {
                throw new IllegalArgumentException("\"" + from + "\" does not occur exactly once in " + file);
            }
            Files.writeString(file, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: the system property {@code blockgraph.root}, else searched upward from here. */
    public static Path repoRoot() {
        String prop = System.getProperty("blockgraph.root");
        if (prop != null && !prop.isBlank() && Files.isRegularFile(Path.of(prop, "spec", "manifest.json"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("spec").resolve("manifest.json"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (spec/manifest.json)");
    }
}
