package org.allocbench.owned;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command started in a session of its own ({@code setsid}, util-linux, where
 * there is one), so that a signal to our process group (Ctrl-C, a CI timeout
 * killing the group) does not reach it: for what must outlive us or finish
 * cleanly on its own (the reaper; initdb, whose single-user backend killed
 * halfway would strand its shared memory).
 */
public final class OwnSession {

    private OwnSession() {
    }

    /** {@code command} behind setsid ({@code --wait}: setsid waits for it and exits with its status), or as is. */
    public static List<String> wrap(List<String> command, boolean wait) {
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                List<String> wrapped = new ArrayList<>(List.of(setsid));
                if (wait) {
                    wrapped.add("--wait");
                }
                wrapped.addAll(command);
                return wrapped;
            }
        }
        return command;
    }
}
