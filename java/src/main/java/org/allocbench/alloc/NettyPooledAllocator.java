package org.allocbench.alloc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Netty's pooled allocator ({@link PooledByteBufAllocator}, direct buffers) as
 * a peer: the allocator that most Java servers actually allocate off-heap
 * memory with.
 *
 * <p><b>One Netty allocator per thread</b>, shared by every instance that
 * thread creates, as Netty is used: an application has one pooled allocator
 * (per process, usually {@code PooledByteBufAllocator.DEFAULT}) whose arenas
 * and thread caches live as long as the process, not one per request. (An
 * earlier version built a fresh Netty allocator inside every timed replay: it
 * measured Netty's construction and its cold chunks, which no Netty user
 * pays per request.) It is not DEFAULT itself, so its figures are this
 * suite's alone. It uses Netty's default arenas, page size and chunk size
 * (4 MiB) and cache sizes, with no heap arenas (it never allocates heap
 * buffers) and with the per-thread cache enabled for every thread
 * ({@code useCacheForAllThreads}): Netty's default enables it only for its
 * own event-loop threads, and a Netty application allocates there, so without
 * it a replay thread would measure Netty's uncached slow path, which Netty
 * users do not run. An instance is a context over it: the buffers it handed
 * out.
 *
 * <p><b>Handles</b> are primitive longs indexing a slot table (a {@code ByteBuf[]}
 * with the cached address of each buffer, and an {@code int[]} stack of free
 * slots), so no Java object is created per operation on our side: the table
 * is what turns a handle back into the {@code ByteBuf} Netty needs, the
 * binding's necessary cost, and nothing more (no checks on the raw instance:
 * {@link Allocator#checked()} rejects foreign, freed and stale handles). A
 * handle is {@code tag << 32 | slot} with a tag per instance (1..2047, so
 * handles of different instances differ and the checked view can tell them
 * apart); the raw operations read only the slot. Netty's
 * own garbage is its cost and is measured with it: it takes its {@code ByteBuf}
 * objects from its Recycler (a new one only on a miss), and the MPSC queues of
 * its thread cache allocate array chunks as they fill (about 10 bytes of heap
 * per alloc + free pair in steady state, measured on JDK 25).
 *
 * <p><b>Operations.</b> alloc = {@code directBuffer(size, Integer.MAX_VALUE)}
 * (the maximum capacity must leave room for resize to grow; size 0 is served as
 * 1 byte, because Netty returns one shared empty buffer for capacity 0);
 * allocZeroed = alloc + {@code setZero}; resize = {@code capacity(newSize)}:
 * Netty grows or shrinks in place when the size class allows, else reallocates
 * and copies {@code min(old, new)} bytes; the handle stays the same and the
 * slot's address is re-read. Free = {@code release()}. Netty has no bulk
 * release ({@link Capabilities#bulkReset()} is false): the replay loop
 * releases each live buffer on reset and at the end, as for malloc; reset and
 * close here release whatever a caller left live (nothing, after the loop)
 * and forget the slots. Released memory goes to the thread cache or back to
 * its chunk; the chunks stay with the thread's Netty allocator, as Netty keeps
 * them.
 *
 * <p><b>Statistics:</b> total = {@code metric().usedDirectMemory()}, the bytes
 * of the thread's Netty allocator's chunks plus its unpooled (huge) buffers,
 * held from the OS.
 * Used and free are not known: Netty's chunk metrics count buffers sitting in
 * thread caches as used, so any split would be made up.
 *
 * <p><b>Alignment:</b> Netty promises none (unless configured with a
 * direct-memory cache alignment, which is not the default), so the capability
 * says 1. In practice addresses are 16-aligned on glibc x86-64 (size classes are
 * multiples of 16 inside malloc'd chunks), but that is not a contract.
 *
 * <p><b>JDK 25:</b> netty-common probes {@code sun.misc.Unsafe} at start-up;
 * without {@code --sun-misc-unsafe-memory-access=allow} the JDK prints a
 * one-time warning about {@code Unsafe::allocateMemory} (the launcher passes the
 * flag, surefire does not), and everything works either way. Netty's
 * cleaner-less direct buffers need reflective access the JDK refuses, so chunks
 * come from {@code ByteBuffer.allocateDirect} and count against
 * {@code -XX:MaxDirectMemorySize}. With Unsafe the buffers expose
 * {@code memoryAddress()}; without it ({@code -Dio.netty.noUnsafe=true} or
 * {@code --sun-misc-unsafe-memory-access=deny}) the address is taken from the
 * buffer's NIO view through {@link MemorySegment#ofBuffer}.
 *
 * <p><b>Leak detector:</b> disabled when this class is loaded (it samples one
 * allocation in 128 and records stack traces: allocation noise in a benchmark),
 * unless {@code io.netty.leakDetection.level} is set, which is then respected.
 */
public final class NettyPooledAllocator extends AbstractAllocator {

    static {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private static final Capabilities CAPABILITIES = new Capabilities(true, true, false, true, 1,
            "no bulk release: the replay releases each live buffer on reset and at the end, timed;"
                    + " stats report only the memory held; no alignment promised",
            // Netty's allocator is thread-safe, an instance's table of buffers is not: one thread at a time
            false, Capabilities.Sharing.SERIAL);

    private static final String VERSION = "netty-buffer " + nettyVersion()
            + ", one PooledByteBufAllocator per thread, direct, thread cache for all threads";

    private static final int INITIAL_SLOTS = 1024;
    /** Instance tags 1..2047: handles stay positive, and differ between instances. */
    private static final AtomicInteger NEXT_TAG = new AtomicInteger();

    /** The thread's Netty allocator, kept for the thread's life like an application's. */
    private static final ThreadLocal<PooledByteBufAllocator> PER_THREAD = ThreadLocal.withInitial(
            () -> new PooledByteBufAllocator(true, 0, PooledByteBufAllocator.defaultNumDirectArena(),
                    PooledByteBufAllocator.defaultPageSize(), PooledByteBufAllocator.defaultMaxOrder(),
                    PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(),
                    true));

    private final PooledByteBufAllocator netty;
    private final long tag;

    private ByteBuf[] buffers = new ByteBuf[INITIAL_SLOTS];
    private long[] addresses = new long[INITIAL_SLOTS];
    private int[] freeSlots = new int[INITIAL_SLOTS];
    private int freeCount;
    /** Slots at and above this index have never been used since the last reset. */
    private int highWater;
    private int live;

    /** A context over the calling thread's Netty allocator. */
    public NettyPooledAllocator() {
        super("netty-pooled", CAPABILITIES);
        this.netty = PER_THREAD.get();
        this.tag = (long) (NEXT_TAG.getAndIncrement() % 2047 + 1) << 32;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        ByteBuf buffer = netty.directBuffer(capacityFor(size), Integer.MAX_VALUE);
        int slot = takeSlot();
        buffers[slot] = buffer;
        addresses[slot] = addressOf(buffer);
        live++;
        return tag | slot;
    }

    @Override
    public long allocZeroed(long size) {
        long handle = alloc(size);
        ByteBuf buffer = buffers[(int) handle];
        buffer.setZero(0, buffer.capacity());
        return handle;
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        int slot = (int) handle;
        int capacity = capacityFor(newSize);
        ByteBuf buffer = buffers[slot];
        buffer.capacity(capacity);
        addresses[slot] = addressOf(buffer);
        return handle;
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        int slot = (int) handle;
        ByteBuf buffer = buffers[slot];
        buffers[slot] = null;
        addresses[slot] = 0;
        freeSlots[freeCount++] = slot;
        live--;
        buffer.release();
    }

    @Override
    public long address(long handle) {
        ensureOpen();
        return addresses[(int) handle];
    }

    /** Number of live buffers (for tests and reports). */
    public int liveCount() {
        ensureOpen();
        return live;
    }

    /**
     * Releases what a caller left live (after the replay loop, nothing: then no slot is scanned) and forgets
     * the slots.
     */
    @Override
    protected void releaseAll() {
        if (live > 0) {
            ByteBuf[] table = buffers;
            for (int slot = 0; slot < highWater; slot++) {
                ByteBuf buffer = table[slot];
                if (buffer != null) {
                    table[slot] = null;
                    buffer.release();
                }
            }
            Arrays.fill(addresses, 0, highWater, 0L);
        }
        highWater = 0;
        freeCount = 0;
        live = 0;
    }

    /** As reset; the thread's Netty allocator and its cache stay, as an application's would. */
    @Override
    protected void releaseForGood() {
        releaseAll();
        buffers = new ByteBuf[0];
        addresses = new long[0];
        freeSlots = new int[0];
    }

    /** Total = bytes held from the OS (chunks and unpooled buffers); the rest is unknown. */
    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.totalOnly(netty.metric().usedDirectMemory());
    }

    private int takeSlot() {
        if (freeCount > 0) {
            return freeSlots[--freeCount];
        }
        if (highWater == buffers.length) {
            grow();
        }
        return highWater++;
    }

    private void grow() {
        int length = buffers.length * 2;
        buffers = Arrays.copyOf(buffers, length);
        addresses = Arrays.copyOf(addresses, length);
        freeSlots = Arrays.copyOf(freeSlots, length);
    }

    private static int capacityFor(long size) {
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid memory alloc request size " + size
                    + (size > 0 ? ": a Netty buffer holds at most " + Integer.MAX_VALUE + " bytes" : ""));
        }
        return size == 0 ? 1 : (int) size;
    }

    private static long addressOf(ByteBuf buffer) {
        if (buffer.hasMemoryAddress()) {
            return buffer.memoryAddress();
        }
        return MemorySegment.ofBuffer(buffer.internalNioBuffer(0, buffer.capacity())).address();
    }

    private static String nettyVersion() {
        try (InputStream in = PooledByteBufAllocator.class
                .getResourceAsStream("/META-INF/maven/io.netty/netty-buffer/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null) {
                    return version;
                }
            }
        } catch (IOException e) {
            // fall through: the version is then reported as unknown
        }
        return "(version unknown)";
    }
}
