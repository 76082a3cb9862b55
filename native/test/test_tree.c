/*
 * test_tree.c -- the context tree: children newest first, reparenting
 * (with the cycle refusal), deletion leaves first, reset callbacks (LIFO,
 * run on reset and on delete, their nodes living in the context).
 */
#include "testing.h"

/* A log of callback runs: each callback appends its argument (a name) and a space. */
static char cb_log[512];

static void log_callback(void *arg)
{
    strncat(cb_log, (const char *) arg, sizeof(cb_log) - strlen(cb_log) - 2);
    strcat(cb_log, " ");
}

static AbContext *small_child(AbContext *parent, const char *name)
{
    return ab_aset_create(parent, name, 0, 1024, 8192);
}

TEST(children_newest_first)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *a, *b, *c;

    REQUIRE(top != NULL);
    a = small_child(top, "a");
    b = small_child(top, "b");
    c = small_child(top, "c");
    REQUIRE(a != NULL && b != NULL && c != NULL);
    CHECK_EQ_PTR(ab_first_child(top), c);
    CHECK_EQ_PTR(ab_next_sibling(c), b);
    CHECK_EQ_PTR(ab_next_sibling(b), a);
    CHECK_EQ_PTR(ab_next_sibling(a), NULL);
    CHECK_EQ_PTR(ab_parent(a), top);
    CHECK_EQ_PTR(ab_parent(b), top);
    CHECK_EQ_PTR(ab_parent(c), top);
    CHECK_EQ_PTR(ab_parent(top), NULL);

    /* deleting the middle one unlinks it */
    ab_delete(b);
    CHECK_EQ_PTR(ab_first_child(top), c);
    CHECK_EQ_PTR(ab_next_sibling(c), a);
    /* the head */
    ab_delete(c);
    CHECK_EQ_PTR(ab_first_child(top), a);
    CHECK_EQ_PTR(ab_next_sibling(a), NULL);
    ab_delete(top);
}

TEST(set_parent_moves_to_head_of_new_parent)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *a, *b, *c;

    REQUIRE(top != NULL);
    a = small_child(top, "a");
    b = small_child(top, "b");
    c = small_child(top, "c");
    REQUIRE(a != NULL && b != NULL && c != NULL);
    REQUIRE(ab_alloc(a, 100) != NULL);

    CHECK_EQ_I64(ab_set_parent(a, c), AB_OK);
    CHECK_EQ_PTR(ab_parent(a), c);
    CHECK_EQ_PTR(ab_first_child(c), a);
    CHECK_EQ_PTR(ab_first_child(top), c);
    CHECK_EQ_PTR(ab_next_sibling(c), b);
    CHECK_EQ_PTR(ab_next_sibling(b), NULL);
    CHECK_STATS(a, 1024, 1, 648, 0, 376);       /* memory travels with it */

    CHECK_EQ_I64(ab_set_parent(b, c), AB_OK);   /* b becomes c's newest child */
    CHECK_EQ_PTR(ab_first_child(c), b);
    CHECK_EQ_PTR(ab_next_sibling(b), a);
    CHECK_EQ_PTR(ab_next_sibling(c), NULL);

    /* same parent again: nothing moves */
    CHECK_EQ_I64(ab_set_parent(a, c), AB_OK);
    CHECK_EQ_PTR(ab_first_child(c), b);
    CHECK_EQ_PTR(ab_next_sibling(b), a);

    /* to NULL: a becomes a root of its own */
    CHECK_EQ_I64(ab_set_parent(a, NULL), AB_OK);
    CHECK_EQ_PTR(ab_parent(a), NULL);
    CHECK_EQ_PTR(ab_next_sibling(a), NULL);
    CHECK_EQ_PTR(ab_first_child(c), b);
    CHECK_EQ_PTR(ab_next_sibling(b), NULL);
    /* a root stays a root */
    CHECK_EQ_I64(ab_set_parent(a, NULL), AB_OK);
    CHECK_TREE_STATS(top, 8192 + 2048, 3, 7952 + 2 * 784, 0, 720);
    ab_delete(top);
    CHECK_STATS(a, 1024, 1, 648, 0, 376);       /* untouched by deleting its old tree */
    ab_delete(a);
}

