package org.allocbench.alloc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.allocbench.alloc.AllocatorFactory.Availability;
import org.allocbench.alloc.MallocFamilyAllocator.Library;
import org.allocbench.nativecore.Downcalls;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.nativecore.OptionalRoot;

/**
 * The native peer allocators the suite compares against: glibc malloc,
 * jemalloc, mimalloc (malloc API and heap API) and tcmalloc, each with whether
 * it can run here and, if not, exactly what is missing.
 *
 * <p>Each built-in library is probed once, on first need (one holder class
 * per library, so asking about mimalloc does not load jemalloc), and a probe
 * never throws: a library that cannot be loaded or linked becomes an
 * unavailable factory whose reason names the fix. Libraries are loaded with
 * {@link SymbolLookup#libraryLookup(String, Arena)} ({@code dlopen} with
 * {@code RTLD_LOCAL}) into the global arena (never unloaded: blocks may
 * outlive any instance) and their symbols are looked up in that library's own
 * lookup, so jemalloc's {@code malloc} is jemalloc's and the process's malloc
 * stays glibc's.
 *
 * <p><b>jemalloc and static TLS.</b> libjemalloc.so.2 is built with the
 * initial-exec TLS model (its {@code FLAGS} carry {@code STATIC_TLS}) and
 * needs 2632 bytes of static TLS; a library {@code dlopen}ed after start can
 * only take static TLS from glibc's surplus, 512 bytes by default, so the
 * {@code dlopen} fails with "cannot allocate memory in static TLS block"
 * unless the JVM was started with {@value #STATIC_TLS_TUNABLE} in
 * {@code GLIBC_TUNABLES}. mimalloc (9 bytes) and tcmalloc (88 bytes) fit.
 * When a load fails, the probe repeats the {@code dlopen} itself to read
 * {@code dlerror()} and tell a missing file from the TLS limit from anything else.
 *
 * <p><b>Optional packages.</b> jemalloc, mimalloc and tcmalloc come from
 * optional Debian packages; with {@link OptionalRoot#VARIABLE} set they are
 * looked for only under that directory (and {@code dlopen}ed by the path found
 * there), so a test run can prove that everything works without them. glibc
 * and any other library description are loaded as given.
 */
public final class NativePeers {

    /** The glibc tunable jemalloc needs in {@code GLIBC_TUNABLES} at JVM start. */
    public static final String STATIC_TLS_TUNABLE = GlibcMalloc.STATIC_TLS_TUNABLE;

    /** Where Debian (and a local build) put shared libraries: where {@link #installed} looks. */
    private static final List<Path> LIBRARY_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/local/lib"), Path.of("/usr/lib"));

    /** The libraries of optional Debian packages: what {@link OptionalRoot} can hide. */
    private static final List<Library> OPTIONAL = List.of(Library.JEMALLOC, Library.MIMALLOC, Library.TCMALLOC);

    private static final int RTLD_NOW = 2; // RTLD_LOCAL is 0

    private NativePeers() {
    }

    /** What a successful probe of a malloc-family library yields: its lookup, linked handles, version. */
    record Loaded(Library library, SymbolLookup lookup, MethodHandle malloc, MethodHandle calloc,
            MethodHandle realloc, MethodHandle free, String version) {
    }

    /** mimalloc's heap API, linked. */
    record HeapBindings(MethodHandle heapNew, MethodHandle heapMalloc, MethodHandle heapZalloc,
            MethodHandle heapRealloc, MethodHandle heapDestroy, MethodHandle free, String version) {
    }

    private record Probe<T>(Availability availability, T bound) {

        static <T> Probe<T> missing(String reason) {
            return new Probe<>(Availability.missing(reason), null);
        }
    }

    // --- public surface --------------------------------------------------------------------------

    /**
     * Whether a library's file is installed, without loading it (a C child preloads it; this JVM need not be
     * able to dlopen it): its path, or empty. The C library is always there.
     */
    public static Optional<Path> installed(Library library) {
        if (library.library() == null) {
            return Optional.of(Path.of("libc.so.6"));
        }
        return libraryDirs(library).stream().map(d -> d.resolve(library.library())).filter(Files::exists)
                .findFirst();
    }

    /** Why a library cannot be preloaded into a C child: what to install; null if it can. */
    public static String notInstalledReason(Library library) {
        return installed(library).isPresent() ? null
                : library.library() + " not found in " + libraryDirs(library) + optionalRootNote(library)
                        + ": install Debian package " + library.debianPackage();
    }

