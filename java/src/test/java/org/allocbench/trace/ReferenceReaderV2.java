package org.allocbench.trace;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fuzz test's reference for version 2 (docs/trace-format.md#version-2), written the obvious way and
 * sharing no code with {@link TraceReader}: a regex per line kind, BigInteger ranges, and the context tree as
 * maps and sets walked naively (a reset or delete looks at every context and every slot). Returns what the
 * format prescribes for the lines after {@code trace 2}: the ops, placements and expectations, or the first
 * bad line.
 */
final class ReferenceReaderV2 {
    private static final String NUM = "(0|[1-9][0-9]*)";
    private static final Pattern SLOTS = Pattern.compile("slots " + NUM);
    private static final Pattern CONTEXTS = Pattern.compile("contexts " + NUM);
    private static final Pattern THREADS = Pattern.compile("threads " + NUM);
    private static final Pattern SIZED = Pattern.compile("([azr]) " + NUM + " " + NUM);
    private static final Pattern ONE = Pattern.compile("([ftudR]) " + NUM);
    private static final Pattern CREATE = Pattern.compile(
            "c " + NUM + " " + NUM + " " + NUM + " " + NUM + " " + NUM + " ([!-~]+(?: [!-~]+)*)");
    private static final Pattern EXPECT = Pattern.compile("e " + NUM + " " + NUM + " " + NUM + " " + NUM + " " + NUM);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private ReferenceReaderV2() {
    }

