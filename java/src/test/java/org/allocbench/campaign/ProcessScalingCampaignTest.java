package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.allocbench.nativecore.PageMapping;
import org.junit.jupiter.api.Test;

/** The physics the process model's page-table figures are checked against, by hand. */
class ProcessScalingCampaignTest {

    private static final long GIB = 1L << 30;

    @Test
    void pageTablesPerGibPerProcess() {
        // 262,144 pages of 4 KiB, 8 bytes each: 2 MiB of PTE tables per GiB
        assertEquals(2L << 20, ProcessScalingCampaign.expectedPageTableBytes(GIB, PageMapping.SMALL));
        // 512 entries of 2 MiB pages: one 4 KiB PMD table per GiB
        assertEquals(4096, ProcessScalingCampaign.expectedPageTableBytes(GIB, PageMapping.HUGE_2M));
        assertEquals(4096, ProcessScalingCampaign.expectedPageTableBytes(GIB, PageMapping.TRANSPARENT));
        // one entry in a PUD table every process has anyway
        assertEquals(0, ProcessScalingCampaign.expectedPageTableBytes(GIB, PageMapping.HUGE_1G));
        // 8 MiB: 2,048 entries, 16 KiB; a part of a table is a whole table
        assertEquals(16384, ProcessScalingCampaign.expectedPageTableBytes(8L << 20, PageMapping.SMALL));
        assertEquals(4096, ProcessScalingCampaign.expectedPageTableBytes(8L << 20, PageMapping.HUGE_2M));
    }

    @Test
    void bytesReadAsPeopleWriteThem() {
        assertEquals("2.06 MiB", ProcessScalingTable.bytes(2_158_592));
        assertEquals("4.0 KiB", ProcessScalingTable.bytes(4096));
        assertEquals("0 B", ProcessScalingTable.bytes(0));
    }
}
