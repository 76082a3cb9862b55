package org.allocbench.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One raw file written by {@code liballocbench-record.so} (native/record/ab_record_format.h): the header,
 * and an index of its chunks per recorded thread, made by one pass over the chunk headers (the records are
 * read later, thread by thread, by {@link RecordCursor}).
 *
 * <p>A file whose chunks stop early (the process was killed while a thread wrote, or the disk filled) is
 * indexed up to the last whole chunk, and {@link #damage()} says where and why; a file that is not a
 * recording at all is an {@link IOException}.
 */
public final class RawRecording implements AutoCloseable {

    static final int HEADER_SIZE = 512;
    static final int CHUNK_SIZE = 32;
    static final int RECORD_SIZE = 32;
    static final int VERSION = 1;
    static final byte[] MAGIC = "ABRECRAW".getBytes(StandardCharsets.US_ASCII);
    static final int CHUNK_MAGIC = 0x4b484341;
    /** More records than any buffer holds: a chunk claiming this many is damage, not data. */
    static final int MAX_CHUNK_RECORDS = 1 << 20;
    private static final int EXE_OFFSET = 32;
    private static final int EXE_SIZE = 256;

    private final Path file;
    private final FileChannel channel;
    private final int pid;
    private final int generation;
    private final String executable;
    private final ThreadChunks[] threads;
    private final long records;
    private final String damage;

    /** One recorded thread's chunks, in file order (which is its own order). */
    static final class ThreadChunks {
        final int index;
        long[] offsets = new long[4];
        int[] counts = new int[4];
        int chunks;
        long firstSeq = Long.MAX_VALUE;
        long lastSeq = -1;

        ThreadChunks(int index) {
            this.index = index;
        }

        void add(long offset, int count, long first, long last) {
            if (chunks == offsets.length) {
                offsets = Arrays.copyOf(offsets, chunks * 2);
                counts = Arrays.copyOf(counts, chunks * 2);
            }
            offsets[chunks] = offset;
            counts[chunks] = count;
            chunks++;
            firstSeq = Math.min(firstSeq, first);
            lastSeq = Math.max(lastSeq, last);
        }
    }

    private RawRecording(Path file, FileChannel channel, int pid, int generation, String executable,
            ThreadChunks[] threads, long records, String damage) {
        this.file = file;
        this.channel = channel;
        this.pid = pid;
        this.generation = generation;
        this.executable = executable;
        this.threads = threads;
        this.records = records;
        this.damage = damage;
    }

    /** Opens and indexes a raw file; the caller closes it. */
    public static RawRecording open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return index(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static RawRecording index(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (size < HEADER_SIZE || readFully(channel, header, 0) < HEADER_SIZE) {
            throw new IOException(file + ": not a recording (" + size + " bytes, shorter than its header)");
        }
        byte[] magic = new byte[MAGIC.length];
        header.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + ": not a recording (no ABRECRAW header)");
        }
        int version = header.getInt(8);
        int recordSize = header.getInt(12);
        if (version != VERSION || recordSize != RECORD_SIZE) {
            throw new IOException(file + ": recording format version " + version + " with " + recordSize
                    + "-byte records; this allocbench reads version " + VERSION + " with " + RECORD_SIZE);
        }
        int pid = header.getInt(16);
        int generation = header.getInt(20);
        byte[] exe = new byte[EXE_SIZE];
        header.get(EXE_OFFSET, exe);
        int end = 0;
        while (end < exe.length && exe[end] != 0) {
            end++;
        }
        String executable = new String(exe, 0, end, StandardCharsets.UTF_8);

        List<ThreadChunks> byIndex = new ArrayList<>();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long at = HEADER_SIZE;
        long records = 0;
        String damage = null;
        while (at < size) {
            chunk.clear();
            if (readFully(channel, chunk, at) < CHUNK_SIZE) {
                damage = "cut short at byte " + at + " of " + size + " (a chunk header)";
                break;
            }
            int magicWord = chunk.getInt(0);
            int thread = chunk.getInt(4);
            int count = chunk.getInt(8);
            if (magicWord != CHUNK_MAGIC || thread < 0 || count < 1 || count > MAX_CHUNK_RECORDS) {
                damage = "no chunk at byte " + at + " of " + size + " (a write that never finished)";
                break;
            }
            long bytes = (long) count * RECORD_SIZE;
            if (at + CHUNK_SIZE + bytes > size) {
                damage = "cut short at byte " + at + " of " + size + " (a chunk of " + count + " records)";
                break;
            }
            while (byIndex.size() <= thread) {
                byIndex.add(null);
            }
            ThreadChunks t = byIndex.get(thread);
            if (t == null) {
                t = new ThreadChunks(thread);
                byIndex.set(thread, t);
            }
            t.add(at + CHUNK_SIZE, count, chunk.getLong(16), chunk.getLong(24));
            records += count;
            at += CHUNK_SIZE + bytes;
        }
        ThreadChunks[] threads = byIndex.stream().filter(t -> t != null).toArray(ThreadChunks[]::new);
        return new RawRecording(file, channel, pid, generation, executable, threads, records, damage);
    }

    /** Reads until the buffer is full or the file ends; returns the bytes read. */
    static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    public Path file() {
        return file;
    }

    /** The recorded process's id. */
    public int pid() {
        return pid;
    }

    /** How many images of this process loaded the recorder before this one (an exec chain): 0 for the first. */
    public int generation() {
        return generation;
    }

    /** The recorded program's path (/proc/self/exe), or "" if it could not be read. */
    public String executable() {
        return executable;
    }

    /** Records in the file, duplicates included. */
    public long records() {
        return records;
    }

    /** Why the chunks stop early, or null if the file is whole. */
    public String damage() {
        return damage;
    }

    FileChannel channel() {
        return channel;
    }

    /** The recorded threads that wrote anything, by their index in the process. */
    ThreadChunks[] threads() {
        return threads;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
