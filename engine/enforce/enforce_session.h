/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `ward server --policy` keeps: the enforcer, the policy of the live
 * generation (and the one before, for alerts still in flight), and the
 * targets resolved from the container cache. The CLI reports what the calls
 * return; nothing here prints.
 */
#ifndef WARD_ENFORCE_SESSION_H
#define WARD_ENFORCE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attribution/container.h"
#include "enforce.h"
#include "policy.h"

struct es_opts {
	const char *policy;	 /* DIR|FILE of YAML, or a bundle; NULL: the embedded default */
	bool audit_only;	 /* every rule audits, whatever the policy says */
	const char *trusted_key; /* PEM public key: only bundles it signed */
	const char *pin_dir;	 /* default ENFORCE_PIN_DIR */
	const char *state_dir;	 /* default ENFORCE_STATE_DIR */
};

struct es_report {
	uint32_t generation;
	uint32_t adopted; /* generation found pinned at start, 0 if none */
	size_t targets;
	size_t skipped;	   /* containers selected by too many policies */
	int host_policies; /* policies with host: true (not enforced), -E2BIG: many */
};

struct enforce_session;

/* Probe, open the enforcer, resolve targets and make p (policy_load() of
 * o->policy, taken over: freed on failure too) the first live generation.
 * 0 or -errno with the errors in d (no location: the kernel's, the mounts');
 * on success a warning in d says a cgroup attachment failed. */
int es_start(const struct es_opts *o, struct policy *p, struct container_cache *cc,
	     struct enforce_session **ret, struct es_report *rep, struct rc_diags *d);
/* Re-resolve the targets (containers started or stopped). 1 when the set of
 * targeted cgroups changed, 0 when not, -errno. */
int es_tick(struct enforce_session *es, struct es_report *rep);
/* Load the policy path again; on any error the live generation stays, and d
 * holds policy_load()'s diagnostics or the kernel's refusal. Success with a
 * warning in d: as for es_start(). */
int es_reload(struct enforce_session *es, struct es_report *rep, struct rc_diags *d);
/* Make p (taken: freed on failure too) the live generation, with the modes
 * set at run time; on any error the live generation stays, d saying why. */
int es_apply(struct enforce_session *es, struct policy *p, struct es_report *rep,
	     struct rc_diags *d);

/* A policy's mode set at run time (docs/api.md): it holds for the policy
 * and all its rules from a new generation made of the live bundle, and
 * for every generation after (reloads too) until set again. -ENOENT (no
 * such policy in force) or -EPERM (audit-only server, mode enforce) with d
 * saying so; another error leaves the live generation and the mode it had. */
struct es_mode {
	char *name;
	uint8_t mode; /* enum ward_mode */
};
int es_set_mode(struct enforce_session *es, const char *name, uint8_t mode, struct es_report *rep,
		struct rc_diags *d);
/* The modes set at run time (*ret_n of them). */
const struct es_mode *es_modes(const struct enforce_session *es, size_t *ret_n);
uint32_t es_generation(const struct enforce_session *es);
bool es_audit_only(const struct enforce_session *es);

/* The policy path es loads (es_opts.policy): NULL for the embedded default. */
const char *es_policy_path(const struct enforce_session *es);
/* An exec held in a new cgroup (struct ward_hold, the container-start window
 * of include/ward/enforce_abi.h): classify the cgroup now (a rescan, as a tick),
 * decide the exec as the kernel would for a targeted cgroup (rulesc's
 * reference, which the differential test proves equal), kill the task when
 * blocked, resume it otherwise. 1 with *ret_alert filled when the decision
 * is to be reported, 0 when not, -errno (the task is resumed). */
int es_hold(struct enforce_session *es, const struct ward_hold *h, struct ward_alert *ret_alert);
/* Close; with unpin, remove the pins so enforcement ends with the process. */
void es_free(struct enforce_session *es, bool unpin);

struct enforcer *es_enforcer(const struct enforce_session *es);
/* The bundle of a generation this session made live, NULL if unknown. */
const struct ward_bundle *es_bundle(const struct enforce_session *es, uint32_t generation);
/* The resource class (enum ward_class) of what a ward_counters entry counts:
 * its rule's; for a policy's default (rule WARD_NONE), the one class whose
 * default the policy does not allow (a default that allows is not counted).
 * -ENOENT when its generation's bundle is unknown or names no such rule or
 * policy, -E2BIG for a default of a policy that allows several classes not. */
int es_counter_class(const struct enforce_session *es, const struct ward_counter_key *k);

#endif
