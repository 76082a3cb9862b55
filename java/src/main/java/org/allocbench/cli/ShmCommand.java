package org.allocbench.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.nativecore.ByteSize;
import org.allocbench.nativecore.HugePagePool;
import org.allocbench.nativecore.HugePages;
import org.allocbench.nativecore.PageReport;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.nativecore.SharedSegment;
import org.allocbench.nativecore.SharedSegmentException;
import org.allocbench.nativecore.ShmemAllocation;
import org.allocbench.nativecore.StaleSegments;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench shm}: shared-memory segments by hand. Create one, look at
 * what the kernel gave (page size from smaps, huge pages status), list its
 * named allocations from another process, destroy it, clean up what killed
 * runs left behind, and show the huge page pools.
 */
@Command(name = "shm", mixinStandardHelpOptions = true,
        description = "Shared-memory segments: create, info, allocations, destroy, cleanup, pools.",
        subcommands = {ShmCommand.Create.class, ShmCommand.Info.class, ShmCommand.Allocations.class,
            ShmCommand.Destroy.class, ShmCommand.Cleanup.class, ShmCommand.Pools.class})
public final class ShmCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Which existing segment: a kind and its name, path or key. */
    static final class Target {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = "--kind", required = true, description = "posix, file or sysv.",
                converter = KindConverter.class)
        SegmentKind kind;

        @Option(names = "--name", description = "POSIX name (/allocbench.x) or file path.")
        String name;

        @Option(names = "--key", description = "SysV key (decimal or 0x hex).", converter = KeyConverter.class)
        long key;

        SharedSegment attach() {
            if (kind != SegmentKind.SYSV && name == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--kind " + kind.label() + " needs --name (the segment's name or path)");
            }
            return kind == SegmentKind.SYSV ? SharedSegment.attachSysv(key) : SharedSegment.attach(kind, name);
        }
    }

    static final class KindConverter implements picocli.CommandLine.ITypeConverter<SegmentKind> {
        @Override
        public SegmentKind convert(String value) {
            try {
                return SegmentKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage()); // its message, no class name
            }
        }
    }

    static final class HugeConverter implements picocli.CommandLine.ITypeConverter<HugePages> {
        @Override
        public HugePages convert(String value) {
            try {
                return HugePages.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class KeyConverter implements picocli.CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return value.startsWith("0x") ? Long.parseLong(value.substring(2), 16) : Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("\"" + value + "\" is not a key (decimal, or hex"
                        + " with 0x)");
            }
        }
    }

    /** Runs body, turning a segment error into its message (and hint) and exit status 1. */
    static int reporting(Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (SharedSegmentException e) {
            System.err.println("allocbench shm: " + e.getMessage());
            if (e.detail() != null) {
                System.err.println("HINT: " + e.detail());
            }
            return 1;
        }
    }

    static void printInfo(PrintStream out, SharedSegment segment) {
        PageReport pages = segment.pages();
        out.println("segment: " + segment.describe());
        out.println("  requested " + segment.requestedSize() + " bytes, mapped " + segment.size() + " bytes ("
                + ByteSize.format(segment.size()) + ")");
        out.println("  huge pages: " + segment.hugePages().label() + ", huge_pages_status "
                + segment.hugePagesStatus().label() + segment.fallback().map(f -> " (" + f + ")").orElse(""));
        out.println("  smaps: KernelPageSize " + ByteSize.format(pages.kernelPageSize()) + ", Rss " + pages.rss()
                + ", AnonHugePages " + pages.anonHugePages() + ", ShmemPmdMapped " + pages.shmemPmdMapped()
                + ", Hugetlb " + pages.hugetlb() + " -> " + pages.status().label());
    }

    /** pg_shmem_allocations' columns; NULL as PostgreSQL prints it in psql (empty). */
    static void printAllocations(PrintStream out, List<ShmemAllocation> rows) {
        out.printf("%-48s %12s %14s %14s%n", "name", "off", "size", "allocated_size");
        for (ShmemAllocation row : rows) {
            out.printf("%-48s %12s %14d %14d%n", row.name() == null ? "" : row.name(),
                    row.offset() < 0 ? "" : Long.toString(row.offset()), row.size(), row.allocatedSize());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates a segment and leaves it for other processes (POSIX, file, SysV),",
                "or holds it for --hold seconds (needed for anonymous ones, which die with this process)."})
    static final class Create implements Callable<Integer> {
        @Option(names = "--kind", required = true, description = "anonymous, file, posix or sysv.",
                converter = KindConverter.class)
        SegmentKind kind;

        @Option(names = "--size", required = true, converter = ByteSizeConverter.class,
                description = "Bytes, e.g. 64M; rounded up to the page size.")
        long size;

        @Option(names = "--huge", defaultValue = "off", converter = HugeConverter.class,
                description = "off, try, on or thp (default: ${DEFAULT-VALUE}).")
        HugePages huge;

        @Option(names = "--huge-page-size", defaultValue = "0", converter = ByteSizeConverter.class,
                description = "0 (system default), 2M or 1G.")
        long hugePageSize;

        @Option(names = "--name", description = "POSIX name (/allocbench.x) or file path.")
        String name;

        @Option(names = "--key", converter = KeyConverter.class,
                description = "SysV key (decimal or 0x hex); without it, the first free key of 0x41420000..0x4142ffff.")
        Long key;

        @Option(names = "--index", description = "Also format the named-allocation index.")
        boolean index;

        @Option(names = "--hold", defaultValue = "0", description = "Seconds to keep it mapped, then destroy it.")
        int holdSeconds;

        @Override
        public Integer call() throws Exception {
            if (kind == SegmentKind.SYSV && key != null && key == 0) {
                // IPC_PRIVATE: no other process could find it by key, and no command could remove it.
                System.err.println("allocbench shm: a private SysV segment (key 0) could not be attached or destroyed"
                        + " by another command; leave out --key to get a free key in 0x41420000..0x4142ffff");
                return 1;
            }
            return reporting(() -> {
                SharedSegment.Builder builder = SharedSegment.builder(kind).size(size).hugePages(huge)
                        .hugePageSize(hugePageSize).name(name);
                if (kind == SegmentKind.SYSV) {
                    builder = key == null ? builder.anyFreeKey() : builder.key(key);
                }
                SharedSegment segment = builder.create();
                segment.memory().fill((byte) 0); // touch every page, so smaps shows what was given
                if (index) {
                    segment.initIndex(); // after the fill, which would wipe it
                }
                printInfo(System.out, segment);
                if (holdSeconds > 0 || kind == SegmentKind.ANONYMOUS) {
                    System.out.println("holding for " + holdSeconds + " s, then destroying it");
                    Thread.sleep(holdSeconds * 1000L);
                    segment.destroy();
                } else {
                    segment.keepAfterExit(); // `shm cleanup` leaves it alone unless asked with --explicit
                    segment.detach();
                    System.out.println("left in place; remove it with: allocbench shm destroy --kind " + kind.label()
                            + (kind == SegmentKind.SYSV ? " --key 0x" + Long.toHexString(segment.key()) : " --name " + name));
                }
                return 0;
            });
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Attaches and shows what the kernel gave.")
    static final class Info implements Callable<Integer> {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Target target;

        @Override
        public Integer call() throws Exception {
            return reporting(() -> {
                try (SharedSegment segment = target.attach()) {
                    printInfo(System.out, segment);
                }
                return 0;
            });
        }
    }

    @Command(name = "allocations", mixinStandardHelpOptions = true,
            description = "Lists the named allocations of a segment (pg_shmem_allocations' columns).")
    static final class Allocations implements Callable<Integer> {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Target target;

        @Override
        public Integer call() throws Exception {
            return reporting(() -> {
                try (SharedSegment segment = target.attach()) {
                    printAllocations(System.out, segment.allocations());
                }
                return 0;
            });
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true, description = "Removes a segment (name, file or key).")
    static final class Destroy implements Callable<Integer> {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Target target;

        @Override
        public Integer call() throws Exception {
            return reporting(() -> {
                SharedSegment segment = target.attach();
                String what = segment.describe();
                segment.destroy();
                System.out.println("destroyed " + what);
                return 0;
            });
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = {"Removes the segments allocbench created as this user whose creating process has ended",
                "and that no process uses (what a killed run left behind). Segments without an owner record",
                "(made by hand, by another user or tool) are listed and kept, whatever their name;",
                "segments `shm create` left in place are kept unless --explicit."})
    static final class Cleanup implements Callable<Integer> {
        @Option(names = "--run", paramLabel = "ID",
                description = "Only segments created under this run id (ALLOCBENCH_RUN_ID of their creator).")
        String runId;

        @Option(names = "--explicit", description = "Also remove segments `shm create` left in place on purpose.")
        boolean explicit;

        @Override
        public Integer call() throws Exception {
            return reporting(() -> {
                List<String> lines = runId == null ? StaleSegments.ofThisUser(explicit)
                        : StaleSegments.ofRun(runId, explicit);
                lines.forEach(System.out::println);
                System.out.println(StaleSegments.removedCount(lines) + " stale segment(s) removed");
                return 0;
            });
        }
    }

    @Command(name = "pools", mixinStandardHelpOptions = true, description = "Shows the huge page pools (2 MiB, 1 GiB).")
    static final class Pools implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return reporting(() -> {
                System.out.println("default huge page size: " + ByteSize.format(HugePagePool.defaultPageSize()));
                for (long size : new long[] {2L << 20, 1L << 30}) {
                    System.out.println(HugePagePool.of(size).describe());
                }
                return 0;
            });
        }
    }
}
