/*
 * test_shmem_index.c -- named allocations (ShmemInitStruct, ShmemAlloc,
 * pg_shmem_allocations) with offsets worked out by hand, seen identically
 * from a second process, and an AllocSet whose blocks live in a segment.
 *
 * The index is 18480 bytes (48 bytes of header + 256 entries of 72), which
 * takes 18560 bytes rounded to 128-byte cache lines; allocations follow it.
 */
#include <string.h>

#include "shm_testing.h"

#define INDEX_BYTES 18480
#define INDEX_ALLOCATED 18560

static AbSegment *posix_segment(const char *tag, uint64_t size)
{
    AbSegRequest req = {.kind = AB_SEG_POSIX, .size = size, .name = shm_test_name(tag)};
    return ab_seg_create(&req);
}

#define CHECK_ROW(row, name_, off_, size_, allocated_) \
    do { \
        CHECK_EQ_STR((row).name, (name_)); \
        CHECK_EQ_I64((row).off, (off_)); \
        CHECK_EQ_I64((row).size, (size_)); \
        CHECK_EQ_I64((row).allocated_size, (allocated_)); \
    } while (0)

TEST(shm_index_init_struct_alloc_and_listing)
{
    AbSegment *seg = posix_segment("index", 1 << 20);
    char *base;
    char *a;
    int32_t found = -1;
    AbShmemRow rows[8];

    REQUIRE(seg != NULL);
    base = ab_seg_info(seg)->base;
    CHECK(ab_shmem_init_struct(seg, "A", 100, &found) == NULL);
    CHECK_EQ_STR(ab_error_message(), "segment has no named-allocation index (ab_shmem_init was never called on it)");
    REQUIRE(ab_shmem_init(seg) == AB_OK);

    a = ab_shmem_init_struct(seg, "A", 100, &found);
    CHECK_EQ_PTR(a, base + INDEX_ALLOCATED);
    CHECK_EQ_I64(found, 0);
    CHECK_EQ_PTR(ab_shmem_alloc(seg, 10), base + INDEX_ALLOCATED + 128);
    CHECK_EQ_PTR(ab_shmem_init_struct(seg, "B", 129, &found), base + INDEX_ALLOCATED + 256);
    CHECK_EQ_PTR(ab_shmem_init_struct(seg, "A", 100, &found), a);
    CHECK_EQ_I64(found, 1);
    CHECK(ab_shmem_init_struct(seg, "A", 200, &found) == NULL);
    CHECK_EQ_STR(ab_error_message(), "ShmemIndex entry size is wrong for data structure \"A\": expected 200, actual 100");
    CHECK(ab_shmem_init_struct(seg, "huge", 2 << 20, &found) == NULL);
    CHECK_EQ_STR(ab_error_message(), "out of shared memory (2097152 bytes requested)");

    /* A second init (another process's first call) finds the index and keeps it. */
    CHECK_EQ_I64(ab_shmem_init(seg), AB_OK);
    REQUIRE(ab_shmem_allocations(seg, rows, 8) == 5);
    CHECK_ROW(rows[0], "ShmemIndex", 0, INDEX_BYTES, INDEX_ALLOCATED);
    CHECK_ROW(rows[1], "A", INDEX_ALLOCATED, 100, 128);
    CHECK_ROW(rows[2], "B", INDEX_ALLOCATED + 256, 129, 256);
    CHECK_ROW(rows[3], "<anonymous>", -1, 128, 128);
    CHECK_ROW(rows[4], "", INDEX_ALLOCATED + 512, (1 << 20) - INDEX_ALLOCATED - 512,
              (1 << 20) - INDEX_ALLOCATED - 512);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

typedef struct ListingArgs
{
    const char *name;
    AbShmemRow  rows[8];
    int64_t     nrows;
} ListingArgs;

static int attach_and_compare_listing(void *p)
{
    ListingArgs *args = p;
    AbSegment *seg = ab_seg_attach(AB_SEG_POSIX, args->name, 0);
    AbShmemRow rows[8];
    int32_t found = 0;
    char *counter;

    if (seg == NULL || ab_shmem_init(seg) != AB_OK)
        return 30;
    if (ab_shmem_allocations(seg, rows, 8) != args->nrows
        || memcmp(rows, args->rows, (size_t) args->nrows * sizeof(AbShmemRow)) != 0)
        return 31;
    counter = ab_shmem_init_struct(seg, "counter", 8, &found);
    if (counter == NULL || !found || strcmp(counter, "written by the creator") != 0)
        return 32;
    strcpy(counter, "seen by the child");
    return ab_seg_detach(seg) == AB_OK ? 0 : 33;
}

TEST(shm_index_is_the_same_from_another_process)
{
    AbSegment *seg = posix_segment("index2", 1 << 20);
    ListingArgs args;
    int32_t found;
    char *counter;

    REQUIRE(seg != NULL);
    REQUIRE(ab_shmem_init(seg) == AB_OK);
    counter = ab_shmem_init_struct(seg, "counter", 8, &found);
    REQUIRE(counter != NULL);
    strcpy(counter, "written by the creator"); /* 23 bytes: into the rest of its cache line */
    REQUIRE(ab_shmem_alloc(seg, 1000) != NULL);
    args.name = ab_seg_info(seg)->name;
    args.nrows = ab_shmem_allocations(seg, args.rows, 8);
    CHECK_EQ_I64(args.nrows, 4);
    CHECK_EQ_I64(in_child(attach_and_compare_listing, &args), 0);
    CHECK_EQ_STR(counter, "seen by the child");
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

TEST(shm_allocset_on_segment_memory)
{
    AbSegRequest req = {.kind = AB_SEG_ANONYMOUS, .size = 4 << 20};
    AbSegment *seg = ab_seg_create(&req);
    AbSegArena *arena;
    AbContext *cxt;
    char *lo;
    char *hi;
    void *big;

    REQUIRE(seg != NULL);
    lo = ab_seg_info(seg)->base;
    hi = lo + ab_seg_info(seg)->size;
    arena = ab_seg_arena_create(lo, ab_seg_info(seg)->size);
    REQUIRE(arena != NULL);
    cxt = ab_aset_create_with_source(NULL, "on segment", AB_DEFAULT_MINSIZE, AB_DEFAULT_INITSIZE,
                                     AB_DEFAULT_MAXSIZE, ab_seg_arena_source(arena));
    REQUIRE(cxt != NULL);
    /* The keeper block (8 KiB, with the context in it) comes from the segment. */
    CHECK_EQ_U64(ab_seg_arena_in_use(arena), 8192);
    CHECK((char *) cxt >= lo && (char *) cxt < hi);
    for (int i = 0; i < 1000; i++)
    {
        char *p = ab_alloc(cxt, 100);
        REQUIRE(p != NULL);
        CHECK(p >= lo && p + 100 <= hi);
    }
    /*
     * 1000 chunks of the 128-byte class, 136 bytes each with the header: 136000 bytes
     * need blocks of 8 (keeper) + 8 + 16 + 32 + 64 + 128 KiB = 262144 (the first five
     * hold 7952 + 8152 + 16344 + 32728 + 65496 = 130672).  Used = chunks + 6 block
     * headers (40) + the context (200) = 136440; the 9 free chunks are the tails of the
     * five full blocks, carved into freelists.  Exactly what the same work on malloc gives.
     */
    CHECK_STATS(cxt, 262144, 6, 262144 - 136440, 9, 136440);
    CHECK_EQ_U64(ab_seg_arena_in_use(arena), 262144);
    REQUIRE_ALLOC(big, cxt, 100000);
    CHECK((char *) big >= lo && (char *) big + 100000 <= hi);
    /* The dedicated block (100000 + 48 bytes) takes a 128 KiB class, and grows in it. */
    CHECK_EQ_U64(ab_seg_arena_in_use(arena), 262144 + 131072);
    big = ab_realloc(big, 120000);
    CHECK(big != NULL);
    CHECK_EQ_U64(ab_seg_arena_in_use(arena), 262144 + 131072);
    ab_reset(cxt);
    CHECK_EQ_U64(ab_seg_arena_in_use(arena), 8192);
    /* Out of segment memory: PostgreSQL's out-of-memory error, not a crash. */
    CHECK(ab_alloc(cxt, 8 << 20) == NULL);
    CHECK_EQ_STR(ab_error_message(), "out of memory");
    ab_delete(cxt);
    CHECK_EQ_U64(ab_seg_arena_in_use(arena), 0);
    ab_seg_arena_destroy(arena);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}

TEST(shm_touch_counts_faults_and_chase_visits_every_page)
{
    AbSegRequest req = {.kind = AB_SEG_ANONYMOUS, .size = 64 * 4096};
    AbSegment *seg = ab_seg_create(&req);
    char *start;
    char *p;
    uint64_t faults;

    REQUIRE(seg != NULL);
    /* A fresh shared mapping faults once per 4 KiB page on first write (ASan adds its shadow pages). */
    faults = ab_touch_pages(ab_seg_info(seg)->base, 64 * 4096, 0);
    CHECK(faults >= 64 && faults <= 80);
    CHECK_EQ_U64(ab_touch_pages(ab_seg_info(seg)->base, 64 * 4096, 0), 0);
    start = ab_chase_build(ab_seg_info(seg)->base, 64 * 4096, 42);
    REQUIRE(start != NULL);
    /* One cycle through all 64 pages: back at the start after exactly 64 steps, not before. */
    p = start;
    for (int i = 1; i < 64; i++)
    {
        p = ab_chase(p, 1);
        CHECK(p != start);
    }
    CHECK_EQ_PTR(ab_chase(p, 1), start);
    CHECK_EQ_PTR(ab_chase(start, 64 * 10), start);
    CHECK_EQ_I64(ab_seg_destroy(seg), AB_OK);
}
