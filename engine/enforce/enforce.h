/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Enforcement in the kernel: loads one object per resource class (lsm/ and
 * bpf/enforce/<class>.bpf.c, linked) with the strongest variant the running
 * kernel allows (BPF-LSM, else the tracepoint / cgroup fallbacks; a class whose BPF-LSM
 * programs do not load falls back alone), pins maps and links under a bpffs
 * directory so enforcement outlives the daemon, adopts what an earlier
 * daemon pinned, and switches whole policy generations with one map write.
 * docs/enforcement.md. Nothing here prints.
 */
#ifndef WARD_ENFORCE_H
#define WARD_ENFORCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rulesc.h"
#include "ward/enforce_abi.h"
#include "probe.h"

#define ENFORCE_PIN_DIR	    PROBE_BPFFS_DIR "/ward"
#define ENFORCE_STATE_DIR   "/run/ward" /* copies of the live bundle, for `ward status` */
#define ENFORCE_LEVELS_FILE ENFORCE_STATE_DIR "/levels" /* each class's level and why */
#define ENFORCE_WHY_MAX	    512

/* One targeted container: its cgroup and the policy ids that select it. */
struct enforce_target {
	uint64_t cgroup_id;
	char *cgroup_dir; /* absolute cgroup2 directory (cgroup fallback attaches there) */
	struct ward_cgroup_policies pols;
};

void enforce_targets_free(struct enforce_target *t, size_t n);

struct enforcer;

/* The enforcement objects, one per resource class (lsm/ and
 * bpf/enforce/<name>.bpf.c, linked): one that does not load takes only its
 * class down. */
enum enforce_obj {
	ENF_OBJ_EXEC,
	ENF_OBJ_FILE,
	ENF_OBJ_NET,
	ENF_OBJ_CAP,
	ENF_OBJ_SYS, /* syscall rules (alert only) */
	ENF_OBJ_COUNT,
};

/* What loading an object gave. */
struct enforce_obj_status {
	bool loaded;
	int err;		      /* -errno of the last load tried */
	char program[64];	      /* the program that did not load */
	char detail[ENFORCE_WHY_MAX]; /* the verifier's last words and its statistics */
	char log_path[128];	      /* the full verifier log, "" if none written */
};

const char *enforce_obj_name(enum enforce_obj o);

/*
 * Open, configure and load the programs for what `v` says the kernel allows,
 * reusing maps pinned in pin_dir by an earlier daemon (its generation stays
 * live until enforcer_apply()), attach, pin. NULL + errno on failure, with
 * the reasons in d (no location; one error per class that loaded nothing,
 * code program-not-loaded or class-unavailable).
 */
struct enforcer *enforcer_open(const struct probe_verdict *v, const char *pin_dir,
			       struct rc_diags *d);
/* How object o loaded (which program failed, the verifier's summary). */
const struct enforce_obj_status *enforcer_obj_status(const struct enforcer *e, enum enforce_obj o);
/* True when the class of res is below what the kernel offers: its object did
 * not load, or its BPF-LSM programs did not and it fell back (the reason
 * says which program and what the verifier said). */
bool enforcer_degraded(const struct enforcer *e, enum ward_res res);
/* Close; pinned maps and links stay (enforcement continues). NULL ok. */
void enforcer_free(struct enforcer *e);
/* Remove every pin (fail-open once the daemon exits). 0 or -errno. */
int enforcer_unpin(struct enforcer *e);

/* Build a new generation from the bundle and targets aside, then make it live
 * with one write. On failure the running generation is untouched and d says
 * why; an -errno after the switch (a cgroup attachment failed, the new
 * generation is live) adds nothing to d. With audit_only every policy and rule
 * is in audit mode whatever the bundle says. */
int enforcer_apply(struct enforcer *e, const struct ward_bundle *b, const struct enforce_target *t,
		   size_t n, bool audit_only, struct rc_diags *d);
/* Bring the live generation's cgroup map (and cgroup attachments) to exactly
 * these targets; entries are replaced one by one (a container is either
 * covered by its policies or not). 0 or -errno. */
int enforcer_set_targets(struct enforcer *e, const struct enforce_target *t, size_t n);

uint32_t enforcer_generation(const struct enforcer *e);
/* Generation that was live when this daemon adopted the pins, 0 if none. */
uint32_t enforcer_adopted(const struct enforcer *e);
enum ward_level enforcer_level(const struct enforcer *e, enum ward_res res);
const char *enforcer_level_reason(const struct enforcer *e, enum ward_res res);
int enforcer_alerts_fd(const struct enforcer *e);
int enforcer_drops_fd(const struct enforcer *e);
/* ward_counters (struct ward_counter_key -> per-CPU struct ward_counter_val). */
int enforcer_counters_fd(const struct enforcer *e);
/* The container-start window (include/ward/enforce_abi.h): the ring buffer of held
 * execs (struct ward_hold); the daemon's heartbeat (CLOCK_MONOTONIC ns; 0:
 * gone, no exec is held); a cgroup classified, no longer new. */
int enforcer_holds_fd(const struct enforcer *e);
int enforcer_heartbeat(const struct enforcer *e, uint64_t mono_ns);
/* A cgroup made while the daemon runs whose first exec did not come yet (and
 * not WARD_NEW_CGROUP_NS ago): its runtime is still setting it up. */
bool enforcer_is_new(const struct enforcer *e, uint64_t cgroup_id, uint64_t now_ns);
int enforcer_forget_new(const struct enforcer *e, uint64_t cgroup_id);
/* Forget the cgroups made more than WARD_NEW_CGROUP_NS before now_ns: called
 * after they were targeted (the kernel holds execs in a cgroup for as long
 * as it is recorded, so a daemon that is slow is never a gap). */
int enforcer_sweep_new(const struct enforcer *e, uint64_t now_ns);

/* The words alerts, `ward status` and `ward doctor` use for the values of
 * include/ward/enforce_abi.h's enums: ops and undecided reasons (NULL for a value
 * without one), levels and resources ("unknown"). */
const char *ward_op_name(unsigned int op);
const char *ward_undecided_name(unsigned int u);
const char *ward_level_name(unsigned int level);
const char *ward_res_name(unsigned int res);

#endif
