/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A learned profile: what one or more containers of an image did during a
 * recording window (syscalls per ABI, executed binaries and their parents,
 * files by access kind, network endpoints, capabilities), where and when it
 * was recorded, and its renderings: the `kind: Profile` YAML rulesc compiles
 * (docs/rules.md) and the runtime profiles (seccomp, capabilities) exported
 * from it. No printing.
 *
 * Access and protocol bits are rulesc's (enum ward_access, enum ward_proto).
 */
#ifndef WARD_PROFILE_H
#define WARD_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct rc_diags; /* rulesc.h: the errors of profile_read_*() */

enum prof_abi {
	PROF_ABI_X86_64 = 0,
	PROF_ABI_I386 = 1, /* the compat ABI of 32-bit tasks */
	PROF_ABI__MAX,
};

struct prof_syscall {
	uint32_t abi; /* enum prof_abi */
	char *name;   /* libseccomp's name for that ABI */
	uint64_t count;
};

struct prof_exec {
	char *path;
	char **parents; /* executables that started it, sorted; "" = outside the container */
	size_t n_parents;
	uint64_t count;
};

struct prof_file {
	char *path;	 /* exact path, or a pattern (glob in the last component) */
	uint32_t access; /* enum ward_access bits */
	char **covers;	 /* pattern: the raw paths it stands for, sorted */
	size_t n_covers;
};

struct prof_net {
	bool bind;	  /* bind/listen, else connect */
	uint32_t proto;	  /* one enum ward_proto bit; 0 for a unix socket */
	uint8_t addr[16]; /* connect: IPv6 or IPv4-mapped; bind: ignored */
	uint16_t port;
	char *unix_path; /* a unix socket's path (proto, addr and port 0), else NULL */
};

struct prof_cap {
	uint32_t cap;	/* CAP_* number */
	bool inferred;	/* from a syscall, not from the kernel's capable() */
	char *evidence; /* what it was inferred from, e.g. "bind to port 80" */
};

struct prof_provenance {
	char *ward;	    /* ward's version */
	char *kernel;	    /* uname -r of the recording host */
	char *arch;	    /* uname -m */
	char *libseccomp;   /* version used for names */
	char *runtime;	    /* e.g. "runc 1.1.5" ("" if unknown) */
	int64_t start, end; /* the window, seconds since the epoch (UTC) */
	uint64_t events;
	char **containers;
	size_t n_containers;
	/* Containers already running when learning began: what they did
	 * before (their entrypoint's start) is missing, so the profile is
	 * partial. Sorted; a merge keeps a name only where no input learned
	 * that container from its start. */
	char **partial;
	size_t n_partial;
	/* The highest syscall number the recording kernel implements per ABI:
	 * names above it are newer than that kernel (0: unknown). */
	uint32_t syscall_max[PROF_ABI__MAX];
};

struct profile {
	char *name;	 /* metadata.name */
	char *mode;	 /* spec.mode of a profile read back ("audit", "enforce"), else NULL */
	char *posture;	 /* spec.posture of a profile read back ("alert", "block"), else NULL */
	char **selector; /* container name globs */
	size_t n_selector;
	struct prof_provenance prov;
	struct prof_syscall *sys;
	size_t n_sys;
	struct prof_exec *exec;
	size_t n_exec;
	struct prof_file *files;
	size_t n_files;
	struct prof_net *net;
	size_t n_net;
	struct prof_cap *caps;
	size_t n_caps;
};

/* An empty profile; NULL and errno on failure. */
struct profile *profile_new(const char *name);
void profile_free(struct profile *p);

/* Recording: each call adds or counts one observation; 0 or -errno (paths:
 * -EINVAL when relative, -ENAMETOOLONG beyond what a policy can name,
 * WARD_PATH_MAX bytes or WARD_PATH_DEPTH components). */
