/*
 * test_dump.c -- ab_stats_dump (MemoryContextStats' text) and
 * ab_context_rows (pg_backend_memory_contexts' rows).
 *
 * Line format: NAME: T total in N blocks; F free (C chunks); U used[: IDENT],
 * two spaces per level; "K more child contexts containing ..." for children
 * past max_children (K counts their descendants too); then
 * "Grand total: T bytes in N blocks; F free (C chunks); U used".
 */
#include <stdlib.h>

#include "testing.h"

#define SMALL_FRESH "1024 total in 1 blocks; 784 free (0 chunks); 240 used"

/* The whole dump as a malloc'd string (sized with a first call). */
static char *dump(AbContext *ctx, int max_children)
{
    size_t n = ab_stats_dump(ctx, max_children, NULL, 0);
    char *buf = malloc(n + 1);

    if (buf != NULL && ab_stats_dump(ctx, max_children, buf, n + 1) != n)
        buf[0] = '\0';
    return buf;
}

#define CHECK_DUMP(ctx, max_children, expected) \
    do { \
        char *dump_text_ = dump((ctx), (max_children)); \
        CHECK_EQ_STR(dump_text_, (expected)); \
        free(dump_text_); \
    } while (0)

/*
 * Top (DEFAULT): alloc 100 and free it -> 8192 total, 7952 free in 1 chunk, 240 used.
 * Child (SMALL): alloc 2000 > limit 1024 -> block 2000 + 48 = 2048:
 *   3072 total in 2 blocks; 784 free; 2288 used.
 * Grandchild (SMALL, ident): alloc 10 -> 16 + 8 = 24: 1024 total; 760 free; 264 used.
 * Grand total: 12288 bytes in 4 blocks; 9496 free (1 chunk); 2792 used.
 */
static AbContext *three_levels(AbContext **child_out)
{
    AbContext *top = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    AbContext *child, *grandchild;

    if (top == NULL)
        return NULL;
    child = ab_aset_create(top, "Child", 0, 1024, 8192);
    grandchild = ab_aset_create(child, "Grandchild", 0, 1024, 8192);
    ab_set_ident(grandchild, "IDENT");
    ab_free(ab_alloc(top, 100));
    ab_alloc(child, 2000);
    ab_alloc(grandchild, 10);
    *child_out = child;
    return top;
}

static const char three_level_text[] =
    "Top: 8192 total in 1 blocks; 7952 free (1 chunks); 240 used\n"
    "  Child: 3072 total in 2 blocks; 784 free (0 chunks); 2288 used\n"
    "    Grandchild: 1024 total in 1 blocks; 760 free (0 chunks); 264 used: IDENT\n"
    "Grand total: 12288 bytes in 4 blocks; 9496 free (1 chunks); 2792 used\n";

TEST(dump_three_levels)
{
    AbContext *child = NULL;
    AbContext *top = three_levels(&child);

    REQUIRE(top != NULL);
    CHECK_DUMP(top, 100, three_level_text);
    CHECK_DUMP(top, 0, three_level_text);       /* 0: PostgreSQL's default of 100 */
    /* a subtree: levels count from the context dumped */
    CHECK_DUMP(child, 100,
               "Child: 3072 total in 2 blocks; 784 free (0 chunks); 2288 used\n"
               "  Grandchild: 1024 total in 1 blocks; 760 free (0 chunks); 264 used: IDENT\n"
               "Grand total: 4096 bytes in 3 blocks; 1544 free (0 chunks); 2552 used\n");
    ab_delete(top);
}

TEST(dump_buffer_too_small)
{
    AbContext *child = NULL;
    AbContext *top = three_levels(&child);
    size_t len = strlen(three_level_text);
    char buf[400];

    REQUIRE(top != NULL);
    REQUIRE(len < sizeof(buf) - 1);
    CHECK_EQ_U64(ab_stats_dump(top, 100, NULL, 0), len);

    /* one byte short (no room for the NUL): the needed length, an empty string, nothing past buflen */
    memset(buf, '#', sizeof(buf));
    CHECK_EQ_U64(ab_stats_dump(top, 100, buf, len), len);
    CHECK_EQ_I64(buf[0], '\0');
    for (size_t i = len; i < sizeof(buf); i++)
        if (buf[i] != '#')
        {
            test_fail(__FILE__, __LINE__, "byte %zu past buflen %zu was written", i, len);
            break;
        }

    memset(buf, '#', sizeof(buf));
    CHECK_EQ_U64(ab_stats_dump(top, 100, buf, 20), len);
    CHECK_EQ_I64(buf[0], '\0');
    CHECK_EQ_I64(buf[20], '#');

    /* buflen 0: nothing written at all */
    memset(buf, '#', sizeof(buf));
    CHECK_EQ_U64(ab_stats_dump(top, 100, buf, 0), len);
    CHECK_EQ_I64(buf[0], '#');

    /* exactly enough */
    memset(buf, '#', sizeof(buf));
    CHECK_EQ_U64(ab_stats_dump(top, 100, buf, len + 1), len);
    CHECK_EQ_STR(buf, three_level_text);
    CHECK_EQ_I64(buf[len + 1], '#');
    ab_delete(top);
}

