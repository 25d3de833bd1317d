// SPDX-License-Identifier: Apache-2.0
/* What each syscall does to files and sockets, by name (include/ward/sysops.h). */
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/prctl.h>

#include "ward/bundle_maps.h"
#include "ward/sysops.h"
#include "sysops_table.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define CWD WARD_SYSOP_AT_CWD
#define OPEN(how, flags)                                                         \
	{                                                                        \
		.kind = WARD_SYSOP_OPEN, .dfd = { how, 0 }, .path = { flags, 0 } \
	}
#define PATH(d, p, acc)                                                                     \
	{                                                                                   \
		.kind = WARD_SYSOP_PATH, .n_paths = 1, .dfd = { d, CWD }, .path = { p, 0 }, \
		.access = {                                                                 \
			acc,                                                                \
			0                                                                   \
		}                                                                           \
	}
#define PATH2(d0, p0, acc0, d1, p1, acc1)                                                     \
	{                                                                                     \
		.kind = WARD_SYSOP_PATH, .n_paths = 2, .dfd = { d0, d1 }, .path = { p0, p1 }, \
		.access = {                                                                   \
			acc0,                                                                 \
			acc1                                                                  \
		}                                                                             \
	}
#define FD(i, acc)                                                                          \
	{                                                                                   \
		.kind = WARD_SYSOP_FD, .n_paths = 1, .path = { i, 0 }, .access = { acc, 0 } \
	}

/*
 * By name, so one table serves both ABIs; argument positions from the man
 * pages. A rename is an unlink-like RENAME of the old name and a RENAME and
 * CREATE of the new; a hard link is the creation of the new name, and its
 * source is decided for every access (WARD_ACC_ALL: a new name would
 * sidestep any rule on the old one) and learned as a read; a symlink creates
 * its new name (the target is only a string).
 */
static const struct {
	const char *name;
	struct ward_sysop op;
} op_table[] = {
	{ "open", OPEN(WARD_SYSOP_FLAGS_ARG, 1) },
	{ "creat", OPEN(WARD_SYSOP_FLAGS_TRUNC, 0) },
	{ "openat", OPEN(WARD_SYSOP_FLAGS_ARG, 2) },
	{ "openat2", OPEN(WARD_SYSOP_FLAGS_HOW, 2) },
	{ "open_by_handle_at", OPEN(WARD_SYSOP_FLAGS_ARG, 2) },
	{ "unlink", PATH(CWD, 0, WARD_ACC_UNLINK) },
	{ "unlinkat", PATH(0, 1, WARD_ACC_UNLINK) },
	{ "rmdir", PATH(CWD, 0, WARD_ACC_UNLINK) },
	{ "rename", PATH2(CWD, 0, WARD_ACC_RENAME, CWD, 1, WARD_ACC_RENAME | WARD_ACC_CREATE) },
	{ "renameat", PATH2(0, 1, WARD_ACC_RENAME, 2, 3, WARD_ACC_RENAME | WARD_ACC_CREATE) },
	{ "renameat2", PATH2(0, 1, WARD_ACC_RENAME, 2, 3, WARD_ACC_RENAME | WARD_ACC_CREATE) },
	{ "mkdir", PATH(CWD, 0, WARD_ACC_CREATE) },
	{ "mkdirat", PATH(0, 1, WARD_ACC_CREATE) },
	{ "mknod", PATH(CWD, 0, WARD_ACC_CREATE) },
	{ "mknodat", PATH(0, 1, WARD_ACC_CREATE) },
	{ "link", PATH2(CWD, 0, WARD_ACC_ALL, CWD, 1, WARD_ACC_CREATE) },
	{ "linkat", PATH2(0, 1, WARD_ACC_ALL, 2, 3, WARD_ACC_CREATE) },
	{ "symlink", PATH(CWD, 1, WARD_ACC_CREATE) },
	{ "symlinkat", PATH(1, 2, WARD_ACC_CREATE) },
	{ "truncate", PATH(CWD, 0, WARD_ACC_WRITE | WARD_ACC_TRUNCATE) },
	{ "truncate64", PATH(CWD, 0, WARD_ACC_WRITE | WARD_ACC_TRUNCATE) },
	{ "ftruncate", FD(0, WARD_ACC_WRITE | WARD_ACC_TRUNCATE) },
	{ "ftruncate64", FD(0, WARD_ACC_WRITE | WARD_ACC_TRUNCATE) },
	{ "chmod", PATH(CWD, 0, WARD_ACC_CHMOD) },
	{ "fchmodat", PATH(0, 1, WARD_ACC_CHMOD) },
	{ "fchmodat2", PATH(0, 1, WARD_ACC_CHMOD) },
	{ "fchmod", FD(0, WARD_ACC_CHMOD) },
	{ "chown", PATH(CWD, 0, WARD_ACC_CHOWN) },
	{ "lchown", PATH(CWD, 0, WARD_ACC_CHOWN) },
	{ "chown32", PATH(CWD, 0, WARD_ACC_CHOWN) },
	{ "lchown32", PATH(CWD, 0, WARD_ACC_CHOWN) },
	{ "fchownat", PATH(0, 1, WARD_ACC_CHOWN) },
	{ "fchown", FD(0, WARD_ACC_CHOWN) },
	{ "fchown32", FD(0, WARD_ACC_CHOWN) },
	{ "bind", { .kind = WARD_SYSOP_BIND } },
	{ "connect", { .kind = WARD_SYSOP_CONNECT } },
	{ "sendto", { .kind = WARD_SYSOP_SENDTO, .path = { 0, 4 } } },
	{ "sendmsg", { .kind = WARD_SYSOP_SENDMSG, .path = { 0, 1 } } },
	{ "seccomp",
	  { .kind = WARD_SYSOP_GATE, .n_want = 1, .want = { SECCOMP_SET_MODE_FILTER } } },
	{ "prctl",
	  { .kind = WARD_SYSOP_GATE,
	    .n_want = 2,
	    .want = { PR_SET_SECCOMP, SECCOMP_MODE_FILTER } } },
};

size_t sysops_fill(uint32_t arch, struct ward_sysop *ops, size_t n)
{
	size_t filled = 0;

	for (size_t i = 0; i < ARRAY_SIZE(op_table); i++) {
		int nr = seccomp_syscall_resolve_name_arch(arch, op_table[i].name);

		if (nr < 0 || (size_t)nr >= n)
			continue; /* not on this ABI */
		ops[nr] = op_table[i].op;
		filled++;
	}
	return filled;
}

void sysops_fill_all(struct ward_sysop *ops)
{
	(void)sysops_fill(SCMP_ARCH_X86_64, ops, WARD_SYSOP_NR);
	(void)sysops_fill(SCMP_ARCH_X86, ops + WARD_SYSOP_NR, WARD_SYSOP_NR);
}