    static TraceFuzzTest.Outcome read(List<String> lines, int first) {
        int slots = 0;
        int contexts = 0;
        int threads = 0;
        int header = 0;
        Map<Integer, Integer> parent = new HashMap<>();
        Set<Integer> live = new HashSet<>();
        Set<Integer> created = new HashSet<>();
        Map<Integer, Integer> slotContext = new HashMap<>();
        int[] current = null;
        int thread = 0;
        List<Long> ops = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        List<Expectation> expected = new ArrayList<>();
        for (int i = first; i < lines.size(); i++) {
            String line = lines.get(i);
            long number = i + 1;
            if (line.length() > TraceReader.MAX_LINE) {
                return TraceFuzzTest.Outcome.rejected(number);
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == '#') {
                if (!line.chars().skip(1).allMatch(c -> c == '\t' || (c >= 0x20 && c <= 0x7e))) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                continue;
            }
            if (header < 3) {
                Pattern p = header == 0 ? SLOTS : header == 1 ? CONTEXTS : THREADS;
                long max = header == 0 ? OpSequence.MAX_SLOTS : header == 1 ? Placement.MAX_CONTEXTS
                        : Placement.MAX_THREADS;
                Matcher m = p.matcher(line);
                if (!m.matches() || !within(m.group(1), 1, max)) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                int value = Integer.parseInt(m.group(1));
                if (header == 0) {
                    slots = value;
                } else if (header == 1) {
                    contexts = value;
                } else {
                    threads = value;
                    current = new int[threads];
                    live.add(0);
                    created.add(0);
                }
                header++;
                continue;
            }
            Matcher sized = SIZED.matcher(line);
            Matcher one = ONE.matcher(line);
            Matcher create = CREATE.matcher(line);
            Matcher expect = EXPECT.matcher(line);
            if (sized.matches()) {
                if (!within(sized.group(2), 0, slots - 1) || !within(sized.group(3), 1, OpSequence.MAX_SIZE)) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                int slot = Integer.parseInt(sized.group(2));
                long size = Long.parseLong(sized.group(3));
                char op = sized.group(1).charAt(0);
                int context = op == 'r' ? slotContext.getOrDefault(slot, -1) : current[thread];
                if (slotContext.containsKey(slot) != (op == 'r') || !live.contains(context)) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                slotContext.put(slot, context);
                byte kind = op == 'a' ? OpSequence.ALLOC : op == 'z' ? OpSequence.ALLOC_ZEROED : OpSequence.REALLOC;
                ops.add(OpSequence.encode(kind, slot, size));
                where.add(Placement.encode(context, thread));
            } else if (line.equals("R")) {
                if (!live.contains(current[thread])) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                release(current[thread], false, parent, live, slotContext);
                ops.add(OpSequence.encode(OpSequence.RESET, 0, 0));
                where.add(Placement.encode(current[thread], thread));
            } else if (one.matches()) {
                char op = one.group(1).charAt(0);
                long limit = op == 'f' ? slots - 1 : op == 't' ? threads - 1 : contexts - 1;
                if (!within(one.group(2), 0, limit)) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                int n = Integer.parseInt(one.group(2));
                switch (op) {
                    case 'f' -> {
                        Integer context = slotContext.remove(n);
                        if (context == null) {
                            return TraceFuzzTest.Outcome.rejected(number);
                        }
                        ops.add(OpSequence.encode(OpSequence.FREE, n, 0));
                        where.add(Placement.encode(context, thread));
                    }
                    case 't' -> thread = n;
                    case 'u' -> {
                        if (!live.contains(n)) {
                            return TraceFuzzTest.Outcome.rejected(number);
                        }
                        current[thread] = n;
                    }
                    default -> { // R C, d C
                        if (!live.contains(n) || (op == 'd' && n == 0)) {
                            return TraceFuzzTest.Outcome.rejected(number);
                        }
                        release(n, op == 'd', parent, live, slotContext);
                        ops.add(OpSequence.encode(op == 'd' ? OpSequence.DELETE : OpSequence.RESET, 0, 0));
                        where.add(Placement.encode(n, thread));
                    }
                }
            } else if (create.matches() && create.group(6).length() <= TraceReader.MAX_NAME) {
                if (!within(create.group(1), 1, contexts - 1) || !within(create.group(2), 0, contexts - 1)
                        || !within(create.group(3), 0, Long.MAX_VALUE) || !within(create.group(4), 0, Long.MAX_VALUE)
                        || !within(create.group(5), 0, Long.MAX_VALUE)) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                long min = Long.parseLong(create.group(3));
                long init = Long.parseLong(create.group(4));
                long max = Long.parseLong(create.group(5));
                boolean sizesOk = init >= 1024 && init % 8 == 0 && max >= init && max % 8 == 0 && max < (1L << 30)
                        && (min == 0 || (min >= 1024 && min % 8 == 0 && min <= max));
                int id = Integer.parseInt(create.group(1));
                int p = Integer.parseInt(create.group(2));
                if (!sizesOk || created.contains(id) || !live.contains(p)) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                created.add(id);
                live.add(id);
                parent.put(id, p);
                ops.add(OpSequence.encode(OpSequence.CREATE, 0, 0));
                where.add(Placement.encode(id, thread));
            } else if (expect.matches()) {
                for (int g = 2; g <= 5; g++) {
                    if (new BigInteger(expect.group(g)).compareTo(LONG_MAX) > 0) {
                        return TraceFuzzTest.Outcome.rejected(number);
                    }
                }
                if (!within(expect.group(1), 0, contexts - 1)
                        || Long.parseLong(expect.group(5)) > Long.parseLong(expect.group(2))
                        || !live.contains(Integer.parseInt(expect.group(1)))) {
                    return TraceFuzzTest.Outcome.rejected(number);
                }
                expected.add(new Expectation(ops.size(), Integer.parseInt(expect.group(1)),
                        Long.parseLong(expect.group(2)), Long.parseLong(expect.group(3)),
                        Long.parseLong(expect.group(4)), Long.parseLong(expect.group(5))));
            } else {
                return TraceFuzzTest.Outcome.rejected(number);
            }
        }
        if (header < 3) {
            return TraceFuzzTest.Outcome.rejected(0);
        }
        return new TraceFuzzTest.Outcome(true, slots, ops.stream().mapToLong(Long::longValue).toArray(), 0,
                where.stream().mapToInt(Integer::intValue).toArray(), expected);
    }

    /** Every context below {@code top} dies (and top if deleted); every slot of top and of them empties. */
    private static void release(int top, boolean deleteTop, Map<Integer, Integer> parent, Set<Integer> live,
            Map<Integer, Integer> slotContext) {
        Set<Integer> gone = new HashSet<>();
        for (int c : live) {
            if (c == top || descends(c, top, parent)) {
                gone.add(c);
            }
        }
        slotContext.values().removeIf(gone::contains);
        gone.remove(top);
        live.removeAll(gone);
        if (deleteTop) {
            live.remove(top);
        }
    }

    private static boolean descends(int c, int top, Map<Integer, Integer> parent) {
        for (Integer up = parent.get(c); up != null; up = parent.get(up)) {
            if (up == top) {
                return true;
            }
        }
        return false;
    }

    private static boolean within(String digits, long min, long max) {
        BigInteger n = new BigInteger(digits);
        return n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0;
    }
}