int profile_add_syscall(struct profile *p, uint32_t abi, const char *name, uint64_t count);
int profile_add_exec(struct profile *p, const char *path, const char *parent, uint64_t count);
int profile_add_file(struct profile *p, const char *path, uint32_t access);
int profile_add_net(struct profile *p, const struct prof_net *n);
int profile_add_cap(struct profile *p, uint32_t cap, bool inferred, const char *evidence);
int profile_add_container(struct profile *p, const char *name);
/* The container was already running when learning began (prov.partial). */
int profile_mark_partial(struct profile *p, const char *name);

/* Where the kernel cannot say which capabilities were used: infer them from
 * what was recorded (binds below unpriv_port_start, chown accesses, and
 * syscalls that need a capability such as mknod, chroot, setuid, mount) and
 * add each as inferred, with its evidence. 0 or -ENOMEM. */
int profile_infer_caps(struct profile *p, uint16_t unpriv_port_start);

/* Sort everything and merge duplicates; generalise paths into globs (or
 * directory prefixes) that list the raw paths they cover: temporary names
 * (mktemp's random runs) always, and more than `threshold` siblings whose
 * names differ only in digits or hex runs (docs/profiles.md). */
int profile_finish(struct profile *p, size_t threshold);

/* Merge src into dst (union of everything; the window is the union). */
int profile_merge(struct profile *dst, const struct profile *src);

/* ---- YAML ----------------------------------------------------------------------- */

/* Write the `kind: Profile` document (and its companion `kind: List` of
 * observations rulesc's schema has no keys for). 0 or -errno. */
int profile_write_yaml(const struct profile *p, FILE *f, const char *mode, const char *posture);

/* Read a profile file back: the `kind: Profile` document and its companion
 * `NAME.observed` list (optional). The Profile is authoritative: observations
 * of syscalls (x86_64), binaries, patterns or capabilities it does not list
 * are dropped, so a profile edited by hand stays as edited. Returns 0 and *ret,
 * or -EINVAL with an error in d at its place (file name:line:column and the
 * source line; the YAML reader's codes, or invalid-profile) for input that is
 * not such a profile, or -ENOMEM. */
int profile_read_buffer(const char *name, const char *buf, size_t len, struct profile **ret,
			struct rc_diags *d);
/* The same for a file (at most RC_FILE_MAX bytes); I/O errors are -errno with
 * an error naming the file (code profile-unreadable, no line). */
int profile_read_file(const char *path, struct profile **ret, struct rc_diags *d);

/* ---- comparison ---------------------------------------------------------------- */

/* What is in b but not in a ("added") and in a but not in b ("removed"),
 * per class, as {"syscalls": {"added": [...], "removed": [...]}, ...}. */
json_t *profile_diff(const struct profile *a, const struct profile *b);

/* ---- exports ------------------------------------------------------------------- */

enum prof_export {
	PROF_EXPORT_OCI_SECCOMP,    /* runtime-spec linux.seccomp object */
	PROF_EXPORT_DOCKER_SECCOMP, /* --security-opt seccomp=FILE */
	PROF_EXPORT_K8S_SECCOMP,    /* security-profiles-operator SeccompProfile */
	PROF_EXPORT_OCI_CAPS,	    /* runtime-spec process.capabilities */
	PROF_EXPORT_K8S_CAPS,	    /* securityContext.capabilities */
	PROF_EXPORT_DOCKER_CAPS,    /* --cap-drop/--cap-add flags */
	PROF_EXPORT__MAX,
};

int profile_export_parse(const char *s, enum prof_export *ret);
const char *profile_export_name(enum prof_export e);

/* The export as a JSON document (Docker caps: {"flags": [...]}), stamped with
 * the provenance. NULL and errno (ENOMEM, or EINVAL for an unknown kind). */
/* PROF_EXPORT_COMPLAIN: a seccomp profile whose default action logs (SCMP_ACT_LOG) what the
 * profile would refuse, for staging (docs/profiles.md, "Complain mode"). */
#define PROF_EXPORT_COMPLAIN 1u
json_t *profile_export(const struct profile *p, enum prof_export e, unsigned int how);

/* Names of ABIs as the profile writes them: "x86_64", "i386". */
const char *prof_abi_name(uint32_t abi);

#endif
