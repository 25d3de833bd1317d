/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seccomp profiles in the OCI runtime-spec / Docker JSON form: check one by
 * compiling it with libseccomp for each architecture it lists, and compare it
 * with Docker's default profile. Also the vocabulary (actions, architectures)
 * the profile exporters share. No printing.
 */
#ifndef WARD_SECCOMP_JSON_H
#define WARD_SECCOMP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define SC_FILE_MAX   (4u << 20) /* bytes of a profile we read */
#define SC_MAX_ARCHES 24	 /* more than libseccomp's architectures */

enum sc_severity { SC_INFO, SC_WARNING, SC_ERROR };

/* Not a struct rc_diag (the engine's one error type, rulesc/include/rulesc/diag.h):
 * a finding has a third severity (SC_INFO, a note) and a JSON path (where) that
 * `ward seccomp check -o json` and the .expected files of tests/data/seccomp carry. */
struct sc_diag {
	enum sc_severity severity;
	const char *code; /* stable identifier, e.g. "unknown-syscall" (static) */
	char *where;	  /* JSON location, e.g. "syscalls[3].names[7]", or "line 4, column 2" */
	char *message;
	char *hint;	  /* "" if none */
	int line, column; /* where in the file (1-based, columns in characters); 0 if unknown */
};

struct sc_arch_result {
	uint32_t arch;	  /* SCMP_ARCH_* */
	const char *name; /* libseccomp's name, e.g. "x86_64" (static) */
	int err;	  /* 0, or the -errno libseccomp returned while building/exporting */
	size_t insns;	  /* BPF instructions of the compiled filter */
	size_t n_rules;	  /* rules added for this architecture */
};

/* Diff of the native architecture's allowances against Docker's default. */
struct sc_docker_diff {
	char **more; /* allowed here (unconditionally), not by Docker's default */
	size_t n_more;
	char **fewer; /* allowed by Docker's default, not here */
	size_t n_fewer;
	size_t n_allowed; /* syscalls this profile allows on the native arch */
	size_t n_docker;  /* syscalls Docker's default allows on the native arch */
};

struct sc_report {
	char *default_action; /* e.g. "SCMP_ACT_ERRNO(EPERM)" */
	struct sc_arch_result arches[SC_MAX_ARCHES];
	size_t n_arches;
	struct sc_diag *diags;
	size_t n_diags, cap_diags;
	size_t n_errors, n_warnings;
	bool have_diff;
	struct sc_docker_diff diff;
};

/* Read the profile at path: 0 with a malloc'd *ret_buf, -EFBIG when it is
 * larger than SC_FILE_MAX, other -errno. */
int sc_read_file(const char *path, char **ret_buf, size_t *ret_len);

/* Check a profile held in buf. Returns 0 with *ret even when the report has
 * errors (check n_errors); -ENOMEM otherwise. */
int sc_check_buffer(const char *buf, size_t len, struct sc_report **ret);

/* The syscalls every profile must allow (exit, exit_group, rt_sigreturn, and
 * what runc calls between installing the filter and the entrypoint exec):
 * writes up to max names into name_buf, returns how many. */
#define SC_ESSENTIALS_MAX 32
size_t sc_essential_names(const char *name_buf[], size_t max);
void sc_report_free(struct sc_report *r);
/* The report as a JSON object (new reference), NULL on ENOMEM. */
json_t *sc_report_json(const struct sc_report *r);
/* "error", "warning" or "info". */
const char *sc_severity_name(enum sc_severity s);
/* libseccomp's name of this host's architecture ("x86_64"). */
const char *sc_native_arch_name(void);

/* ---- vocabulary shared with the exporters ----------------------------------- */

/* "SCMP_ARCH_X86_64" <-> SCMP_ARCH_X86_64; 0 / NULL when unknown. */
uint32_t sc_arch_from_oci(const char *name);
/* The OCI spelling into buf ("SCMP_ARCH_X86_64"); -EINVAL for an unknown arch. */
int sc_arch_to_oci(uint32_t arch, char *buf, size_t size);

/* libseccomp's version as "MAJOR.MINOR.MICRO" (static buffer). */
const char *sc_libseccomp_version(void);

/* The dangerous syscalls: NULL when name is not one, else why (static). */
const char *sc_danger_reason(const char *name);

#endif