/*
 * Top with children created A, B, C, D (listed D, C, B, A); A has AG (which
 * allocated 100: 136 bytes), D has D1, D2, D3 (listed D3, D2, D1).  All SMALL.
 * max_children 2: D3, D2 printed, D1 summarised; D, C printed, then B, A and
 * AG summarised: 3 contexts = 3072 total, 784 + 784 + 648 = 2216 free, 856 used.
 * Grand total: 8192 + 8 * 1024 = 16384 in 9 blocks; 7952 + 8 * 784 - 136 = 14088 free;
 * used 16384 - 14088 = 2296.
 */
TEST(dump_summarises_children_past_max)
{
    AbContext *top = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    AbContext *a, *d;

    REQUIRE(top != NULL);
    a = ab_aset_create(top, "A", 0, 1024, 8192);
    REQUIRE(a != NULL);
    REQUIRE(ab_alloc(ab_aset_create(a, "AG", 0, 1024, 8192), 100) != NULL);
    REQUIRE(ab_aset_create(top, "B", 0, 1024, 8192) != NULL);
    REQUIRE(ab_aset_create(top, "C", 0, 1024, 8192) != NULL);
    d = ab_aset_create(top, "D", 0, 1024, 8192);
    REQUIRE(d != NULL);
    REQUIRE(ab_aset_create(d, "D1", 0, 1024, 8192) != NULL);
    REQUIRE(ab_aset_create(d, "D2", 0, 1024, 8192) != NULL);
    REQUIRE(ab_aset_create(d, "D3", 0, 1024, 8192) != NULL);

    CHECK_DUMP(top, 2,
               "Top: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used\n"
               "  D: " SMALL_FRESH "\n"
               "    D3: " SMALL_FRESH "\n"
               "    D2: " SMALL_FRESH "\n"
               "    1 more child contexts containing " SMALL_FRESH "\n"
               "  C: " SMALL_FRESH "\n"
               "  3 more child contexts containing 3072 total in 3 blocks; 2216 free (0 chunks); 856 used\n"
               "Grand total: 16384 bytes in 9 blocks; 14088 free (0 chunks); 2296 used\n");
    /* max_children 1: only D, and inside it only D3 */
    CHECK_DUMP(top, 1,
               "Top: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used\n"
               "  D: " SMALL_FRESH "\n"
               "    D3: " SMALL_FRESH "\n"
               "    2 more child contexts containing 2048 total in 2 blocks; 1568 free (0 chunks); 480 used\n"
               "  4 more child contexts containing 4096 total in 4 blocks; 3000 free (0 chunks); 1096 used\n"
               "Grand total: 16384 bytes in 9 blocks; 14088 free (0 chunks); 2296 used\n");
    /* D alone (it has older siblings C, B, A): the summary must not walk into them */
    CHECK_DUMP(d, 1,
               "D: " SMALL_FRESH "\n"
               "  D3: " SMALL_FRESH "\n"
               "  2 more child contexts containing 2048 total in 2 blocks; 1568 free (0 chunks); 480 used\n"
               "Grand total: 4096 bytes in 4 blocks; 3136 free (0 chunks); 960 used\n");
    ab_delete(top);
}

/* max_children 0 means 100: with 101 children the oldest is summarised. */
TEST(dump_default_max_children_is_100)
{
    AbContext *top = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    char expected[16384];
    size_t off = 0;

    REQUIRE(top != NULL);
    for (int i = 0; i <= 100; i++)
    {
        char name[16];

        snprintf(name, sizeof(name), "c%03d", i);
        REQUIRE(ab_aset_create(top, name, 0, 1024, 8192) != NULL);
    }
    off += (size_t) snprintf(expected + off, sizeof(expected) - off,
                             "Top: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used\n");
    for (int i = 100; i >= 1; i--)
        off += (size_t) snprintf(expected + off, sizeof(expected) - off,
                                 "  c%03d: " SMALL_FRESH "\n", i);
    /* 8192 + 101 * 1024 = 111616; 7952 + 101 * 784 = 87136; 102 * 240 = 24480 */
    snprintf(expected + off, sizeof(expected) - off,
             "  1 more child contexts containing " SMALL_FRESH "\n"
             "Grand total: 111616 bytes in 102 blocks; 87136 free (0 chunks); 24480 used\n");
    CHECK_DUMP(top, 0, expected);
    ab_delete(top);
}

