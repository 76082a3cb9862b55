package org.allocbench.cli;

import org.allocbench.nativecore.AllocSetNative;
import picocli.CommandLine;

/** Version of the jar and of the native core it carries. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "allocbench " + (version == null ? "(development build)" : version),
            "native core: " + AllocSetNative.variant() + " chunk layout",
            "JVM: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