    private static List<Path> libraryDirs(Library library) {
        return OPTIONAL.contains(library) ? LIBRARY_DIRS.stream().map(OptionalRoot::resolve).toList() : LIBRARY_DIRS;
    }

    private static String optionalRootNote(Library library) {
        return OPTIONAL.contains(library) ? OptionalRoot.note() : "";
    }

    /** glibc, jemalloc, mimalloc, mimalloc-heap, tcmalloc, in that order; probes each (once per JVM). */
    public static List<AllocatorFactory> factories() {
        return List.of(factory(Library.GLIBC), factory(Library.JEMALLOC), factory(Library.MIMALLOC),
                mimallocHeapFactory(), factory(Library.TCMALLOC));
    }

    /**
     * The factory of a malloc-family allocator over {@code library}. The built-in
     * libraries are probed once per JVM; any other description is probed on each
     * call (keep the factory).
     */
    public static AllocatorFactory factory(Library library) {
        Probe<Loaded> probe = probe(library);
        String description = library.name() + " malloc/calloc/realloc/free from " + library.displayLibrary()
                + "; context emulated by tracking live pointers";
        Loaded loaded = probe.bound();
        return new AllocatorFactory(library.name(), description, probe.availability(),
                () -> new MallocFamilyAllocator(loaded));
    }

    /** The factory of {@link MimallocHeapAllocator}. */
    public static AllocatorFactory mimallocHeapFactory() {
        return new AllocatorFactory(MimallocHeapAllocator.NAME,
                "mimalloc heap API (mi_heap_new/mi_heap_malloc/mi_heap_destroy): a true bulk-release context",
                MimallocHeapProbe.PROBE.availability(), MimallocHeapAllocator::new);
    }

    /** Whether {@code library} can be loaded and linked here, and if not, why. */
    public static Availability availability(Library library) {
        return probe(library).availability();
    }

    // --- for the allocators ----------------------------------------------------------------------

    /** The loaded library; throws {@link IllegalStateException} with the reason if it is unavailable. */
    static Loaded require(Library library) {
        return require(library.name(), probe(library));
    }

    static HeapBindings requireMimallocHeap() {
        return require(MimallocHeapAllocator.NAME, MimallocHeapProbe.PROBE);
    }

    private static <T> T require(String name, Probe<T> probe) {
        if (!probe.availability().available()) {
            throw new IllegalStateException("allocator " + name + " is unavailable: " + probe.availability().reason());
        }
        return probe.bound();
    }

    // --- probing ---------------------------------------------------------------------------------

    private static Probe<Loaded> probe(Library library) {
        if (library.equals(Library.GLIBC)) {
            return GlibcProbe.PROBE;
        }
        if (library.equals(Library.JEMALLOC)) {
            return JemallocProbe.PROBE;
        }
        if (library.equals(Library.MIMALLOC)) {
            return MimallocProbe.PROBE;
        }
        if (library.equals(Library.TCMALLOC)) {
            return TcmallocProbe.PROBE;
        }
        return load(library);
    }

    private static final class GlibcProbe {
        static final Probe<Loaded> PROBE = load(Library.GLIBC);
    }

    private static final class JemallocProbe {
        static final Probe<Loaded> PROBE = load(Library.JEMALLOC);
    }

    private static final class MimallocProbe {
        static final Probe<Loaded> PROBE = load(Library.MIMALLOC);
    }

    private static final class TcmallocProbe {
        static final Probe<Loaded> PROBE = load(Library.TCMALLOC);
    }

    private static final class MimallocHeapProbe {
        static final Probe<HeapBindings> PROBE = loadMimallocHeap();
    }