TEST(set_parent_refuses_cycles)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *a, *g;

    REQUIRE(top != NULL);
    a = small_child(top, "a");
    REQUIRE(a != NULL);
    g = small_child(a, "g");
    REQUIRE(g != NULL);

    CHECK_EQ_I64(ab_set_parent(top, g), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_I64(ab_error_code(), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(),
                 "cannot make memory context \"top\" a child of itself or of its descendant \"g\"");
    CHECK_EQ_I64(ab_set_parent(a, a), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(),
                 "cannot make memory context \"a\" a child of itself or of its descendant \"a\"");
    CHECK_EQ_I64(ab_set_parent(a, g), AB_ERR_INVALID_ARGUMENT);
    CHECK_EQ_STR(ab_error_message(),
                 "cannot make memory context \"a\" a child of itself or of its descendant \"g\"");
    /* the tree is unchanged */
    CHECK_EQ_PTR(ab_parent(top), NULL);
    CHECK_EQ_PTR(ab_parent(a), top);
    CHECK_EQ_PTR(ab_parent(g), a);
    CHECK_EQ_PTR(ab_first_child(top), a);
    CHECK_EQ_PTR(ab_first_child(a), g);
    CHECK_EQ_PTR(ab_first_child(g), NULL);

    /* moving g up is fine */
    CHECK_EQ_I64(ab_set_parent(g, top), AB_OK);
    CHECK_EQ_PTR(ab_first_child(top), g);
    CHECK_EQ_PTR(ab_next_sibling(g), a);
    CHECK_EQ_PTR(ab_first_child(a), NULL);
    ab_delete(top);
}

/*
 * top
 *   c2          (created after c1, so listed first)
 *     g2
 *   c1
 *     g1
 *       gg1
 * Leaves first: descend along first children to g2, delete it, then c2; then
 * down to gg1, g1, c1; top last.
 */
