package org.allocbench.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes raw recordings the way liballocbench-record.so does (native/record/ab_record_format.h), chunk by
 * chunk, so the converter can be tested on exactly the situations the library produces: interleaved
 * threads, realloc pairs, repeated records, a file cut short.
 */
final class RawFileBuilder {

    private final ByteBuffer out = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
    private final List<long[]> pending = new ArrayList<>();
    private int pendingThread = -1;

    RawFileBuilder(int pid, int generation, String exe) {
        out.put(RawRecording.MAGIC);
        out.putInt(RawRecording.VERSION);
        out.putInt(RawRecording.RECORD_SIZE);
        out.putInt(pid);
        out.putInt(generation);
        out.putLong(0);
        byte[] name = exe.getBytes(StandardCharsets.UTF_8);
        out.put(name);
        out.position(RawRecording.HEADER_SIZE);
    }

    /** One record, buffered until {@link #chunk} writes the thread's chunk. */
    RawFileBuilder rec(int op, long seq, long ptr, long size) {
        return rec(op, seq, ptr, size, 0);
    }

    RawFileBuilder rec(int op, long seq, long ptr, long size, int aux) {
        pending.add(new long[] {seq, ptr, size, op, aux});
        return this;
    }

    /** Starts collecting the records of a chunk of thread {@code thread}. */
    RawFileBuilder thread(int thread) {
        if (!pending.isEmpty()) {
            chunk();
        }
        pendingThread = thread;
        return this;
    }

    /** Writes the pending records as one chunk of the current thread. */
    RawFileBuilder chunk() {
        if (pending.isEmpty()) {
            return this;
        }
        out.putInt(RawRecording.CHUNK_MAGIC);
        out.putInt(pendingThread);
        out.putInt(pending.size());
        out.putInt(0);
        out.putLong(pending.get(0)[0]);
        out.putLong(pending.get(pending.size() - 1)[0]);
        for (long[] r : pending) {
            out.putLong(r[0]);
            out.putLong(r[1]);
            out.putLong(r[2]);
            out.putInt((int) r[3]);
            out.putInt((int) r[4]);
        }
        pending.clear();
        return this;
    }

    /** Appends raw bytes (damage: zeros of a write that never happened). */
    RawFileBuilder garbage(int bytes) {
        chunk();
        out.put(new byte[bytes]);
        return this;
    }

    Path write(Path file) throws IOException {
        chunk();
        byte[] data = new byte[out.position()];
        out.duplicate().flip().get(data);
        return Files.write(file, data);
    }
}
