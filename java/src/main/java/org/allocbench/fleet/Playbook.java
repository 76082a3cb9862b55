package org.allocbench.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The fleet playbook as the jar carries it (the build copies scripts/fleet and the launcher's pieces from
 * scripts/lib under {@code fleet-playbook/}): written out in the checkout's layout, so that the playbook finds
 * its neighbours as it does in a checkout ({@code playbook_dir/../lib}).
 */
final class Playbook {

    private static final String RESOURCES = "fleet-playbook/";
    /** Every file of it, relative to the layout's root; the scripts are made executable. */
    static final List<String> FILES = List.of("fleet/fleet.yml", "fleet/remote-allocbench.sh",
            "fleet/callback_plugins/allocbench_events.py", "lib/jdk.sh", "lib/jvm-launch.sh");
    static final String PLAYBOOK = "fleet/fleet.yml";
    static final String CALLBACKS = "fleet/callback_plugins";

    private Playbook() {
    }

    /** Writes the files under {@code root} and returns the playbook's path. */
    static Path writeTo(Path root) {
        try {
            for (String file : FILES) {
                Path target = root.resolve(file);
                Files.createDirectories(target.getParent());
                try (InputStream in = Playbook.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
                    if (in == null) {
                        throw new IllegalStateException("this allocbench was built without its fleet playbook ("
                                + RESOURCES + file + " is not on the class path): rebuild it with ./mvnw package");
                    }
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (file.endsWith(".sh")) {
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fleet playbook under " + root + ": " + e.getMessage(), e);
        }
        return root.resolve(PLAYBOOK);
    }
}
