package org.allocbench.alloc;

import java.util.Objects;
import org.allocbench.nativecore.Downcalls;

/**
 * A malloc-family allocator (glibc, jemalloc, mimalloc, tcmalloc, or any
 * library described by a {@link Library}) driven through FFM: alloc is
 * {@code malloc}, allocZeroed {@code calloc(1, size)}, resize
 * {@code realloc}, free {@code free}. Handles are the pointers themselves.
 *
 * <p><b>No context of its own.</b> malloc has no bulk release
 * ({@link Capabilities#bulkReset()} is false), and the raw instance tracks
 * nothing: each operation is one downcall and a NULL check. Whoever replays a
 * trace frees what is live on reset and at the end (the replay loop does, for
 * every allocator alike); a hash-set insert and remove per operation here,
 * which the AllocSet is spared, once cost more than a whole AllocSet op.
 * {@link Allocator#checked()} tracks the live set, rejects foreign, freed and
 * stale pointers before they reach native code, and frees everything on
 * reset and close.
 *
 * <p><b>Sizes.</b> {@code malloc(0)} may return NULL or a unique pointer; a
 * request of 0 bytes is passed on as 1 byte, so every live handle is unique and
 * non-null. A negative size is an {@link IllegalArgumentException}; NULL for a
 * positive size is an {@link OutOfMemoryError} naming the allocator and size.
 *
 * <p><b>Stats.</b> {@link #stats()} is {@link AllocatorStats#UNKNOWN}: these
 * allocators are process-wide (shared with every other caller of the library
 * in this JVM), so per-context figures do not exist, and the process-wide ones
 * would not describe this instance.
 *
 * <p><b>Alignment.</b> glibc aligns every block to 16 bytes; jemalloc,
 * mimalloc and tcmalloc have an 8-byte size class whose blocks (requests of
 * 0..8 bytes) are only 8-aligned, 16 from 9 bytes up. {@link Capabilities#alignment()}
 * says the guaranteed figure per library ({@link Library#alignment()}).
 *
 * <p><b>Binding.</b> Downcall handles are only constants to the JIT when read
 * from {@code static final} fields (or from a record held in one: HotSpot
 * trusts record fields as final); read from an instance's fields they cost
 * ~3 ns more per call (measured here, alloc+free pair of 64 bytes through this
 * class: glibc 15.3 vs 21.2 ns, tcmalloc 11.7 vs 16.4 ns). So the
 * four built-in libraries each have a holder class with its handles in a
 * {@code static final} record, and every native call is a {@code switch} on the instance's
 * (final) library slot: in a run that uses one library the JIT's profile
 * prunes the other cases, in a run that mixes them it is a predictable branch,
 * never a megamorphic call. A library that is not built in goes through the
 * instance's handles (the slower path), which keeps the class usable for any
 * malloc-compatible library. Holders initialise (load and link) only when
 * their case first runs. Linked with {@code critical(false)}: malloc, calloc,
 * realloc and free are short and never call back into Java.
 *
 * <p>Not thread-safe, like every {@link Allocator}; the libraries themselves
 * are, so several instances on several threads are fine.
 */
public final class MallocFamilyAllocator extends AbstractAllocator {

    /** How a library tells its version. */
    public enum VersionQuery {
        /** {@code const char *gnu_get_libc_version(void)}. */
        GNU_GET_LIBC_VERSION,
        /** {@code mallctl("version", &ptr, &len, NULL, 0)}, else the Debian package version. */
        JEMALLOC_MALLCTL,
        /** {@code int mi_version(void)}, e.g. 209 for 2.0.9. */
        MI_VERSION,
        /** {@code const char *tc_version(int *major, int *minor, const char **patch)}. */
        TC_VERSION,
        /** No way to ask: the version is the library path. */
        NONE
    }

    /**
     * One malloc-compatible library.
     *
     * @param name          the allocator's name in results and on the command line
     * @param library       what to {@code dlopen} (a soname or a path); null for the C library already loaded
     * @param debianPackage the package that provides it, named when it is missing
     * @param malloc        the symbol of {@code void *malloc(size_t)}
     * @param calloc        the symbol of {@code void *calloc(size_t, size_t)}
     * @param realloc       the symbol of {@code void *realloc(void *, size_t)}
     * @param free          the symbol of {@code void free(void *)}
     * @param versionQuery  how to ask its version
     * @param alignment     the alignment of every block, whatever its size
     */
    public record Library(String name, String library, String debianPackage, String malloc, String calloc,
            String realloc, String free, VersionQuery versionQuery, long alignment) {

        /** glibc's malloc, the process's own. */
        public static final Library GLIBC = new Library("glibc", null, "libc6", "malloc", "calloc", "realloc",
                "free", VersionQuery.GNU_GET_LIBC_VERSION, 16);
        /** jemalloc 5 (Debian libjemalloc2): exports the plain names, no {@code je_} prefix. */
        public static final Library JEMALLOC = new Library("jemalloc", "libjemalloc.so.2", "libjemalloc2", "malloc",
                "calloc", "realloc", "free", VersionQuery.JEMALLOC_MALLCTL, 8);
        /** mimalloc 2 (Debian libmimalloc2.0); {@code mi_*} are the same functions as its plain names. */
        public static final Library MIMALLOC = new Library("mimalloc", "libmimalloc.so.2", "libmimalloc2.0",
                "mi_malloc", "mi_calloc", "mi_realloc", "mi_free", VersionQuery.MI_VERSION, 8);
        /** gperftools' tcmalloc_minimal (Debian libtcmalloc-minimal4); {@code tc_*} alias its plain names. */
        public static final Library TCMALLOC = new Library("tcmalloc", "libtcmalloc_minimal.so.4",
                "libtcmalloc-minimal4", "tc_malloc", "tc_calloc", "tc_realloc", "tc_free", VersionQuery.TC_VERSION, 8);

        public Library {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(malloc, "malloc");
            Objects.requireNonNull(calloc, "calloc");
            Objects.requireNonNull(realloc, "realloc");
            Objects.requireNonNull(free, "free");
            Objects.requireNonNull(versionQuery, "versionQuery");
            if (alignment <= 0 || Long.bitCount(alignment) != 1) {
                throw new IllegalArgumentException("alignment " + alignment + " is not a power of two");
            }
        }

        /** What to name in messages: the soname or path, or "the C library". */
        public String displayLibrary() {
            return library == null ? "the C library" : library;
        }
    }

