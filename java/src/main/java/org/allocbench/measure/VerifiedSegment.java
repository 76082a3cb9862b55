package org.allocbench.measure;

import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.nativecore.SharedSegment;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.Resource;

/**
 * A segment to measure on: of one kind and page mapping, claimed so that a
 * killed process leaves nothing behind, and checked to have the pages it asked
 * for, since a measurement on other pages than its label says is worse than
 * none (a kernel may fall back without failing).
 */
public final class VerifiedSegment {

    private VerifiedSegment() {
    }

    /**
     * Creates the segment, or fails with the reason: an invalid pair, missing
     * huge pages, or a kernel that gave another page size than asked.
     */
    public static SharedSegment open(SegmentKind kind, PageMapping mapping, long bytes) {
        mapping.unsupportedOn(kind).ifPresent(reason -> {
            throw new IllegalArgumentException(kind.label() + " x " + mapping.label() + ": " + reason);
        });
        mapping.missingHugePages(bytes).ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        SharedSegment.Builder builder = SharedSegment.builder(kind).size(bytes).hugePages(mapping.mode())
                .hugePageSize(mapping.hugePageSize());
        if (kind == SegmentKind.POSIX) {
            String name = "/allocbench.hugepages." + ProcessHandle.current().pid();
            // a killed fork must not leave it in /dev/shm; once closed, the reaper finds nothing to do
            Ownership.claim(new Resource.PosixSegment(name));
            builder.name(name);
        }
        SharedSegment segment = builder.create();
        if (kind == SegmentKind.SYSV) {
            Ownership.claim(new Resource.SysvSegment(segment.key())); // a killed fork must not leave it behind
        }
        if (segment.pageSize() != mapping.pageSize()) {
            String got = segment.describe();
            segment.close();
            throw new IllegalStateException("asked for " + mapping.pageSize() + "-byte pages, got " + got);
        }
        return segment;
    }
}
