/*
 * record_pg_format.h -- the raw recording record.c writes and
 * org.allocbench.capture.PgRecording reads: little-endian, native LP64.
 *
 * A file is a sequence of 48-byte records.  A create record is followed by
 * its name: `len` bytes (at most 64), padded with zeros to a multiple of 8.
 * The first record is the header (v[0] the magic, v[1] the backend's pid);
 * the last is the end record, written at backend exit.  A file without the
 * end record is incomplete (the backend was killed, or a write failed).
 * The kinds and their values are listed with the enum below; "context" is
 * always the context's address (0 for the trace's root), pointers are the
 * chunks' addresses.
 */
#ifndef RECORD_PG_FORMAT_H
#define RECORD_PG_FORMAT_H

#include <stdint.h>

#define AB_PG_MAGIC UINT64_C(0xAB7ACE5047310001)	/* "AB trace PG1" v1 */

enum
{
	AB_PG_HEADER = 1,
	AB_PG_CREATE = 2,			/* v: parent, minContextSize, initBlockSize, maxBlockSize; then the name */
	AB_PG_ALLOC = 3,			/* v: pointer, size */
	AB_PG_FREE = 4,				/* v: pointer */
	AB_PG_REALLOC = 5,			/* v: old pointer, new pointer, size */
	AB_PG_RESET = 6,
	AB_PG_DELETE = 7,
	AB_PG_EXPECT = 8,			/* v: total bytes, blocks, free chunks, free bytes */
	AB_PG_END = 9				/* v: operations on older contexts left out, 1 if a write failed */
};

#define AB_PG_MAX_NAME 64

typedef struct AbPgRecord
{
	uint32_t	kind;
	uint32_t	len;			/* CREATE: the name's length in bytes */
	uint64_t	context;		/* the context's address */
	uint64_t	v[4];
} AbPgRecord;

#endif