    private static final int GENERIC = 0;
    private static final int GLIBC = 1;
    private static final int JEMALLOC = 2;
    private static final int MIMALLOC = 3;
    private static final int TCMALLOC = 4;

    private final NativePeers.Loaded loaded;
    private final int slot;

    /** An instance over a loaded library; see {@link NativePeers#factory(Library)}. */
    MallocFamilyAllocator(NativePeers.Loaded loaded) {
        super(loaded.library().name(), capabilities(loaded.library()));
        this.loaded = loaded;
        Library library = loaded.library();
        this.slot = library.equals(Library.GLIBC) ? GLIBC
                : library.equals(Library.JEMALLOC) ? JEMALLOC
                : library.equals(Library.MIMALLOC) ? MIMALLOC
                : library.equals(Library.TCMALLOC) ? TCMALLOC
                : GENERIC;
    }

    private static Capabilities capabilities(Library library) {
        return new Capabilities(true, true, false, false, library.alignment(),
                "no bulk release: the replay frees each live chunk on reset and at the end, timed"
                        + (library.alignment() < 16 ? "; blocks of 8 bytes or less are only 8-byte aligned" : ""),
                false, Capabilities.Sharing.CONCURRENT); // malloc is thread-safe, and an instance holds nothing
    }

    @Override
    public String version() {
        return loaded.version();
    }

    /** The description this instance was made from. */
    public Library library() {
        return loaded.library();
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        return orOutOfMemory(mallocNative(mallocRequest(size)), size);
    }

    @Override
    public long allocZeroed(long size) {
        ensureOpen();
        return orOutOfMemory(callocNative(mallocRequest(size)), size);
    }

    /** On NULL the old block is untouched and still live. */
    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        return orOutOfMemory(reallocNative(handle, mallocRequest(newSize)), newSize);
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        freeNative(handle);
    }

    @Override
    public long address(long handle) {
        ensureOpen();
        return handle;
    }

    /** Nothing: malloc has no bulk release (the caller frees its live pointers; see the class comment). */
    @Override
    protected void releaseAll() {
    }

    /** Nothing either: an instance holds no memory of its own. */
    @Override
    protected void releaseForGood() {
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.UNKNOWN;
    }

    // The native calls: one switch per call on a final field (see the class comment).

    private long mallocNative(long size) {
        try {
            return switch (slot) {
                case GLIBC -> (long) Glibc.L.malloc().invokeExact(size);
                case JEMALLOC -> (long) Jemalloc.L.malloc().invokeExact(size);
                case MIMALLOC -> (long) Mimalloc.L.malloc().invokeExact(size);
                case TCMALLOC -> (long) Tcmalloc.L.malloc().invokeExact(size);
                default -> (long) loaded.malloc().invokeExact(size);
            };
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private long callocNative(long size) {
        try {
            return switch (slot) {
                case GLIBC -> (long) Glibc.L.calloc().invokeExact(1L, size);
                case JEMALLOC -> (long) Jemalloc.L.calloc().invokeExact(1L, size);
                case MIMALLOC -> (long) Mimalloc.L.calloc().invokeExact(1L, size);
                case TCMALLOC -> (long) Tcmalloc.L.calloc().invokeExact(1L, size);
                default -> (long) loaded.calloc().invokeExact(1L, size);
            };
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private long reallocNative(long pointer, long size) {
        try {
            return switch (slot) {
                case GLIBC -> (long) Glibc.L.realloc().invokeExact(pointer, size);
                case JEMALLOC -> (long) Jemalloc.L.realloc().invokeExact(pointer, size);
                case MIMALLOC -> (long) Mimalloc.L.realloc().invokeExact(pointer, size);
                case TCMALLOC -> (long) Tcmalloc.L.realloc().invokeExact(pointer, size);
                default -> (long) loaded.realloc().invokeExact(pointer, size);
            };
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private void freeNative(long pointer) {
        try {
            switch (slot) {
                case GLIBC -> Glibc.L.free().invokeExact(pointer);
                case JEMALLOC -> Jemalloc.L.free().invokeExact(pointer);
                case MIMALLOC -> Mimalloc.L.free().invokeExact(pointer);
                case TCMALLOC -> Tcmalloc.L.free().invokeExact(pointer);
                default -> loaded.free().invokeExact(pointer);
            }
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    // One holder per built-in library, initialised on first use only, which happens only once the library is
    // known available. A static final record: HotSpot trusts a record's fields as final, so the handles read
    // through it are JIT constants, as if each were a static final field of its own.

    private static final class Glibc {
        static final NativePeers.Loaded L = NativePeers.require(Library.GLIBC);
    }

    private static final class Jemalloc {
        static final NativePeers.Loaded L = NativePeers.require(Library.JEMALLOC);
    }

    private static final class Mimalloc {
        static final NativePeers.Loaded L = NativePeers.require(Library.MIMALLOC);
    }

    private static final class Tcmalloc {
        static final NativePeers.Loaded L = NativePeers.require(Library.TCMALLOC);
    }
}
