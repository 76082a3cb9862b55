package org.allocbench.nativecore;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds and loads {@code liballocbench.so}.
 *
 * <p>The library travels inside the jar under {@code native/linux-x86_64/}. It
 * is copied to a fresh temporary file per JVM, loaded, and the file is removed
 * at once (the mapping stays valid on Linux), so any number of JVMs running the
 * same or different builds side by side never see each other's copy, and
 * nothing is left behind. The system property {@code allocbench.native.lib}
 * names another library file to load instead (a variant, a debug build).
 */
public final class NativeLibrary {

    /** System property naming a library file to load instead of the bundled one. */
    public static final String PATH_PROPERTY = "allocbench.native.lib";
    static final String RESOURCE = "/native/linux-x86_64/liballocbench.so";

    private static final SymbolLookup LOOKUP = load();
    private static final java.util.Map<String, SymbolLookup> VARIANTS = new java.util.concurrent.ConcurrentHashMap<>();

    private NativeLibrary() {
    }

    /** The loaded library's symbols (loaded once, for the life of the JVM). */
    public static SymbolLookup lookup() {
        return LOOKUP;
    }

    /**
     * A variant of the library ({@code liballocbench-NAME.so}, e.g. "pg15":
     * PostgreSQL 15's chunk layout), loaded once, side by side with the main
     * one: its own symbols, its own error slot, its own contexts.
     */
    public static SymbolLookup variant(String name) {
        return VARIANTS.computeIfAbsent(name, NativeLibrary::loadVariant);
    }

    private static SymbolLookup loadVariant(String name) {
        checkPlatform();
        return openBundled("/native/linux-x86_64/liballocbench-" + name + ".so");
    }

    private static SymbolLookup load() {
        checkPlatform();
        String override = System.getProperty(PATH_PROPERTY);
        if (override != null) {
            Path path = Path.of(override);
            if (!Files.isReadable(path)) {
                throw new UnsatisfiedLinkError(PATH_PROPERTY + "=" + override + ": no readable file there");
            }
            return open(path);
        }
        return openBundled(RESOURCE);
    }

    /** Extracts a library from the jar to a temp file, loads it, and removes the file at once. */
    private static SymbolLookup openBundled(String resource) {
        Path copy = extract(resource);
        try {
            return open(copy);
        } finally {
            try {
                Files.deleteIfExists(copy);
            } catch (IOException ignored) {
                // a temp file left in /tmp is harmless; the library is loaded either way
            }
        }
    }

    private static void checkPlatform() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT);
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsatisfiedLinkError("allocbench's native core is built for Linux x86_64 only; this JVM runs on "
                    + os + " " + arch);
        }
    }

    private static Path extract(String resource) {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError(resource.substring(resource.lastIndexOf('/') + 1)
                        + " is not on the class path (expected resource " + resource
                        + "); build with ./mvnw package, which runs make in native/");
            }
            Path copy = Files.createTempFile("liballocbench-", ".so");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError(
                    "cannot extract " + resource + " to " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage())
                    .initCause(e);
        }
    }

    private static SymbolLookup open(Path path) {
        try {
            return SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError("cannot load " + path + ": " + e.getMessage()
                    + " (if the temporary directory is mounted noexec, start the JVM with -Djava.io.tmpdir=DIR or -D"
                    + PATH_PROPERTY + "=PATH)").initCause(e);
        } catch (IllegalCallerException e) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError(
                    "native access is disabled: start the JVM with --enable-native-access=ALL-UNNAMED")
                    .initCause(e);
        }
    }
}
