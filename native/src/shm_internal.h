/*
 * shm_internal.h -- what the shared-memory files share: the segment handle
 * and the helpers that read the kernel's view of huge pages and mappings.
 */
#ifndef AB_SHM_INTERNAL_H
#define AB_SHM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ab_shmem.h"
#include "aset_internal.h"

#define AB_SMALL_PAGE ((uint64_t) 4096)

struct AbSegment
{
    AbSegInfo info;
    int       fd;     /* POSIX / FILE: kept open while mapped, else -1 */
};

/* shm_hugepages.c */
bool ab_huge_size_supported(uint64_t page_size);
/* "N reserved, N free" for the hint of a failed huge mapping. */
void ab_huge_describe(uint64_t page_size, char *buf, size_t buflen);
/* MAP_HUGETLB | size bits (mmap) or SHM_HUGETLB | size bits (shmget). */
int ab_huge_mmap_flags(uint64_t page_size);
int ab_huge_shmget_flags(uint64_t page_size);
/* Reads the smaps entry of the mapping starting at base. */
int ab_smaps_query(const void *base, AbPageReport *out);

/* shm_segment.c: what every kind uses. */
uint64_t ab_seg_round_up(uint64_t size, uint64_t page);
/* The AbErrorCode of a failed call's errno: exists, not found, permission, or system. */
int ab_seg_errno_code(int err);
/* mmap(PROT_READ | PROT_WRITE, flags) of size bytes; NULL (errno set) on failure. */
void *ab_seg_map(uint64_t size, int flags, int fd);
/* Under try: records why in info.fallback and goes on with normal pages (size rounded again). */
void ab_seg_fall_back(AbSegment *seg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Sets the error "<what>: <strerror(err)>" with PostgreSQL's out-of-memory
 * hint as detail (after `first`, if not NULL), naming the request and, for
 * huge pages, the pool of that size.
 */
void ab_seg_fail_hint(int code, int err, uint64_t size, uint64_t page_size, const char *what, const char *first);

/*
 * Each kind's create (seg as new_segment made it, the request checked) and
 * attach (seg named, owner 0): seg on success; NULL with the error set and
 * nothing left behind (the caller frees seg).
 */
AbSegment *ab_anon_create(AbSegment *seg);    /* shm_anonymous.c */
AbSegment *ab_posix_create(AbSegment *seg);   /* shm_file.c */
AbSegment *ab_file_create(AbSegment *seg);    /* shm_file.c */
AbSegment *ab_file_attach(AbSegment *seg, bool posix);
AbSegment *ab_sysv_create(AbSegment *seg);    /* shm_sysv.c */
AbSegment *ab_sysv_attach(AbSegment *seg);
/* shm_file.c: fstat as ab_file_attach calls it; a test-only seam (see there). */
extern int (*ab_seg_fstat)(int fd, struct stat *st);

/* shm_creator.c: a process named so that PID reuse and reboots are noticed. */
typedef struct AbCreator
{
    int64_t  pid;
    uint64_t start_time;   /* /proc/<pid>/stat field 22: clock ticks after boot */
    char     boot_id[40];  /* /proc/sys/kernel/random/boot_id */
} AbCreator;

bool ab_process_start_time(int64_t pid, uint64_t *start_time);
void ab_boot_id(char *buf, size_t buflen);
void ab_creator_self(AbCreator *out);
/* False if that process (that PID with that start time, in this boot) has ended. */
bool ab_creator_alive(const AbCreator *creator);

/* shm_owner.c: the owner record of a segment this library created (see there for why). */
typedef struct AbOwnerRecord
{
    int32_t   kind;              /* AbSegKind: POSIX, FILE or SYSV */
    char      name[256];         /* POSIX name or file path */
    int64_t   key;               /* SysV key, 0 = private */
    int32_t   shmid;             /* SysV id, else -1 */
    uint64_t  dev;               /* POSIX / FILE: the file's device and inode, */
    uint64_t  ino;               /*   so a re-created name is not taken for ours */
    AbCreator creator;
    char      run_id[AB_SEG_RUN_ID_LEN];
    int32_t   outlives_creator;  /* 1: kept on purpose (ab_seg_keep), cleanup leaves it unless asked */
    int64_t   created;           /* seconds since the epoch */
} AbOwnerRecord;

/* The registry directory; with create, made (0700) if missing and checked to be private to this user. */
int ab_owner_dir(char *buf, size_t buflen, bool create);
/* The record's file name inside the registry: "posix.<hash>", "file.<hash>" or "sysv.<shmid>". */
void ab_owner_file_name(int kind, const char *name, int32_t shmid, char *buf, size_t buflen);
/* The record file's whole path, in path[len]; false if there is no registry (so no record) yet. */
bool ab_owner_record_path(int kind, const char *name, int32_t shmid, char *path, size_t len);
/* Writes the record of a segment just created (AB_OK, or an error in the slot). */
int ab_owner_record(const AbSegment *segment);
/* Removes the record of a segment that was removed; missing records are fine. */
void ab_owner_forget(int kind, const char *name, int32_t shmid);
/* Reads one record file; false if it is not a well-formed record. */
bool ab_owner_read(const char *path, AbOwnerRecord *out);

#endif /* AB_SHM_INTERNAL_H */
