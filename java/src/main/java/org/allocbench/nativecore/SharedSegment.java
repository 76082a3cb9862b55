package org.allocbench.nativecore;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A shared-memory segment: anonymous, file-backed, POSIX or SysV, with huge
 * pages off / try / on / transparent, created here or attached from another
 * process, with PostgreSQL-style named allocations inside it.
 *
 * <pre>{@code
 * try (SharedSegment seg = SharedSegment.builder(SegmentKind.POSIX)
 *         .name("/allocbench.demo").size(64 << 20).hugePages(HugePages.TRY).create()) {
 *     MemorySegment memory = seg.memory();
 *     seg.pages();            // what the kernel actually gave, from /proc/self/smaps
 *     seg.fallback();         // under TRY: why huge pages were not used, if they were not
 * }                           // close(): detach, and destroy because this one created it
 * }</pre>
 *
 * <p>What was obtained comes from the kernel: {@link #pageSize()} and
 * {@link #hugePagesStatus()} as decided at creation (read back from smaps on
 * attach), {@link #pages()} as smaps reports them now. Every failure is a
 * {@link SharedSegmentException} and leaves nothing behind (no name, key or
 * file). The memory is scoped: after {@link #close()} the
 * {@link #memory()} segment throws instead of touching unmapped pages.
 * Methods may be called from any thread; closing is once.
 *
 * <p>Every POSIX, file and SysV segment created here gets an owner record
 * (this process, its start time, {@link #runId()}), so that if the process
 * is killed before {@link #close()}, {@link StaleSegments} can remove what it
 * left, and only that.
 */
public final class SharedSegment implements AutoCloseable {

    /** The named structure and whether it already existed (ShmemInitStruct's foundPtr). */
    public record NamedStruct(MemorySegment memory, boolean found) {
    }

    /** AB_SEG_SYSV_KEY_CHOOSE. */
    private static final long CHOOSE_KEY = -1;

    private final long handle;
    private final Arena scope = Arena.ofShared();
    private final MemorySegment memory;
    private final SegmentKind kind;
    private final long size;
    private final long requested;
    private final long pageSize;
    private final HugePages hugePages;
    private final HugePagesStatus status;
    private final boolean owner;
    private final String name;
    private final long key;
    private final String fallback;
    private boolean closed;

    private SharedSegment(long handle) {
        this.handle = handle;
        MemorySegment info;
        try {
            info = ((MemorySegment) SharedSegmentNative.INFO_OF.invokeExact(handle))
                    .reinterpret(SharedSegmentNative.INFO.byteSize());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        this.size = info.get(JAVA_LONG, 8);
        this.requested = info.get(JAVA_LONG, 16);
        this.pageSize = info.get(JAVA_LONG, 24);
        this.kind = SegmentKind.values()[info.get(JAVA_INT, 32)];
        this.hugePages = HugePages.values()[info.get(JAVA_INT, 36)];
        this.status = HugePagesStatus.values()[info.get(JAVA_INT, 40)];
        this.owner = info.get(JAVA_INT, 44) != 0;
        this.key = info.get(JAVA_LONG, 48);
        this.name = SharedSegmentNative.fixedString(info, SharedSegmentNative.INFO_NAME, 256);
        this.fallback = SharedSegmentNative.fixedString(info, SharedSegmentNative.INFO_FALLBACK, 256);
        long base = info.get(JAVA_LONG, 0);
        this.memory = MemorySegment.ofAddress(base).reinterpret(size, scope, null);
    }

    public static Builder builder(SegmentKind kind) {
        return new Builder(kind);
    }

    /** Attaches an existing POSIX segment (by name) or file segment (by path) another process created. */
    public static SharedSegment attach(SegmentKind kind, String nameOrPath) {
        if (kind != SegmentKind.POSIX && kind != SegmentKind.FILE) {
            throw new IllegalArgumentException("attach by name is for POSIX and file segments; SysV uses attachSysv(key),"
                    + " and anonymous segments cannot be attached");
        }
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        try (Arena arena = Arena.ofConfined()) {
            return new SharedSegment(SharedSegmentNative.check(
                    (long) SharedSegmentNative.ATTACH.invokeExact(kind.ordinal(), arena.allocateFrom(nameOrPath), 0L)));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Attaches an existing SysV segment by key. */
    public static SharedSegment attachSysv(long key) {
        try {
            return new SharedSegment(SharedSegmentNative.check((long) SharedSegmentNative.ATTACH.invokeExact(
                    SegmentKind.SYSV.ordinal(), MemorySegment.NULL, key)));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * Removes a POSIX (name) or file (path) segment and its owner record without
     * mapping it: for a reaper that registered a transient segment.
     */
    public static void remove(SegmentKind kind, String nameOrPath) {
        if (kind != SegmentKind.POSIX && kind != SegmentKind.FILE) {
            throw new IllegalArgumentException("remove by name is for POSIX and file segments; SysV uses removeSysv(key)");
        }
        SharedSegmentNative.remove(kind, Objects.requireNonNull(nameOrPath, "nameOrPath"), 0);
    }

    /** Removes a SysV segment by key (> 0) and its owner record, without attaching it. */
    public static void removeSysv(long key) {
        SharedSegmentNative.remove(SegmentKind.SYSV, null, key);
    }

    /**
     * The run id this process writes into owner records: {@code ALLOCBENCH_RUN_ID}
     * from the environment, else one of this process's own. Child processes given
     * the same {@code ALLOCBENCH_RUN_ID} are one run for {@link StaleSegments#ofRun}.
     */
    public static String runId() {
        return SharedSegmentNative.runId();
    }

    /**
     * Marks a segment this object created as meant to outlive this process
     * (what {@code allocbench shm create} does before it detaches): stale-segment
     * cleanup then keeps it unless asked to remove kept ones too.
     */
    public synchronized void keepAfterExit() {
        checkOpen();
        try {
            SharedSegmentNative.check((int) SharedSegmentNative.KEEP.invokeExact(handle));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The mapped memory, {@link #size()} bytes; unusable after {@link #close()}. */
    public MemorySegment memory() {
        return memory;
    }

    public SegmentKind kind() {
        return kind;
    }

    /** Mapped bytes: the request rounded up to {@link #pageSize()}. */
    public long size() {
        return size;
    }

    /** Bytes asked for (for an attached segment: the size read back from the kernel). */
    public long requestedSize() {
        return requested;
    }

    /** The page size asked of the kernel (4096 or a huge page size); on attach, read from smaps. */
    public long pageSize() {
        return pageSize;
    }

    public HugePages hugePages() {
        return hugePages;
    }

    /** PostgreSQL 17's huge_pages_status as decided at creation; THP starts UNKNOWN (see {@link #pages()}). */
    public HugePagesStatus hugePagesStatus() {
        return status;
    }

    /** Under TRY (or THP without shmem THP): why the segment is not what was asked for. */
    public Optional<String> fallback() {
        return fallback.isEmpty() ? Optional.empty() : Optional.of(fallback);
    }

    /** True if this object created the segment: {@link #close()} then destroys it. */
    public boolean owner() {
        return owner;
    }

    /** The POSIX name or file path ("" for anonymous and SysV). */
    public String name() {
        return name;
    }

    /** The SysV key (0 for a private segment or another kind; the chosen one after {@link Builder#anyFreeKey()}). */
    public long key() {
        return key;
    }

    /** The pages as /proc/self/smaps reports them now. */
    public PageReport pages() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(SharedSegmentNative.PAGES);
            synchronized (this) {
                checkOpen();
                SharedSegmentNative.check((int) SharedSegmentNative.PAGES_OF.invokeExact(handle, out));
            }
            return new PageReport(out.get(JAVA_LONG, 0), out.get(JAVA_LONG, 8), out.get(JAVA_LONG, 16),
                    out.get(JAVA_LONG, 24), out.get(JAVA_LONG, 32), out.get(JAVA_LONG, 40),
                    HugePagesStatus.values()[out.get(JAVA_INT, 48)]);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    // ---- named allocations ----

    /** Formats the named-allocation index (first process) or checks it (later ones). */
    public synchronized void initIndex() {
        checkOpen();
        try {
            SharedSegmentNative.check((int) SharedSegmentNative.SHMEM_INIT.invokeExact(handle));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** ShmemInitStruct: the structure called {@code structName}, allocated on first use, found afterwards. */
    public synchronized NamedStruct initStruct(String structName, long bytes) {
        checkOpen();
        Objects.requireNonNull(structName, "structName");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment found = arena.allocate(JAVA_INT);
            long address = SharedSegmentNative.check((long) SharedSegmentNative.SHMEM_INIT_STRUCT.invokeExact(
                    handle, arena.allocateFrom(structName), bytes, found));
            return new NamedStruct(slice(address, bytes), found.get(JAVA_INT, 0) != 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** ShmemAlloc: unnamed memory, listed under {@code <anonymous>}. */
    public synchronized MemorySegment allocateAnonymous(long bytes) {
        checkOpen();
        try {
            return slice(SharedSegmentNative.check((long) SharedSegmentNative.SHMEM_ALLOC.invokeExact(handle, bytes)),
                    bytes);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** pg_shmem_allocations: named entries by offset, then {@code <anonymous>}, then the unused tail. */
    public synchronized List<ShmemAllocation> allocations() {
        checkOpen();
        int capacity = 512;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rows = arena.allocate(SharedSegmentNative.ROW, capacity);
            long n = (long) SharedSegmentNative.SHMEM_ALLOCATIONS.invokeExact(handle, rows, (long) capacity);
            if (n < 0) {
                throw SharedSegmentException.fromNative();
            }
            List<ShmemAllocation> result = new ArrayList<>((int) n);
            long rowSize = SharedSegmentNative.ROW.byteSize();
            for (long i = 0; i < Math.min(n, capacity); i++) {
                MemorySegment row = rows.asSlice(i * rowSize, rowSize);
                String rowName = SharedSegmentNative.fixedString(row, 0, SharedSegmentNative.NAME_LEN);
                int at = SharedSegmentNative.NAME_LEN;
                result.add(new ShmemAllocation(rowName.isEmpty() ? null : rowName, row.get(JAVA_LONG, at),
                        row.get(JAVA_LONG, at + 8), row.get(JAVA_LONG, at + 16)));
            }
            return result;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private MemorySegment slice(long address, long bytes) {
        return memory.asSlice(address - memory.address(), bytes);
    }

    // ---- life cycle ----

    /** Unmaps, leaving the segment for other processes (even if this one created it). */
    public synchronized void detach() {
        end(SharedSegmentNative.DETACH);
    }

    /** Unmaps and removes the name / key / file, whoever created it. */
    public synchronized void destroy() {
        end(SharedSegmentNative.DESTROY);
    }

    /** Destroys the segment if this object created it, else detaches. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            end(owner ? SharedSegmentNative.DESTROY : SharedSegmentNative.DETACH);
        }
    }

    private void end(java.lang.invoke.MethodHandle how) {
        checkOpen();
        closed = true;
        scope.close();
        try {
            SharedSegmentNative.check((int) how.invokeExact(handle));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("shared segment " + describe() + " is closed");
        }
    }

    /** "posix /allocbench.x, 2097152 bytes, 4096-byte pages" and the like. */
    public String describe() {
        String id = switch (kind) {
            case POSIX, FILE -> " " + name;
            case SYSV -> key == 0 ? " (private key)" : " key 0x" + Long.toHexString(key);
            case ANONYMOUS -> "";
        };
        return kind.label() + id + ", " + size + " bytes, " + pageSize + "-byte pages";
    }

    @Override
    public String toString() {
        return "SharedSegment[" + describe() + "]";
    }

    /** What to create; {@link #create()} does it. */
    public static final class Builder {
        private final SegmentKind kind;
        private long size;
        private HugePages hugePages = HugePages.OFF;
        private long hugePageSize;
        private String name;
        private long key;

        private Builder(SegmentKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        /** Bytes to map (rounded up to the page size). */
        public Builder size(long bytes) {
            this.size = bytes;
            return this;
        }

        public Builder hugePages(HugePages mode) {
            this.hugePages = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** 0 (the system default), 2 MiB or 1 GiB; file segments use their mount's. */
        public Builder hugePageSize(long bytes) {
            this.hugePageSize = bytes;
            return this;
        }

        /** POSIX: the name ("/allocbench.x"); FILE: the path. */
        public Builder name(String nameOrPath) {
            this.name = nameOrPath;
            return this;
        }

        /** SysV: the key (0, the default, is a private segment). */
        public Builder key(long sysvKey) {
            this.key = sysvKey;
            return this;
        }

        /** SysV: the first free key of the tool's range 0x41420000..0x4142ffff; {@link #key()} tells which. */
        public Builder anyFreeKey() {
            this.key = CHOOSE_KEY;
            return this;
        }

        public SharedSegment create() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment request = arena.allocate(SharedSegmentNative.REQUEST);
                request.set(JAVA_INT, 0, kind.ordinal());
                request.set(JAVA_INT, 4, hugePages.ordinal());
                request.set(JAVA_LONG, 8, size);
                request.set(JAVA_LONG, 16, hugePageSize);
                request.set(java.lang.foreign.ValueLayout.ADDRESS, 24,
                        name == null ? MemorySegment.NULL : arena.allocateFrom(name));
                request.set(JAVA_LONG, 32, key);
                return new SharedSegment(SharedSegmentNative.check(
                        (long) SharedSegmentNative.CREATE.invokeExact(request)));
            } catch (Throwable t) {
                throw Downcalls.rethrow(t);
            }
        }
    }
}
