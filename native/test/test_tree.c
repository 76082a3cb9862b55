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

/* var = a SMALL child of parent named like the variable; leaves the test if it cannot be made. */
#define ADD_CHILD(var, parent) \
    do { \
        (var) = small_child((parent), #var); \
        REQUIRE((var) != NULL); \
    } while (0)

/* Each reset or delete of ctx appends name to cb_log. */
#define LOG_RESET(ctx, name) CHECK_EQ_I64(ab_register_reset_callback((ctx), log_callback, (name)), AB_OK)

/* The tree two tests start from: "top" (DEFAULT) with SMALL children "a", "b", "c", made in that order. */
static AbContext *top_with_children(AbContext **a, AbContext **b, AbContext **c)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);

    if (top == NULL)
        return NULL;
    *a = small_child(top, "a");
    *b = small_child(top, "b");
    *c = small_child(top, "c");
    if (*a == NULL || *b == NULL || *c == NULL)
    {
        ab_delete(top);
        return NULL;
    }
    return top;
}

TEST(children_newest_first)
{
    AbContext *a, *b, *c;
    AbContext *top = top_with_children(&a, &b, &c);

    REQUIRE(top != NULL);
    CHECK_CHILDREN(top, c, b, a);
    CHECK_EQ_PTR(ab_parent(top), NULL);

    /* deleting the middle one unlinks it */
    ab_delete(b);
    CHECK_CHILDREN(top, c, a);
    /* the head */
    ab_delete(c);
    CHECK_CHILDREN(top, a);
    ab_delete(top);
}

TEST(set_parent_moves_to_head_of_new_parent)
{
    AbContext *a, *b, *c;
    AbContext *top = top_with_children(&a, &b, &c);

    REQUIRE(top != NULL);
    REQUIRE(ab_alloc(a, 100) != NULL);

    CHECK_EQ_I64(ab_set_parent(a, c), AB_OK);
    CHECK_CHILDREN(c, a);
    CHECK_CHILDREN(top, c, b);
    CHECK_STATS(a, 1024, 1, 648, 0, 376);       /* memory travels with it */

    CHECK_EQ_I64(ab_set_parent(b, c), AB_OK);   /* b becomes c's newest child */
    CHECK_CHILDREN(c, b, a);
    CHECK_CHILDREN(top, c);

    /* same parent again: nothing moves */
    CHECK_EQ_I64(ab_set_parent(a, c), AB_OK);
    CHECK_CHILDREN(c, b, a);

    /* to NULL: a becomes a root of its own */
    CHECK_EQ_I64(ab_set_parent(a, NULL), AB_OK);
    CHECK_EQ_PTR(ab_parent(a), NULL);
    CHECK_EQ_PTR(ab_next_sibling(a), NULL);
    CHECK_CHILDREN(c, b);
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
    ADD_CHILD(a, top);
    ADD_CHILD(g, a);

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
    CHECK_CHILDREN(top, a);
    CHECK_CHILDREN(a, g);
    CHECK_CHILDREN(g, NULL);

    /* moving g up is fine */
    CHECK_EQ_I64(ab_set_parent(g, top), AB_OK);
    CHECK_CHILDREN(top, g, a);
    CHECK_CHILDREN(a, NULL);
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
    ADD_CHILD(c1, top);
    ADD_CHILD(c2, top);
    ADD_CHILD(g1, c1);
    ADD_CHILD(g2, c2);
    ADD_CHILD(gg1, g1);
    cb_log[0] = '\0';
    LOG_RESET(top, "top");
    LOG_RESET(c1, "c1");
    LOG_RESET(c2, "c2");
    LOG_RESET(g1, "g1");
    LOG_RESET(g2, "g2");
    LOG_RESET(gg1, "gg1");

    ab_delete(top);
    CHECK_EQ_STR(cb_log, "g2 c2 gg1 g1 c1 top ");
}

/* Deleting a subtree leaves the rest of the tree alone. */
TEST(delete_subtree_only)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *c1, *c2, *g1;

    REQUIRE(top != NULL);
    ADD_CHILD(c1, top);
    ADD_CHILD(c2, top);
    ADD_CHILD(g1, c1);
    cb_log[0] = '\0';
    LOG_RESET(g1, "g1");
    LOG_RESET(c1, "c1");
    LOG_RESET(c2, "c2");
    ab_delete(c1);
    CHECK_EQ_STR(cb_log, "g1 c1 ");
    CHECK_CHILDREN(top, c2);
    CHECK_TREE_STATS(top, 9216, 2, 7952 + 744, 0, 520); /* c2 holds a 40-byte callback node */
    ab_delete(top);
    CHECK_EQ_STR(cb_log, "g1 c1 c2 ");
}

TEST(reset_callbacks_lifo_once)
{
    AbContext *ctx = ab_aset_create(NULL, "ctx", 0, 8192, MB8);

    REQUIRE(ctx != NULL);
    cb_log[0] = '\0';
    LOG_RESET(ctx, "A");
    LOG_RESET(ctx, "B");
    LOG_RESET(ctx, "C");
    ab_reset(ctx);
    CHECK_EQ_STR(cb_log, "C B A ");
    ab_reset(ctx);                              /* the callbacks are gone */
    CHECK_EQ_STR(cb_log, "C B A ");

    LOG_RESET(ctx, "D");
    ab_reset_only(ctx);
    CHECK_EQ_STR(cb_log, "C B A D ");

    LOG_RESET(ctx, "E");
    LOG_RESET(ctx, "F");
    ab_delete(ctx);
    CHECK_EQ_STR(cb_log, "C B A D F E ");
}

/* A reset deletes the children (their callbacks run) before running the parent's own. */
TEST(reset_runs_children_callbacks_first)
{
    AbContext *top = ab_aset_create(NULL, "top", 0, 8192, MB8);
    AbContext *c1, *g1;

    REQUIRE(top != NULL);
    ADD_CHILD(c1, top);
    ADD_CHILD(g1, c1);
    cb_log[0] = '\0';
    LOG_RESET(top, "top");
    LOG_RESET(c1, "c1");
    LOG_RESET(g1, "g1");
    ab_reset(top);
    CHECK_EQ_STR(cb_log, "g1 c1 top ");
    CHECK_CHILDREN(top, NULL);
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
    LOG_RESET(ctx, "x");
    CHECK_STATS(ctx, 8192, 1, 7912, 0, 280);    /* 7952 - 40 */
    LOG_RESET(ctx, "y");
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
