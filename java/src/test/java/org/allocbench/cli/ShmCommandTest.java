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
import java.util.List;
import org.allocbench.ChildJvm;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.nativecore.SharedSegment;
import org.allocbench.nativecore.SharedSegmentException;
import org.junit.jupiter.api.Test;

/** {@code allocbench shm} in a second JVM: the same segment seen from two processes, and stale ones cleaned up. */
class ShmCommandTest {

    private static String name(String tag) {
        return "/allocbench.jtest." + ProcessHandle.current().pid() + "." + tag;
    }

    private static long key(int tag) {
        return 0x41420000L + (ProcessHandle.current().pid() * 16 + tag) % 0x10000;
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
        assertFalse(Files.exists(Path.of("/dev/shm" + name)));
    }

    @Test
    void cleanupRemovesWhatAKilledRunLeftAndKeepsWhatIsInUse() throws Exception {
        long staleKey = key(9);
        String leftName = name("left");
        String liveName = name("live");
        Process holder = ChildJvm.start("shm", "create", "--kind", "sysv", "--key", "0x" + Long.toHexString(staleKey),
                "--size", "1M", "--hold", "60");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("holding")) {
                // wait until the segment exists
            }
        }
        holder.destroyForcibly().waitFor(); // SIGKILL: no chance to destroy it
        ChildJvm.Result left = ChildJvm.run("shm", "create", "--kind", "posix", "--name", leftName, "--size", "64k");
        assertEquals(0, left.exitCode(), left.stderr());
        assertTrue(left.stdout().contains("left in place; remove it with: allocbench shm destroy --kind posix --name "
                + leftName), left.stdout());

        try (SharedSegment live = SharedSegment.builder(SegmentKind.POSIX).name(liveName).size(4096).create()) {
            SharedSegment.attachSysv(staleKey).detach(); // it survived its creator
            List<String> report = SharedSegment.cleanup();
            String hex = "0x" + Long.toHexString(staleKey);
            assertTrue(report.stream().anyMatch(l -> l.startsWith("removed SysV segment key " + hex + " (id ")
                    && l.endsWith(", 1048576 bytes)")), report.toString());
            assertTrue(report.contains("removed POSIX segment " + leftName), report.toString());
            assertTrue(report.contains("kept POSIX segment " + liveName + ": in use by a process"), report.toString());
            assertThrows(SharedSegmentException.class, () -> SharedSegment.attachSysv(staleKey));
            assertFalse(Files.exists(Path.of("/dev/shm" + leftName)));
            assertTrue(Files.exists(Path.of("/dev/shm" + liveName)));
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

    @Test
    void sizesParseAsUsersTypeThem() {
        assertEquals(4096, ByteSize.parse("4096"));
        assertEquals(64 << 10, ByteSize.parse("64k"));
        assertEquals(2 << 20, ByteSize.parse("2M"));
        assertEquals(1L << 30, ByteSize.parse("1GiB"));
        assertEquals("2 MiB", ByteSize.format(2 << 20));
        assertEquals("1536 B", ByteSize.format(1536));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> ByteSize.parse("lots"));
    }
}
