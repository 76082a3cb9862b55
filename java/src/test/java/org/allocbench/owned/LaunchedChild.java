package org.allocbench.owned;

import java.lang.management.ManagementFactory;

/** Prints what a JVM started by {@link JvmLauncher} was given, one item a line, then its arguments. */
public final class LaunchedChild {

    private LaunchedChild() {
    }

    public static void main(String[] args) {
        System.out.println(System.getProperty("java.io.tmpdir"));
        System.out.println(System.getenv("GLIBC_TUNABLES"));
        System.out.println(System.getenv(ParentWatch.ENV));
        System.out.println(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println(String.join(" ", args));
    }
}
