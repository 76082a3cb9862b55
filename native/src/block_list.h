/*
 * block_list.h -- a circular doubly linked list with a head node, for the
 * block lists of the Generation, Slab and Bump contexts (PostgreSQL keeps
 * them in its dlist; this is the same idea, 16 bytes a head and a node, so
 * the structs that embed one keep PostgreSQL's sizes).
 */
#ifndef ALLOCBENCH_BLOCK_LIST_H
#define ALLOCBENCH_BLOCK_LIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct AbListNode
{
    struct AbListNode *prev;
    struct AbListNode *next;
} AbListNode;

typedef struct AbList
{
    AbListNode head;  /* head.next is the first node; an empty list points at itself */
} AbList;

#define AB_LIST_ENTRY(type, member, node) ((type *) ((char *) (node) - offsetof(type, member)))

static inline void ab_list_init(AbList *list)
{
    list->head.prev = list->head.next = &list->head;
}

static inline bool ab_list_is_empty(const AbList *list)
{
    return list->head.next == &list->head;
}

static inline void ab_list_insert_after(AbListNode *at, AbListNode *node)
{
    node->prev = at;
    node->next = at->next;
    at->next->prev = node;
    at->next = node;
}

static inline void ab_list_push_head(AbList *list, AbListNode *node)
{
    ab_list_insert_after(&list->head, node);
}

static inline void ab_list_push_tail(AbList *list, AbListNode *node)
{
    ab_list_insert_after(list->head.prev, node);
}

static inline void ab_list_delete(AbListNode *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
}

/* The first node, or NULL if the list is empty. */
static inline AbListNode *ab_list_first(const AbList *list)
{
    return ab_list_is_empty(list) ? NULL : list->head.next;
}

/* The node after node, or NULL at the end. */
static inline AbListNode *ab_list_next(const AbList *list, const AbListNode *node)
{
    return node->next == &list->head ? NULL : node->next;
}

/* Visits every node; the body may delete the current one (next is read first). */
#define AB_LIST_FOREACH_SAFE(node, next_node, list) \
    for ((node) = ab_list_first(list), (next_node) = (node) ? ab_list_next((list), (node)) : NULL; \
         (node) != NULL; \
         (node) = (next_node), (next_node) = (node) ? ab_list_next((list), (node)) : NULL)

#endif /* ALLOCBENCH_BLOCK_LIST_H */
