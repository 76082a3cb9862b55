package org.allocbench.nativecore;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** Linking downcalls the one way the suite does it, for every native library it calls. */
public final class Downcalls {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private Downcalls() {
    }

    /**
     * A downcall handle for {@code name} in {@code library}. {@code critical}
     * links with {@link Linker.Option#critical(boolean) critical(false)}: only
     * for calls that are short and never block or call back into Java.
     */
    public static MethodHandle link(SymbolLookup library, String libraryName, String name,
            FunctionDescriptor descriptor, boolean critical) {
        var symbol = library.find(name).orElseThrow(() -> new UnsatisfiedLinkError(libraryName + " has no symbol " + name));
        return critical
                ? LINKER.downcallHandle(symbol, descriptor, CRITICAL)
                : LINKER.downcallHandle(symbol, descriptor);
    }

    /** The C library's symbols (malloc, free, ...). */
    public static SymbolLookup libc() {
        return LINKER.defaultLookup();
    }

    /** Downcall handles declare Throwable; ours throw only unchecked ones, rethrown as they are. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