/* Below level 100 nothing is printed: a chain of 102 contexts prints levels 0..100 and summarises 101. */
TEST(dump_depth_limit)
{
    AbContext *chain[102];
    char *expected = malloc(64 * 1024);
    size_t off = 0;

    REQUIRE(expected != NULL);
    chain[0] = ab_aset_create(NULL, "L0", 0, 1024, 8192);
    REQUIRE(chain[0] != NULL);
    for (int i = 1; i < 102; i++)
    {
        char name[16];

        snprintf(name, sizeof(name), "L%d", i);
        chain[i] = ab_aset_create(chain[i - 1], name, 0, 1024, 8192);
        REQUIRE(chain[i] != NULL);
    }
    for (int level = 0; level <= 100; level++)
        off += (size_t) snprintf(expected + off, 64 * 1024 - off, "%*sL%d: " SMALL_FRESH "\n",
                                 2 * level, "", level);
    /* 102 * 1024 = 104448; 102 * 784 = 79968; 102 * 240 = 24480 */
    snprintf(expected + off, 64 * 1024 - off,
             "%*s1 more child contexts containing " SMALL_FRESH "\n"
             "Grand total: 104448 bytes in 102 blocks; 79968 free (0 chunks); 24480 used\n",
             2 * 101, "");
    CHECK_DUMP(chain[0], 100, expected);
    ab_delete(chain[0]);
    free(expected);
}

static void check_ident_line(const char *ident, const char *printed)
{
    AbContext *ctx = ab_aset_create(NULL, "I", 0, 1024, 8192);
    char expected[512];

    if (ctx == NULL)
    {
        test_fail(__FILE__, __LINE__, "create failed");
        return;
    }
    ab_set_ident(ctx, ident);
    snprintf(expected, sizeof(expected),
             "I: " SMALL_FRESH ": %s\n"
             "Grand total: 1024 bytes in 1 blocks; 784 free (0 chunks); 240 used\n", printed);
    CHECK_DUMP(ctx, 100, expected);
    ab_delete(ctx);
}

TEST(dump_ident_truncation_and_control_chars)
{
    char longer[121], exact[101], utf8[104], x100[101], a99[100];

    memset(longer, 'x', 120);
    longer[120] = '\0';
    memset(exact, 'y', 100);
    exact[100] = '\0';
    memset(x100, 'x', 100);
    x100[100] = '\0';
    /* 99 'a', then U+00E9 as C3 A9 straddling the 100-byte cut, then "zz" */
    memset(utf8, 'a', 99);
    memcpy(utf8 + 99, "\xc3\xa9zz", 5);
    memset(a99, 'a', 99);
    a99[99] = '\0';

    check_ident_line("plain", "plain");
    check_ident_line("a\tb\nc\rd\x01" "e", "a b c d e");
    check_ident_line(exact, exact);                     /* 100 bytes: no cut */
    {
        char want[110];

        snprintf(want, sizeof(want), "%s...", x100);    /* 120 -> first 100 + "..." */
        check_ident_line(longer, want);
        snprintf(want, sizeof(want), "%s...", a99);     /* never half a character */
        check_ident_line(utf8, want);
    }
}

/* A "dynahash" context is printed under its ident (as PostgreSQL does). */
TEST(dump_dynahash_uses_ident_as_name)
{
    AbContext *ctx = ab_aset_create(NULL, "dynahash", 0, 1024, 8192);

    REQUIRE(ctx != NULL);
    ab_set_ident(ctx, "Portal hash");
    CHECK_DUMP(ctx, 100,
               "Portal hash: " SMALL_FRESH "\n"
               "Grand total: 1024 bytes in 1 blocks; 784 free (0 chunks); 240 used\n");
    ab_delete(ctx);
}