TEST(delete_runs_leaves_first)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *c1, *c2, *g1, *g2, *gg1;

    REQUIRE(top != NULL);
    c1 = small_child(top, "c1");
    REQUIRE(c1 != NULL);
    c2 = small_child(top, "c2");
    REQUIRE(c2 != NULL);
    g1 = small_child(c1, "g1");
    REQUIRE(g1 != NULL);
    g2 = small_child(c2, "g2");
    REQUIRE(g2 != NULL);
    gg1 = small_child(g1, "gg1");
    REQUIRE(gg1 != NULL);
    cb_log[0] = '\0';
    CHECK_EQ_I64(ab_register_reset_callback(top, log_callback, "top"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(c1, log_callback, "c1"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(c2, log_callback, "c2"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(g1, log_callback, "g1"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(g2, log_callback, "g2"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(gg1, log_callback, "gg1"), AB_OK);

    ab_delete(top);
    CHECK_EQ_STR(cb_log, "g2 c2 gg1 g1 c1 top ");
}

/* Deleting a subtree leaves the rest of the tree alone. */
TEST(delete_subtree_only)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *c1, *c2, *g1;

    REQUIRE(top != NULL);
    c1 = small_child(top, "c1");
    c2 = small_child(top, "c2");
    REQUIRE(c1 != NULL && c2 != NULL);
    g1 = small_child(c1, "g1");
    REQUIRE(g1 != NULL);
    cb_log[0] = '\0';
    CHECK_EQ_I64(ab_register_reset_callback(g1, log_callback, "g1"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(c1, log_callback, "c1"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(c2, log_callback, "c2"), AB_OK);
    ab_delete(c1);
    CHECK_EQ_STR(cb_log, "g1 c1 ");
    CHECK_EQ_PTR(ab_first_child(top), c2);
    CHECK_EQ_PTR(ab_next_sibling(c2), NULL);
    CHECK_TREE_STATS(top, 9216, 2, 7952 + 744, 0, 520); /* c2 holds a 40-byte callback node */
    ab_delete(top);
    CHECK_EQ_STR(cb_log, "g1 c1 c2 ");
}

TEST(reset_callbacks_lifo_once)
{
    AbContext *ctx = ab_aset_create(NULL, "ctx", 0, 8192, MB8);

    REQUIRE(ctx != NULL);
    cb_log[0] = '\0';
    CHECK_EQ_I64(ab_register_reset_callback(ctx, log_callback, "A"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(ctx, log_callback, "B"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(ctx, log_callback, "C"), AB_OK);
    ab_reset(ctx);
    CHECK_EQ_STR(cb_log, "C B A ");
    ab_reset(ctx);                              /* the callbacks are gone */
    CHECK_EQ_STR(cb_log, "C B A ");

    CHECK_EQ_I64(ab_register_reset_callback(ctx, log_callback, "D"), AB_OK);
    ab_reset_only(ctx);
    CHECK_EQ_STR(cb_log, "C B A D ");

    CHECK_EQ_I64(ab_register_reset_callback(ctx, log_callback, "E"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(ctx, log_callback, "F"), AB_OK);
    ab_delete(ctx);
    CHECK_EQ_STR(cb_log, "C B A D F E ");
}

/* A reset deletes the children (their callbacks run) before running the parent's own. */
TEST(reset_runs_children_callbacks_first)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *c1, *g1;

    REQUIRE(top != NULL);
    c1 = small_child(top, "c1");
    REQUIRE(c1 != NULL);
    g1 = small_child(c1, "g1");
    REQUIRE(g1 != NULL);
    cb_log[0] = '\0';
    CHECK_EQ_I64(ab_register_reset_callback(top, log_callback, "top"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(c1, log_callback, "c1"), AB_OK);
    CHECK_EQ_I64(ab_register_reset_callback(g1, log_callback, "g1"), AB_OK);
    ab_reset(top);
    CHECK_EQ_STR(cb_log, "g1 c1 top ");
    CHECK_EQ_PTR(ab_first_child(top), NULL);
    CHECK_STATS(top, 8192, 1, 7952, 0, 240);
    ab_delete(top);
    CHECK_EQ_STR(cb_log, "g1 c1 top ");        /* nothing left to run */
}

/*
 * The callback node (function, argument, next: 24 bytes) is allocated in the
 * context itself: class 2, a 32-byte chunk + 8 of header = 40 bytes.
 */
TEST(reset_callback_node_accounting)
{
    AbContext *ctx = ab_aset_create(NULL, "ctx", 0, 8192, MB8);

    REQUIRE(ctx != NULL);
    CHECK_EQ_I64(ab_register_reset_callback(ctx, log_callback, "x"), AB_OK);
    CHECK_STATS(ctx, 8192, 1, 7912, 0, 280);    /* 7952 - 40 */
    CHECK_EQ_I64(ab_register_reset_callback(ctx, log_callback, "y"), AB_OK);
    CHECK_STATS(ctx, 8192, 1, 7872, 0, 320);    /* 7952 - 80 */
    cb_log[0] = '\0';
    ab_reset(ctx);
    CHECK_EQ_STR(cb_log, "y x ");
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    ab_delete(ctx);
}

TEST(set_ident_copies_and_clears)
{
    AbContext *ctx = ab_aset_create(NULL, "ctx", 0, 8192, MB8);
    char buf[16] = "identity";

    REQUIRE(ctx != NULL);
    CHECK_EQ_I64(ab_set_ident(ctx, buf), AB_OK);
    buf[0] = 'X';
    CHECK_EQ_STR(ab_ident(ctx), "identity");
    CHECK_EQ_I64(ab_set_ident(ctx, "other"), AB_OK);
    CHECK_EQ_STR(ab_ident(ctx), "other");
    CHECK_EQ_I64(ab_set_ident(ctx, NULL), AB_OK);
    CHECK_EQ_STR(ab_ident(ctx), NULL);
    /* outside the context's accounting (like a C string literal in PostgreSQL) */
    CHECK_STATS(ctx, 8192, 1, 7952, 0, 240);
    ab_delete(ctx);
}

TEST(name_is_copied)
{
    char name[16] = "original";
    AbContext *ctx = ab_aset_create(NULL, name, 0, 8192, MB8);

    REQUIRE(ctx != NULL);
    name[0] = 'X';
    CHECK_EQ_STR(ab_name(ctx), "original");
    ab_delete(ctx);
}