    /** Loads, links and asks the version; never throws. */
    private static Probe<Loaded> load(Library library) {
        SymbolLookup lookup;
        String file = library.library();
        if (file != null && OPTIONAL.contains(library) && OptionalRoot.directory().isPresent()) {
            // under the optional root the dynamic linker's search would find the system's copy: dlopen what is there
            Optional<Path> there = installed(library);
            if (there.isEmpty()) {
                return Probe.missing(notInstalledReason(library));
            }
            file = there.get().toString();
        }
        try {
            lookup = file == null ? Downcalls.libc() : SymbolLookup.libraryLookup(file, Arena.global());
        } catch (Throwable t) {
            return Probe.missing(whyNotLoaded(library, t));
        }
        try {
            String where = library.displayLibrary();
            MethodHandle malloc = Downcalls.link(lookup, where, library.malloc(),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), true);
            MethodHandle calloc = Downcalls.link(lookup, where, library.calloc(),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
            MethodHandle realloc = Downcalls.link(lookup, where, library.realloc(),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
            MethodHandle free = Downcalls.link(lookup, where, library.free(),
                    FunctionDescriptor.ofVoid(JAVA_LONG), true);
            String version = library.name() + " " + versionOf(library, lookup) + " ("
                    + fileOf(lookup, library.malloc()).orElse(where) + ")";
            return new Probe<>(Availability.YES, new Loaded(library, lookup, malloc, calloc, realloc, free, version));
        } catch (Throwable t) {
            return Probe.missing(library.name() + ": " + library.displayLibrary() + " loaded but not usable: " + t);
        }
    }

    private static Probe<HeapBindings> loadMimallocHeap() {
        Probe<Loaded> mimalloc = MimallocProbe.PROBE;
        if (!mimalloc.availability().available()) {
            return Probe.missing(mimalloc.availability().reason());
        }
        try {
            SymbolLookup lookup = mimalloc.bound().lookup();
            String where = Library.MIMALLOC.library();
            MethodHandle heapNew = Downcalls.link(lookup, where, "mi_heap_new", FunctionDescriptor.of(JAVA_LONG), true);
            MethodHandle heapMalloc = Downcalls.link(lookup, where, "mi_heap_malloc",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
            MethodHandle heapZalloc = Downcalls.link(lookup, where, "mi_heap_zalloc",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
            MethodHandle heapRealloc = Downcalls.link(lookup, where, "mi_heap_realloc",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
            MethodHandle heapDestroy = Downcalls.link(lookup, where, "mi_heap_destroy",
                    FunctionDescriptor.ofVoid(JAVA_LONG), true);
            MethodHandle free = Downcalls.link(lookup, where, "mi_free", FunctionDescriptor.ofVoid(JAVA_LONG), true);
            String version = mimalloc.bound().version() + ", heap API";
            return new Probe<>(Availability.YES,
                    new HeapBindings(heapNew, heapMalloc, heapZalloc, heapRealloc, heapDestroy, free, version));
        } catch (Throwable t) {
            return Probe.missing(MimallocHeapAllocator.NAME + ": " + Library.MIMALLOC.library()
                    + " loaded but its heap API is not usable: " + t);
        }
    }

    /** Why {@code dlopen} failed, worded as what to do about it. */
    static String whyNotLoaded(Library library, Throwable failure) {
        String file = library.library();
        if (file == null) {
            return "cannot look up symbols in the C library: " + failure;
        }
        String dlerror = dlopenError(file);
        if (dlerror == null) { // dlopen could not be asked; judge by the file alone
            if (file.contains("/") && !Files.exists(Path.of(file))) {
                return notFound(library);
            }
            return "cannot load " + file + ": " + failure.getMessage();
        }
        if (dlerror.contains("static TLS")) {
            String current = System.getenv("GLIBC_TUNABLES");
            return library.name() + " needs GLIBC_TUNABLES=" + STATIC_TLS_TUNABLE
                    + " in the environment at JVM start (scripts/allocbench sets it)"
                    + (current == null ? "" : "; GLIBC_TUNABLES here is \"" + current + "\"");
        }
        // "FILE: cannot open shared object file" names the library itself when it is missing,
        // and a dependency when that is what is missing.
        if (dlerror.startsWith(file + ":") && dlerror.contains("cannot open shared object file")) {
            return notFound(library);
        }
        return "cannot load " + file + ": " + dlerror;
    }

    private static String notFound(Library library) {
        return library.library() + " not found"
                + (library.debianPackage() == null ? "" : ": install Debian package " + library.debianPackage());
    }

    /** dlopen(file) once more to read dlerror(); null when there was no error to read (or no way to ask). */
    private static String dlopenError(String file) {
        try {
            SymbolLookup libc = Downcalls.libc();
            MethodHandle dlopen = Downcalls.link(libc, "the C library", "dlopen",
                    FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT), false);
            MethodHandle dlerror = Downcalls.link(libc, "the C library", "dlerror", FunctionDescriptor.of(ADDRESS),
                    false);
            MethodHandle dlclose = Downcalls.link(libc, "the C library", "dlclose",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG), false);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment stale = (MemorySegment) dlerror.invokeExact(); // clears an older message
                long handle = (long) dlopen.invokeExact(arena.allocateFrom(file), RTLD_NOW);
                if (handle != 0) {
                    int ignored = (int) dlclose.invokeExact(handle);
                    return null;
                }
                return cString((MemorySegment) dlerror.invokeExact());
            }
        } catch (Throwable t) {
            return null;
        }
    }

    // --- versions ----------------------------------------------------------------------------------

    private static String versionOf(Library library, SymbolLookup lookup) {
        try {
            String version = switch (library.versionQuery()) {
                case GNU_GET_LIBC_VERSION -> {
                    MethodHandle get = Downcalls.link(lookup, library.displayLibrary(), "gnu_get_libc_version",
                            FunctionDescriptor.of(ADDRESS), false);
                    yield cString((MemorySegment) get.invokeExact());
                }
                case JEMALLOC_MALLCTL -> jemallocVersion(library, lookup);
                case MI_VERSION -> {
                    MethodHandle get = Downcalls.link(lookup, library.displayLibrary(), "mi_version",
                            FunctionDescriptor.of(JAVA_INT), false);
                    int v = (int) get.invokeExact();
                    yield (v / 100) + "." + (v / 10 % 10) + "." + (v % 10);
                }
                case TC_VERSION -> {
                    MethodHandle get = Downcalls.link(lookup, library.displayLibrary(), "tc_version",
                            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS), false);
                    try (Arena arena = Arena.ofConfined()) {
                        yield cString((MemorySegment) get.invokeExact(arena.allocate(JAVA_INT),
                                arena.allocate(JAVA_INT), arena.allocate(ADDRESS))); // "gperftools 2.10"
                    }
                }
                case NONE -> null;
            };
            return version != null ? version : "(version unavailable)";
        } catch (Throwable t) {
            return "(version unavailable: " + t.getMessage() + ")";
        }
    }

