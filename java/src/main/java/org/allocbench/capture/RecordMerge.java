package org.allocbench.capture;

import java.io.IOException;
import java.util.PriorityQueue;

/**
 * Hands every record of a recording to a visitor in global order (by sequence number), merging the
 * threads' own orders: a k-way merge over one cursor per thread. A thread's cursor is opened (its batch
 * buffer allocated) only when the merge reaches its first record and released at its end, so memory
 * follows the threads alive at once, not all the threads a long program ever ran.
 */
final class RecordMerge {

    /** Receives one record: the recording thread's index and the record's fields (ab_record_format.h). */
    interface Visitor {
        void record(int thread, int op, long seq, long ptr, long size, int aux) throws IOException;
    }

    private RecordMerge() {
    }

    /** Visits every record once, in sequence order; returns the records skipped as repeats. */
    static long run(RawRecording recording, Visitor visitor) throws IOException {
        PriorityQueue<Head> queue = new PriorityQueue<>(Math.max(1, recording.threads().length),
                (a, b) -> Long.compare(a.key(), b.key()));
        for (RawRecording.ThreadChunks t : recording.threads()) {
            queue.add(new Head(new RecordCursor(recording, t)));
        }
        long duplicates = 0;
        while (!queue.isEmpty()) {
            Head head = queue.poll();
            RecordCursor c = head.cursor;
            if (!head.opened) {
                head.opened = true;
                if (c.advance()) {
                    queue.add(head);
                }
                continue;
            }
            // deliver this thread's records until another thread's next one comes first
            long limit = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().key();
            boolean more;
            do {
                visitor.record(c.thread.index, c.op, c.seq, c.ptr, c.size, c.aux);
                more = c.advance();
            } while (more && c.seq < limit);
            if (more) {
                queue.add(head);
            } else {
                duplicates += c.duplicates();
            }
        }
        return duplicates;
    }

    private static final class Head {
        final RecordCursor cursor;
        boolean opened;

        Head(RecordCursor cursor) {
            this.cursor = cursor;
        }

        /** Before it is opened: the first sequence number its chunk headers name; then its current record's. */
        long key() {
            return opened ? cursor.seq : cursor.thread.firstSeq;
        }
    }
}
