/*
 * test_replay_refusals.c -- every kind of bad trace and bad argument refused
 * by ab_replay_validate and ab_replay with its op index and message, before
 * anything runs, and the largest valid size accepted.
 */
#include "replay_testing.h"

/* The trace must be refused by both the validator and the replay, with exactly this message. */
static void check_refused(const uint64_t *ops, size_t nops, uint32_t nslots, const char *message)
{
    uint64_t ns = 12345;
    uint64_t latency[16];
    AbCounters c;

    CHECK_EQ_I64(ab_replay_validate(ops, nops, nslots), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), message);
    for (int lane = AB_REPLAY_ASET; lane <= AB_REPLAY_MALLOC; lane++)
    {
        CHECK_EQ_I64(ab_replay(ops, nops, nslots, lane, 0, 8192, MB8, NULL, 1, &ns, NULL, &c, latency, NULL),
                     AB_ERR_INVALID_ARGUMENT);
        CHECK_EQ_STR(ab_error_message(), message);
        CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    }
    CHECK_EQ_U64(ns, 12345);   /* nothing ran */
}

TEST(replay_rejects_bad_traces_with_op_index)
{
    const uint64_t alloc_into_full[] = {A(0, 8), A(1, 8), A(0, 16)};
    const uint64_t zero_into_full[] = {Z(2, 8), Z(2, 8)};
    const uint64_t free_empty[] = {A(0, 8), F(0), F(0)};
    const uint64_t realloc_empty[] = {RE(1, 8)};
    const uint64_t after_reset[] = {A(0, 8), RESET, RE(0, 16)};
    const uint64_t slot_range[] = {A(0, 8), A(3, 8)};
    const uint64_t size_zero[] = {A(0, 8), A(1, 0)};
    const uint64_t free_with_size[] = {A(0, 8), AB_OP_ENCODE(AB_OP_FREE, 0, 8)};
    const uint64_t reset_with_size[] = {AB_OP_ENCODE(AB_OP_RESET, 0, 1)};
    const uint64_t kind_zero[] = {A(0, 8), AB_OP_ENCODE(0, 0, 8)};
    const uint64_t kind_six[] = {AB_OP_ENCODE(6, 1, 0)};
    const uint64_t kind_seven[] = {AB_OP_ENCODE(7, 0, 0)};
    const uint64_t reserved_bits[] = {A(0, 8), A(1, 8) | (1ull << 60)};

    check_refused(alloc_into_full, 3, 3, "invalid trace at op 2: 'a' into slot 0, which is full");
    check_refused(zero_into_full, 2, 3, "invalid trace at op 1: 'z' into slot 2, which is full");
    check_refused(free_empty, 3, 3, "invalid trace at op 2: 'f' on slot 0, which is empty");
    check_refused(realloc_empty, 1, 3, "invalid trace at op 0: 'r' on slot 1, which is empty");
    check_refused(after_reset, 3, 3, "invalid trace at op 2: 'r' on slot 0, which is empty");
    check_refused(slot_range, 2, 3, "invalid trace at op 1: 'a' on slot 3, out of range (the trace has 3 slots)");
    check_refused(size_zero, 2, 3, "invalid trace at op 1: 'a' of size 0 (sizes are 1..1073741823)");
    check_refused(free_with_size, 2, 3, "invalid trace at op 1: 'f' carries size 8 (must be 0)");
    check_refused(reset_with_size, 1, 3, "invalid trace at op 0: 'R' carries size 1 (must be 0)");
    check_refused(kind_zero, 2, 3, "invalid trace at op 1: unknown op kind 0 (op word 0x0000000040000000)");
    check_refused(kind_six, 1, 3, "invalid trace at op 0: unknown op kind 6 (op word 0x000000000000000e)");
    check_refused(kind_seven, 1, 3, "invalid trace at op 0: unknown op kind 7 (op word 0x0000000000000007)");
    check_refused(reserved_bits, 2, 3,
                  "invalid trace at op 1: bits 57..63 must be zero (op word 0x1000000040000009)");
}

TEST(replay_largest_size_is_valid)
{
    /* 1073741823 is the last valid size; it fits the 30-bit field, so there is no "too large" encoding */
    const uint64_t ops[] = {A(0, AB_MAX_ALLOC_SIZE), F(0)};

    CHECK_EQ_I64(ab_replay_validate(ops, 2, 1), AB_OK);
    CHECK_EQ_U64(AB_OP_SIZE(ops[0]), AB_MAX_ALLOC_SIZE);
}

TEST(replay_rejects_bad_arguments)
{
    uint64_t ns[2];
    AbCounters c;

    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 0, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 1, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "invalid trace: 0 slots (must be 1..16777216)");
    CHECK_EQ_I64(ab_replay_validate(example, EXAMPLE_OPS, AB_REPLAY_MAX_SLOTS + 1), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "invalid trace: 16777217 slots (must be 1..16777216)");
    CHECK_EQ_I64(ab_replay(NULL, 3, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 1, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "replay called with NULL ops and 3 ops");
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, 0, 0, 8192, MB8, NULL, 1, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "unknown replay allocator 0 (AB_REPLAY_ASET 1, AB_REPLAY_MALLOC 2, AB_REPLAY_HEAP 3,"
                 " AB_REPLAY_FLOOR 4, AB_REPLAY_GENERATION 5, AB_REPLAY_SLAB 6 or AB_REPLAY_BUMP 7)");
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 0, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "replay iterations must be at least 1, not 0");
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 8192, MB8, NULL, 1, NULL, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "replay called with NULL ns_per_iteration");
    /* refused context sizes come back in ab_aset_create's words */
    CHECK_EQ_I64(ab_replay(example, EXAMPLE_OPS, 3, AB_REPLAY_ASET, 0, 1000, MB8, NULL, 1, ns, NULL, &c, NULL, NULL),
                 AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(), "invalid initBlockSize 1000: must be a multiple of 8 and at least 1024");
}