    /** mallctl("version"), else the Debian package's version, else "5.x (version unavailable)". */
    private static String jemallocVersion(Library library, SymbolLookup lookup) {
        try {
            MethodHandle mallctl = Downcalls.link(lookup, library.displayLibrary(), "mallctl",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG), false);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(ADDRESS);
                MemorySegment length = arena.allocate(JAVA_LONG);
                length.set(JAVA_LONG, 0, ADDRESS.byteSize());
                int rc = (int) mallctl.invokeExact(arena.allocateFrom("version"), value, length, MemorySegment.NULL,
                        0L);
                String version = rc == 0 ? cString(value.get(ADDRESS, 0)) : null;
                if (version != null) {
                    return version;
                }
            }
        } catch (Throwable ignored) {
            // fall back to the package version
        }
        return debianPackageVersion(library.debianPackage()).map(v -> v + " (Debian package " + library.debianPackage()
                + ")").orElse("5.x (version unavailable)");
    }

    /** The installed version of a Debian package, from /var/lib/dpkg/status. */
    static Optional<String> debianPackageVersion(String pkg) {
        if (pkg == null) {
            return Optional.empty();
        }
        try {
            boolean inPackage = false;
            for (String line : Files.readAllLines(Path.of("/var/lib/dpkg/status"))) {
                if (line.startsWith("Package: ")) {
                    inPackage = line.substring(9).trim().equals(pkg);
                } else if (inPackage && line.startsWith("Version: ")) {
                    return Optional.of(line.substring(9).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Debian, or unreadable
        }
        return Optional.empty();
    }

    /** The file that defines {@code symbol} in {@code lookup} (dladdr), for the version line. */
    private static Optional<String> fileOf(SymbolLookup lookup, String symbol) {
        try {
            MemorySegment address = lookup.find(symbol).orElseThrow();
            MethodHandle dladdr = Downcalls.link(Downcalls.libc(), "the C library", "dladdr",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment info = arena.allocate(4 * ADDRESS.byteSize(), ADDRESS.byteAlignment()); // Dl_info
                int found = (int) dladdr.invokeExact(address, info);
                return found != 0 ? Optional.ofNullable(cString(info.get(ADDRESS, 0))) : Optional.empty();
            }
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    private static String cString(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? null : pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