static void check_row(const AbContextRow *row, const char *name, const char *ident,
                      const char *parent, int level, uint64_t total, uint64_t nblocks,
                      uint64_t freespace, uint64_t freechunks, uint64_t used)
{
    CHECK_EQ_STR(row->name, name);
    CHECK_EQ_STR(row->ident, ident);
    CHECK_EQ_STR(row->parent, parent);
    CHECK_EQ_I64(row->level, level);
    CHECK_EQ_U64(row->counters.totalspace, total);
    CHECK_EQ_U64(row->counters.nblocks, nblocks);
    CHECK_EQ_U64(row->counters.freespace, freespace);
    CHECK_EQ_U64(row->counters.freechunks, freechunks);
    CHECK_EQ_U64(row->counters.usedspace, used);
}

/*
 * Top; A created first, then B (ident "bee"); G under B, GG under G.  Walk
 * order: Top (0), B (1), G (2), GG (3), A (1) -- A's level checks the climb
 * back up two levels.  Top alloc 100: 7816 free, 376 used.  B alloc 2000:
 * block 2048 -> 3072 total, 2 blocks, 784 free, 2288 used.  G alloc 10:
 * 760 free, 264 used.  GG and A fresh.
 */
TEST(context_rows_tree)
{
    AbContext *top = ab_aset_create(NULL, "Top", 0, 8192, MB8);
    AbContext *a, *b, *g, *gg;
    AbContextRow rows[7];

    REQUIRE(top != NULL);
    a = ab_aset_create(top, "A", 0, 1024, 8192);
    b = ab_aset_create(top, "B", 0, 1024, 8192);
    REQUIRE(a != NULL && b != NULL);
    g = ab_aset_create(b, "G", 0, 1024, 8192);
    REQUIRE(g != NULL);
    gg = ab_aset_create(g, "GG", 0, 1024, 8192);
    REQUIRE(gg != NULL);
    ab_set_ident(b, "bee");
    REQUIRE(ab_alloc(top, 100) && ab_alloc(b, 2000) && ab_alloc(g, 10));

    memset(rows, 0, sizeof(rows));
    CHECK_EQ_U64(ab_context_rows(top, rows, 7), 5);
    check_row(&rows[0], "Top", NULL, NULL, 0, 8192, 1, 7816, 0, 376);
    check_row(&rows[1], "B", "bee", "Top", 1, 3072, 2, 784, 0, 2288);
    check_row(&rows[2], "G", NULL, "B", 2, 1024, 1, 760, 0, 264);
    check_row(&rows[3], "GG", NULL, "G", 3, 1024, 1, 784, 0, 240);
    check_row(&rows[4], "A", NULL, "Top", 1, 1024, 1, 784, 0, 240);
    CHECK_EQ_PTR(rows[5].name, NULL);           /* nothing written past the count */

    /* max_rows caps what is written, not the count */
    memset(rows, 0, sizeof(rows));
    rows[2].level = -7;
    CHECK_EQ_U64(ab_context_rows(top, rows, 2), 5);
    check_row(&rows[1], "B", "bee", "Top", 1, 3072, 2, 784, 0, 2288);
    CHECK_EQ_I64(rows[2].level, -7);
    CHECK_EQ_U64(ab_context_rows(top, NULL, 0), 5);

    /* from a subtree with a sibling (A): levels restart at 0, the walk stays inside */
    memset(rows, 0, sizeof(rows));
    CHECK_EQ_U64(ab_context_rows(b, rows, 7), 3);
    CHECK_EQ_STR(rows[0].name, "B");
    CHECK_EQ_I64(rows[0].level, 0);
    check_row(&rows[1], "G", NULL, "B", 1, 1024, 1, 760, 0, 264);
    check_row(&rows[2], "GG", NULL, "G", 2, 1024, 1, 784, 0, 240);
    CHECK_EQ_PTR(rows[3].name, NULL);

    /* the same subtree through the other walkers: 3072 + 1024 + 1024 */
    CHECK_TREE_STATS(b, 5120, 4, 2328, 0, 2792);
    CHECK_EQ_U64(ab_mem_allocated(b, 1), 5120);
    CHECK_TREE_STATS(gg, 1024, 1, 784, 0, 240);
    CHECK_DUMP(b, 100,
               "B: 3072 total in 2 blocks; 784 free (0 chunks); 2288 used: bee\n"
               "  G: 1024 total in 1 blocks; 760 free (0 chunks); 264 used\n"
               "    GG: " SMALL_FRESH "\n"
               "Grand total: 5120 bytes in 4 blocks; 2328 free (0 chunks); 2792 used\n");
    /* the whole tree: 8192 + 3072 + 3 * 1024 = 14336 in 6 blocks; free 7816 + 784 + 760 + 784 + 784 */
    CHECK_TREE_STATS(top, 14336, 6, 10928, 0, 3408);
    ab_delete(top);
}
