package org.allocbench.owned;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process that claims what its arguments name and then waits to be killed:
 * {@code dir:<path>} (created), {@code run:<results.json>}. Prints "ready" once
 * everything is claimed and made.
 */
public final class ClaimingChild {

    private ClaimingChild() {
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            String[] kv = a.split(":", 2);
            switch (kv[0]) {
                case "dir" -> {
                    Ownership.claim(new Resource.TempDir(Path.of(kv[1])));
                    Files.createDirectories(Path.of(kv[1]).resolve("sub"));
                    Files.writeString(Path.of(kv[1]).resolve("sub/file"), "x");
                }
                case "run" -> Ownership.claim(new Resource.RunFile(Path.of(kv[1])));
                default -> throw new IllegalArgumentException(a);
            }
        }
        System.out.println("ready " + Ownership.recordFile());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
