package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checking builds from Java: PostgreSQL's messages arrive as exceptions of kind MEMORY_CHECK. */
class CheckingVariantTest {

    @ParameterizedTest
    @ValueSource(strings = {"pg16-check", "pg15-check"})
    void corruptionAndDoubleFreeAreReportedInPostgresWords(String name) {
        AllocSetVariant variant = AllocSetVariant.load(name);
        assertEquals(name, variant.layout());
        long context = variant.createContext("checked", AllocSetSizes.DEFAULT);
        try {
            long p = variant.uncheckedAlloc(context, 10);
            assertEquals((byte) 0x7E, AddressSpace.ALL.get(ValueLayout.JAVA_BYTE, p + 10), "the sentinel");
            AddressSpace.ALL.set(ValueLayout.JAVA_BYTE, p + 10, (byte) 'x');
            MemoryContextException past = assertThrows(MemoryContextException.class, () -> variant.uncheckedFree(p));
            assertEquals(MemoryContextException.Kind.MEMORY_CHECK, past.kind());
            assertTrue(past.getMessage().startsWith("detected write past chunk end in checked 0x"), past.getMessage());

            AddressSpace.ALL.set(ValueLayout.JAVA_BYTE, p + 10, (byte) 0x7E);
            variant.uncheckedFree(p);
            MemoryContextException twice = assertThrows(MemoryContextException.class, () -> variant.uncheckedFree(p));
            assertTrue(twice.getMessage().startsWith("detected double pfree in "), twice.getMessage());
            MemoryContextException realloc = assertThrows(MemoryContextException.class,
                    () -> variant.uncheckedRealloc(p, 100));
            assertTrue(realloc.getMessage().startsWith("detected realloc of freed chunk in "), realloc.getMessage());
        } finally {
            variant.deleteContext(context);
        }
    }
}
