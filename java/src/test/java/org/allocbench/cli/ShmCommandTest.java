package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.allocbench.ChildJvm;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.nativecore.SharedSegment;
import org.allocbench.nativecore.SharedSegmentException;
import org.junit.jupiter.api.Test;

/**
 * {@code allocbench shm} in a second JVM: the same segment seen from two processes, the README's walkthrough,
 * and cleanup removing exactly what this test's killed children left. Names and the run id are unique to this
 * test run; cleanup is only ever asked for this run's segments, never for the host's.
 */
class ShmCommandTest {

    private static final String NONCE = Long.toHexString(new SecureRandom().nextLong() >>> 1);
    private static final String RUN = "jtest-" + ProcessHandle.current().pid() + "-" + NONCE;
    /** Children of this test are one run: their segments' owner records carry this id. */
    private static final Map<String, String> IN_RUN = Map.of("ALLOCBENCH_RUN_ID", RUN);

    private static String name(String tag) {
        return "/allocbench.jtest." + ProcessHandle.current().pid() + "." + NONCE + "." + tag;
    }

    private static boolean exists(String posixName) {
        return Files.exists(Path.of("/dev/shm" + posixName));
    }

    /** Starts {@code shm create ... --hold 60} and returns once the segment exists, with the line describing it. */
    private static Holder hold(String... createArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("shm", "create"));
        args.addAll(List.of(createArgs));
        args.addAll(List.of("--hold", "60"));
        Process process = ChildJvm.start(IN_RUN, args.toArray(String[]::new));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String segmentLine = "";
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("holding")) {
            segmentLine = line.startsWith("segment: ") ? line : segmentLine;
        }
        if (line == null) { // ended early: its stderr says why (read only now: until then it would block)
            throw new AssertionError("shm create --hold ended early: "
                    + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return new Holder(process, segmentLine);
    }

    private record Holder(Process process, String segmentLine) {
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(); // SIGKILL: no chance to destroy its segment
        }

        /** "segment: sysv key 0x41421234, ..." -> 0x41421234. */
        long sysvKey() {
            Matcher m = Pattern.compile("sysv key 0x([0-9a-f]+),").matcher(segmentLine);
            assertTrue(m.find(), segmentLine);
            return Long.parseLong(m.group(1), 16);
        }
    }

    @Test
    void anotherProcessSeesTheSameNamedAllocations() throws Exception {
        String name = name("two");
        try (SharedSegment seg = SharedSegment.builder(SegmentKind.POSIX).name(name).size(1 << 20).create()) {
            seg.initIndex();
            seg.initStruct("BufferDescriptors", 5000);
            seg.initStruct("ProcArray", 300);
            seg.allocateAnonymous(1000);
            ByteArrayOutputStream mine = new ByteArrayOutputStream();
            ShmCommand.printAllocations(new PrintStream(mine, true, StandardCharsets.UTF_8), seg.allocations());

            ChildJvm.Result child = ChildJvm.run("shm", "allocations", "--kind", "posix", "--name", name);
            assertEquals(0, child.exitCode(), child.stderr());
            assertEquals(mine.toString(StandardCharsets.UTF_8), child.stdout());
            assertTrue(child.stdout().contains("BufferDescriptors"), child.stdout());

            ChildJvm.Result info = ChildJvm.run("shm", "info", "--kind", "posix", "--name", name);
            assertEquals(0, info.exitCode(), info.stderr());
            assertTrue(info.stdout().contains("requested 1048576 bytes, mapped 1048576 bytes (1 MiB)"), info.stdout());
            assertTrue(info.stdout().contains("KernelPageSize 4 KiB"), info.stdout());
        }
        assertFalse(exists(name));
    }

    /** The README's walkthrough: create --index, then info, allocations and destroy from other processes. */
    @Test
    void createWithIndexThenTheWalkthroughsNextSteps() throws Exception {
        String name = name("walk");
        try {
            ChildJvm.Result create = ChildJvm.run(IN_RUN, "shm", "create", "--kind", "posix", "--name", name,
                    "--size", "8M", "--huge", "try", "--index");
            assertEquals(0, create.exitCode(), create.stderr());
            assertTrue(create.stdout().contains("left in place; remove it with: allocbench shm destroy --kind posix"
                    + " --name " + name), create.stdout());

            ChildJvm.Result info = ChildJvm.run("shm", "info", "--kind", "posix", "--name", name);
            assertEquals(0, info.exitCode(), info.stderr());
            assertTrue(info.stdout().contains("mapped 8388608 bytes (8 MiB)"), info.stdout());

            ChildJvm.Result allocations = ChildJvm.run("shm", "allocations", "--kind", "posix", "--name", name);
            assertEquals(0, allocations.exitCode(), allocations.stderr());
            assertTrue(allocations.stdout().lines().anyMatch(l -> l.startsWith("ShmemIndex ")), allocations.stdout());
            assertTrue(allocations.stdout().lines().anyMatch(l -> l.startsWith("<anonymous> ")), allocations.stdout());

            ChildJvm.Result destroy = ChildJvm.run("shm", "destroy", "--kind", "posix", "--name", name);
            assertEquals(0, destroy.exitCode(), destroy.stderr());
            assertTrue(destroy.stdout().startsWith("destroyed posix " + name), destroy.stdout());
            assertFalse(exists(name));
        } finally {
            Files.deleteIfExists(Path.of("/dev/shm" + name));
        }
    }

    @Test
    void sysvCreateWithoutAKeyGetsOneThatDestroyAccepts() throws Exception {
        ChildJvm.Result create = ChildJvm.run(IN_RUN, "shm", "create", "--kind", "sysv", "--size", "1M");
        assertEquals(0, create.exitCode(), create.stderr());
        Matcher m = Pattern.compile("remove it with: allocbench shm destroy --kind sysv --key (0x4142[0-9a-f]{4})\n")
                .matcher(create.stdout());
        assertTrue(m.find(), create.stdout());
        ChildJvm.Result destroy = ChildJvm.run("shm", "destroy", "--kind", "sysv", "--key", m.group(1));
        assertEquals(0, destroy.exitCode(), destroy.stderr());
        assertThrows(SharedSegmentException.class, () -> SharedSegment.attachSysv(Long.decode(m.group(1))));

        ChildJvm.Result privateKey = ChildJvm.run("shm", "create", "--kind", "sysv", "--size", "1M", "--key", "0");
        assertEquals(1, privateKey.exitCode());
        assertTrue(privateKey.stderr().startsWith("allocbench shm: a private SysV segment (key 0) could not be attached"
                + " or destroyed by another command; leave out --key"), privateKey.stderr());
    }

    @Test
    void cleanupRemovesExactlyWhatThisRunsKilledChildrenLeft() throws Exception {
        String leftName = name("left");
        String liveName = name("live");
        String foreignName = name("foreign");
        Holder killed = hold("--kind", "sysv", "--size", "1M");
        long staleKey = killed.sysvKey();
        killed.kill();
        Holder live = hold("--kind", "posix", "--name", liveName, "--size", "64k");
        try {
            ChildJvm.Result left = ChildJvm.run(IN_RUN, "shm", "create", "--kind", "posix", "--name", leftName,
                    "--size", "64k");
            assertEquals(0, left.exitCode(), left.stderr());
            // The tool's prefix but no owner record: not ours, whatever its name.
            Files.createFile(Path.of("/dev/shm" + foreignName));
            SharedSegment.attachSysv(staleKey).detach(); // the killed child's segment survived it

            ChildJvm.Result cleanup = ChildJvm.run("shm", "cleanup", "--run", RUN);
            assertEquals(0, cleanup.exitCode(), cleanup.stderr());
            List<String> report = cleanup.stdout().lines().toList();
            String hex = "0x" + Long.toHexString(staleKey);
            assertTrue(report.stream().anyMatch(l -> l.startsWith("removed SysV segment key " + hex + " (id ")
                    && l.contains(": its creator (PID ") && l.endsWith("has ended and no process uses it")),
                    report.toString());
            assertTrue(report.contains("kept POSIX segment " + leftName + ": made by allocbench shm create to outlive"
                    + " its creator; remove it with `allocbench shm destroy --kind posix --name " + leftName + "` or"
                    + " `allocbench shm cleanup --explicit`"), report.toString());
            assertTrue(report.stream().anyMatch(l -> l.startsWith("kept POSIX segment " + liveName + ": its creator (PID "
                    + live.process().pid() + ", run " + RUN + ") is still running")), report.toString());
            assertTrue(report.stream().noneMatch(l -> l.contains(foreignName)), report.toString());
            assertEquals("1 stale segment(s) removed", report.getLast());
            assertThrows(SharedSegmentException.class, () -> SharedSegment.attachSysv(staleKey));
            assertTrue(exists(leftName));
            assertTrue(exists(liveName));

            live.kill();
            ChildJvm.Result explicit = ChildJvm.run("shm", "cleanup", "--run", RUN, "--explicit");
            assertEquals(0, explicit.exitCode(), explicit.stderr());
            assertTrue(explicit.stdout().contains("removed POSIX segment " + leftName + ": "), explicit.stdout());
            assertTrue(explicit.stdout().contains("removed POSIX segment " + liveName + ": "), explicit.stdout());
            assertTrue(explicit.stdout().endsWith("2 stale segment(s) removed\n"), explicit.stdout());
            assertFalse(exists(leftName));
            assertFalse(exists(liveName));
            assertTrue(exists(foreignName), "a segment without an owner record is never removed");
        } finally {
            live.kill();
            Files.deleteIfExists(Path.of("/dev/shm" + foreignName));
            for (String n : List.of(leftName, liveName)) {
                if (exists(n)) {
                    SharedSegment.remove(SegmentKind.POSIX, n);
                }
            }
        }
    }

    @Test
    void badInputIsOneClearLineAndStatusOne() throws Exception {
        ChildJvm.Result zero = ChildJvm.run("shm", "create", "--kind", "posix", "--name", name("zero"), "--size", "0");
        assertEquals(1, zero.exitCode());
        assertTrue(zero.stderr().startsWith("allocbench shm: invalid shared memory segment size 0"), zero.stderr());

        ChildJvm.Result missing = ChildJvm.run("shm", "info", "--kind", "posix", "--name", name("missing"));
        assertEquals(1, missing.exitCode());
        assertEquals("allocbench shm: could not open shared memory segment \"" + name("missing")
                + "\": No such file or directory\n", missing.stderr());
    }

    /** The rules are ByteSize's (ByteSizeTest); an option says what is wrong in picocli's terms, no class name. */
    @Test
    void aSizeOptionConvertsWithTheOneSizeParser() {
        assertEquals(2L << 20, new ByteSizeConverter().convert("2M"));
        assertEquals("not a size: \"lots\" (examples: 4096, 64k, 2M, 1G)", assertThrows(
                picocli.CommandLine.TypeConversionException.class, () -> new ByteSizeConverter().convert("lots"))
                .getMessage());
    }
}
