package org.allocbench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A written .hlog reads back, through HdrHistogram's own reader, as the same histogram. */
class HlogFilesTest {

    @Test
    void roundTrip(@TempDir Path dir) throws Exception {
        Histogram h = LatencyRecorder.newHistogram();
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            h.recordValue(20 + (long) (-Math.log(1 - random.nextDouble()) * 40));
        }
        h.recordValue(3_000_000);
        long start = 1_700_000_000_000L;
        h.setStartTimeStamp(start);
        h.setEndTimeStamp(start + 1234);
        Path file = dir.resolve(HlogFiles.fileName("aset-java", "small-churn"));
        HlogFiles.write(file, h, List.of("allocbench latency: allocator=aset-java trace=small-churn mode=per-op", "timer: 25 ns"));

        String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("#allocbench latency: allocator=aset-java trace=small-churn mode=per-op\n"), text);
        assertTrue(text.contains("#[StartTime: 1700000000.000"), text);
        assertTrue(text.contains("#[BaseTime: 1700000000.000"), text);
        assertTrue(!text.contains("Tag="), text); // untagged: HistogramLogProcessor -i FILE reads it as is

        List<Histogram> back = HlogFiles.read(file);
        assertEquals(1, back.size());
        Histogram r = back.get(0);
        assertEquals(h.getTotalCount(), r.getTotalCount());
        assertEquals(h.getMaxValue(), r.getMaxValue());
        for (double p : new double[] {50, 90, 99, 99.9, 100}) {
            assertEquals(h.getValueAtPercentile(p), r.getValueAtPercentile(p), "p" + p);
        }
        assertEquals(null, r.getTag());
        assertEquals(start, r.getStartTimeStamp());
        assertEquals(start + 1234, r.getEndTimeStamp());
        assertEquals(h, r);

        // HdrHistogram's own tool, as a user would run it: -i FILE -o OUT writes OUT.hgrm
        Path out = dir.resolve("processed");
        new HistogramLogProcessor(new String[] {"-i", file.toString(), "-o", out.toString(),
                "-outputValueUnitRatio", "1"}).run();
        String hgrm = Files.readString(dir.resolve("processed.hgrm"), StandardCharsets.US_ASCII);
        assertTrue(hgrm.contains("Total count    =       100001"), hgrm);
        assertTrue(hgrm.contains("Max     =  " + String.format("%.3f", (double) h.getMaxValue())), hgrm);
    }
}
