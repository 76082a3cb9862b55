package org.allocbench.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Puts a version 2 trace file together: comment lines, the header, then the body {@link TraceBody} wrote
 * (docs/trace-format.md); gzip-compressed at deflate level 1 when the name ends in {@code .gz}, as
 * {@code TraceWriter} does.
 */
final class TraceFile {

    /** The longest comment text: a line is at most 1024 bytes, "# " included (docs/trace-format.md). */
    static final int MAX_COMMENT = 1022;

    private TraceFile() {
    }

    /** Writes {@code output}; the caller deletes it if this throws. */
    static void write(Path output, List<String> comments, int slots, int contexts, int threads, Path body)
            throws IOException {
        StringBuilder head = new StringBuilder();
        for (String comment : comments) {
            head.append(comment.isEmpty() ? "#" : "# " + printable(comment)).append('\n');
        }
        head.append("trace 2\nslots ").append(slots).append("\ncontexts ").append(contexts).append("\nthreads ")
                .append(threads).append('\n');
        try (OutputStream raw = Files.newOutputStream(output);
                OutputStream out = gzip(output) ? fastGzip(raw) : raw;
                InputStream in = Files.newInputStream(body)) {
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            in.transferTo(out);
        }
    }

    static boolean gzip(Path output) {
        return output.getFileName() != null
                && output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    /** Text fit for a comment line: printable ASCII (others become '?'), cut to the longest a line takes. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_COMMENT));
        for (int i = 0; i < text.length() && b.length() < MAX_COMMENT; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        return b.toString();
    }

    private static OutputStream fastGzip(OutputStream raw) throws IOException {
        return new GZIPOutputStream(raw, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }
}
