/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The checked policy model: what the YAML documents mean once lists and
 * macros are expanded, overrides applied, names resolved and paths
 * normalised. All memory belongs to the set's arena. The compiler's own:
 * to the engine a set is opaque (rulesc.h loads, analyzes and compiles it).
 */
#ifndef RULESC_MODEL_H
#define RULESC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/bundle_maps.h"
#include "match.h"
#include "rulesc.h"

/* A path object of a rule: exact path, directory prefix or basename glob. */
struct rc_pathobj {
	enum ward_key_kind kind;
	char *path; /* EXACT: the path; DIR_*: dir ending in '/'; GLOB: parent dir */
	char *glob; /* GLOB: basename pattern, else NULL */
	char *text; /* as written, for messages and dumps */
	struct rc_loc loc;
};

struct rc_paths {
	struct rc_pathobj *v;
	size_t n;
};

struct rc_netm {
	bool present;
	struct rc_cidr *cidrs; /* none = any address */
	size_t n_cidrs;
	struct rc_port_range *ports; /* none = any port */
	size_t n_ports;
	uint32_t protos;	    /* enum ward_proto bits */
	struct rc_paths unix_paths; /* unix sockets instead of addresses */
	struct rc_loc loc;
};

struct rc_rule {
	char *name;
	struct rc_loc loc;
	enum ward_class cls;
	struct rc_paths objs;	 /* exec, file */
	struct rc_paths sources; /* fromSource (exec, file) */
	uint32_t access;	 /* file: enum ward_access bits */
	struct rc_netm connect, bind;
	uint32_t sockets; /* bits (1 << enum ward_sock_kind) */
	uint32_t *nums;	  /* capability or syscall numbers */
	char **num_names;
	size_t n_nums;
	uint8_t action, mode, severity;
	char **tags;
	size_t n_tags;
	char *message;
	char *origin; /* "file:line" */
};

struct rc_label {
	char *key, *value;
};

struct rc_selector {
	bool host;
	char **containers, **images;
	size_t n_containers, n_images;
	struct rc_label *labels;
	size_t n_labels;
	struct rc_loc loc;
};

struct rc_policy {
	char *name;
	char *description;
	char *provenance; /* profiles: one line of where it was learned */
	char *origin;
	struct rc_loc loc;
	bool profile;
	struct rc_selector sel;
	uint8_t mode;
	uint8_t defaults[WARD_CLS_MAX];
	bool defaults_bad; /* defaults had errors: skip the checks that depend on them */
	struct rc_rule *rules;
	size_t n_rules, cap_rules;
};

/* One PolicyTest case. */
struct rc_case {
	char *name;
	struct rc_loc loc;
	bool host;
	char *cname, *image;
	struct rc_label *labels;
	size_t n_labels;
	/* the event */
	enum ward_class cls;
	int op; /* enum rc_event_op (rulesc.h) */
	char *path, *parent;
	uint32_t access;
	bool stdio_socket; /* exec: given a socket as standard input or output */
	bool terminal;	   /* exec: run in an interactive session */
	uint8_t addr[16];
	uint16_t port;
	uint32_t proto;
	uint32_t num;
	char *what; /* the event as written, for reports */
	/* the expectation */
	uint8_t expect;	   /* effective outcome: enum ward_action */
	char *expect_rule; /* NULL = any; "default" = no rule */
};

struct rc_list;
struct rc_macro;
struct rc_block;

struct rc_set {
	struct ysrc **srcs;
	size_t n_srcs;
	struct rc_list *lists;
	size_t n_lists;
	struct rc_macro *macros;
	size_t n_macros;
	struct rc_policy *policies;
	size_t n_policies;
	struct rc_case *cases;
	size_t n_cases;
	struct rc_block *arena;
};

void *rc_alloc(struct rc_set *s, size_t size);
char *rc_strdup(struct rc_set *s, const char *str);

#endif
