package org.allocbench.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads one recorded thread's records in its own order, a batch at a time, skipping any record whose
 * sequence number is not above the last one taken (an exit-time copy of a running thread's buffer repeats
 * records its owner writes as well; see ab_record.c). The fields hold the current record after
 * {@link #advance} returned true.
 */
final class RecordCursor {

    /** Records read per positional read: small, because every live thread of a recording has a cursor. */
    private static final int BATCH = 512;

    final RawRecording.ThreadChunks thread;
    private final RawRecording recording;
    private ByteBuffer batch;
    private int chunk;
    private int inChunk;
    private int inBatch;
    private int batchRecords;
    private long duplicates;

    long seq = -1;
    long ptr;
    long size;
    int op;
    int aux;

    RecordCursor(RawRecording recording, RawRecording.ThreadChunks thread) {
        this.recording = recording;
        this.thread = thread;
    }

    /** Moves to the next record of the thread; false at its end (the batch buffer is released then). */
    boolean advance() throws IOException {
        while (true) {
            if (inBatch == batchRecords && !refill()) {
                batch = null;
                return false;
            }
            int at = inBatch++ * RawRecording.RECORD_SIZE;
            long s = batch.getLong(at);
            if (s <= seq) {
                duplicates++;
                continue;
            }
            seq = s;
            ptr = batch.getLong(at + 8);
            size = batch.getLong(at + 16);
            op = batch.getInt(at + 24);
            aux = batch.getInt(at + 28);
            return true;
        }
    }

    private boolean refill() throws IOException {
        while (chunk < thread.chunks && inChunk == thread.counts[chunk]) {
            chunk++;
            inChunk = 0;
        }
        if (chunk == thread.chunks) {
            return false;
        }
        if (batch == null) {
            batch = ByteBuffer.allocate(BATCH * RawRecording.RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        }
        int n = Math.min(BATCH, thread.counts[chunk] - inChunk);
        batch.clear().limit(n * RawRecording.RECORD_SIZE);
        long position = thread.offsets[chunk] + (long) inChunk * RawRecording.RECORD_SIZE;
        if (RawRecording.readFully(recording.channel(), batch, position) < n * RawRecording.RECORD_SIZE) {
            throw new IOException(recording.file() + ": shorter than when it was indexed");
        }
        inChunk += n;
        inBatch = 0;
        batchRecords = n;
        return true;
    }

    /** Records skipped as repeats so far. */
    long duplicates() {
        return duplicates;
    }
}
