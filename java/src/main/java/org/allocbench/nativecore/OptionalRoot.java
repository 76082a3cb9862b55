package org.allocbench.nativecore;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the suite looks for the optional Debian packages it can use but does
 * not need: the peer allocators' libraries (libjemalloc2, libmimalloc2.0,
 * libtcmalloc-minimal4) and PostgreSQL 15 (postgresql-15,
 * postgresql-server-dev-15). Normally under {@code /}; the environment
 * variable {@value #VARIABLE} names a directory that stands in for {@code /}
 * in those lookups, and only in those.
 *
 * <p><b>Why it exists.</b> The README promises that on a fresh machine,
 * without those packages, {@code ./mvnw -B verify} passes, each test that
 * needs one skipped with the package to install. CI machines have them all
 * (the suite compares against them), so a test that started to need one
 * would fail only on the machines of the people the promise is for. With
 * this variable set to an empty directory, every optional package is missing
 * on a machine that has them all, so CI proves the promise on every run
 * ({@code .ci/run}'s second pass). That is its one use: a directory holding
 * some of the files is not a supported way to install them.
 *
 * <p>An environment variable, not a system property, because every process
 * the suite starts inherits it: surefire's and failsafe's test JVMs, the
 * child JVMs and runner processes the tests start, JMH's forks.
 */
public final class OptionalRoot {

    /** The environment variable; unset or empty means {@code /}. */
    public static final String VARIABLE = "ALLOCBENCH_OPTIONAL_ROOT";

    private static final Path ROOT = fromEnvironment(System.getenv(VARIABLE));

    private OptionalRoot() {
    }

    /** The directory that stands in for {@code /}, if the variable is set. */
    public static Optional<Path> directory() {
        return Optional.ofNullable(ROOT);
    }

    /** Where to look for {@code absolute} (a path under {@code /}): itself, or the same path under the directory. */
    public static Path resolve(Path absolute) {
        return resolve(ROOT, absolute);
    }

    /** {@code " (looked under ALLOCBENCH_OPTIONAL_ROOT=DIR)"} when the variable is set, for messages; else empty. */
    public static String note() {
        return ROOT == null ? "" : " (looked under " + VARIABLE + "=" + ROOT + ")";
    }

    static Path fromEnvironment(String value) {
        return value == null || value.isBlank() ? null : Path.of(value).toAbsolutePath().normalize();
    }

    static Path resolve(Path root, Path absolute) {
        if (!absolute.isAbsolute()) {
            throw new IllegalArgumentException(absolute + " is not an absolute path");
        }
        return root == null ? absolute : root.resolve(absolute.getRoot().relativize(absolute));
    }
}
