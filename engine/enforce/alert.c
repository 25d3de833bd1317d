// SPDX-License-Identifier: Apache-2.0
/* Alert records -> rows (table / JSON lines / CSV). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <seccomp.h>

#include "aggregate.h"
#include "core/clock.h"
#include "alert.h"
#include "enforce.h"
#include "enforce_session.h"
#include "rulesc.h"
#include "trace/tracker.h"

enum {
	C_TIME,
	C_ACTION,
	C_MODE,
	C_LEVEL,
	C_CONTAINER,
	C_OP,
	C_OBJECT,
	C_RULE,
	C_POLICY,
	C_SEVERITY,
	C_PID,
	C_PPID,
	C_UID,
	C_COMM,
	C_EXE,
	C_RULE_INDEX,
	C_POLICY_ID,
	C_GENERATION,
	C_ACCESS,
	C_PROTOCOL,
	C_PORT,
	C_CAP,
	C_SYSCALL,
	C_ORIGIN,
	C_MESSAGE,
	C_MESSAGE_TMPL,
	C_TRUNC,
	C_UNDECIDED,
	C_APPLET,
	C_COUNT, /* aggregated: how many identical alerts this record stands for */
	C_FIRST_SEEN,
	C_LAST_SEEN,
	C__COUNT,
};

static const struct out_col cols[C__COUNT] = {
	[C_TIME] = { "time", OUT_TIME, 8, 0 },
	[C_ACTION] = { "action", OUT_STR, 5, 0 },
	[C_MODE] = { "mode", OUT_STR, 7, 0 },
	[C_LEVEL] = { "level", OUT_STR, 7, 0 },
	[C_CONTAINER] = { "container_name", OUT_CONTAINER, 16, 0 },
	[C_OP] = { "op", OUT_STR, 7, 0 },
	[C_OBJECT] = { "object", OUT_STR, 24, 0 },
	[C_RULE] = { "rule", OUT_STR, 16, 0 },
	[C_POLICY] = { "policy", OUT_STR, 12, 0 },
	[C_SEVERITY] = { "severity", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_PID] = { "pid", OUT_U64, 7, OUT_F_RIGHT },
	[C_PPID] = { "ppid", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_UID] = { "uid", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_COMM] = { "comm", OUT_STR, 16, 0 },
	[C_EXE] = { "exe", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_RULE_INDEX] = { "rule_index", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_POLICY_ID] = { "policy_id", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_GENERATION] = { "generation", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_ACCESS] = { "access", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_PROTOCOL] = { "protocol", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_PORT] = { "port", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_CAP] = { "capability", OUT_U64, 0, OUT_F_NO_TABLE },
	[C_SYSCALL] = { "syscall", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_ORIGIN] = { "origin", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_MESSAGE] = { "message", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_MESSAGE_TMPL] = { "message_template", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_TRUNC] = { "truncated", OUT_BOOL, 0, OUT_F_NO_TABLE },
	[C_UNDECIDED] = { "undecided", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_APPLET] = { "applet", OUT_STR, 0, OUT_F_NO_TABLE },
	[C_COUNT] = { "count", OUT_U64, 5, OUT_F_RIGHT },
	[C_FIRST_SEEN] = { "first_seen", OUT_TIME, 0, OUT_F_NO_TABLE },
	[C_LAST_SEEN] = { "last_seen", OUT_TIME, 0, OUT_F_NO_TABLE },
};

#define BIT(c) (1ULL << (c))

_Static_assert(C__COUNT <= 64, "out_row's present mask has 64 bits");

struct out *alert_out_new(struct sinks *set)
{
	return out_new(set, "alert", OUT_ALERT, cols, C__COUNT);
}

static void addr_text(const struct ward_alert *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->family == 4)
		inet_ntop(AF_INET, &a->addr[12], ip, sizeof(ip));
	else
		inet_ntop(AF_INET6, a->addr, ip, sizeof(ip));
	(void)snprintf(buf, size, a->family == 4 ? "%s:%u" : "[%s]:%u", ip, a->port);
}

/* The placeholders rulesc accepts in a rule's message (rulesc/parse.c). */
enum msg_var {
	V_EXE,
	V_PID,
	V_UID,
	V_PARENT_EXE,
	V_CNAME,
	V_CIMAGE,
	V_CID,
	V_OBJECT,
	V_RULE,
	V_POLICY,
	V__COUNT,
};

static const char *const msg_vars[V__COUNT] = {
	[V_EXE] = "process.exe",      [V_PID] = "process.pid",
	[V_UID] = "process.uid",      [V_PARENT_EXE] = "process.parent_exe",
	[V_CNAME] = "container.name", [V_CIMAGE] = "container.image",
	[V_CID] = "container.id",     [V_OBJECT] = "object",
	[V_RULE] = "rule.name",	      [V_POLICY] = "policy.name",
};

#define MSG_CUT "..."

/* A message being rendered: at most ALERT_MESSAGE_MAX bytes, cut at a
 * character boundary and ended with MSG_CUT when longer. */
struct msg_buf {
	char s[ALERT_MESSAGE_MAX + 1];
	size_t len;
	bool cut;
};

/* Append n bytes of s; in a substituted value (the acting process, the
 * container and the object are the monitored side's to choose) control
 * characters become '?' so a value cannot forge lines or drive a terminal. */
static void msg_put(struct msg_buf *m, const char *s, size_t n, bool value)
{
	size_t limit = ALERT_MESSAGE_MAX - (sizeof(MSG_CUT) - 1);

	if (m->cut)
		return;
	if (n > limit - m->len) {
		n = limit - m->len;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
		m->cut = true;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		m->s[m->len++] = value && (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (m->cut) {
		memcpy(m->s + m->len, MSG_CUT, sizeof(MSG_CUT) - 1);
		m->len += sizeof(MSG_CUT) - 1;
	}
	m->s[m->len] = '\0';
}

/* Expand tmpl into m. The bundle may not come from rulesc: an unknown or
 * unterminated placeholder is copied as written. */
static void msg_expand(struct msg_buf *m, const char *tmpl, const char *const val[V__COUNT])
{
	const char *p = tmpl, *open, *close;

	m->len = 0;
	m->cut = false;
	m->s[0] = '\0';
	while ((open = strchr(p, '{')) && (close = strchr(open + 1, '}'))) {
		size_t n = (size_t)(close - open - 1), i;

		for (i = 0; i < V__COUNT; i++)
			if (strlen(msg_vars[i]) == n && !memcmp(open + 1, msg_vars[i], n))
				break;
		if (i == V__COUNT) {
			msg_put(m, p, (size_t)(close + 1 - p), false);
		} else {
			msg_put(m, p, (size_t)(open - p), false);
			msg_put(m, val[i], strlen(val[i]), true);
		}
		p = close + 1;
	}
	msg_put(m, p, strlen(p), false);
}

static const char *or_unknown(const char *s)
{
	return s[0] ? s : ALERT_UNKNOWN;
}

/* A record the kernel could have written; 0 or -EPROTO. */
static int alert_check(const struct ward_alert *a)
{
	if (!ward_op_name(a->op) || (a->action != WARD_ACT_ALERT && a->action != WARD_ACT_BLOCK) ||
	    (a->mode != WARD_MODE_AUDIT && a->mode != WARD_MODE_ENFORCE) ||
	    a->level > WARD_LEVEL_LSM || !a->policy_id || a->undecided >= WARD_UNDEC__MAX)
		return -EPROTO;
	/* Only an enforce-mode block can have been stopped by something. */
	if (a->level != WARD_LEVEL_NONE &&
	    (a->action != WARD_ACT_BLOCK || a->mode != WARD_MODE_ENFORCE))
		return -EPROTO;
	if (a->op == WARD_OP_SOCKET && a->num != WARD_SOCK_RAW && a->num != WARD_SOCK_PACKET)
		return -EPROTO;
	return 0;
}

int alert_render(struct out *o, const void *data, size_t size, const struct ward_bundle *b,
		 const struct container_info *ci, uint64_t mono_to_real_ns,
		 const struct agg_count *agg)
{
	struct ward_alert a;
	union out_val v[C__COUNT] = {};
	uint64_t present = BIT(C_TIME) | BIT(C_ACTION) | BIT(C_MODE) | BIT(C_LEVEL) |
			   BIT(C_CONTAINER) | BIT(C_OP) | BIT(C_OBJECT) | BIT(C_RULE) |
			   BIT(C_POLICY) | BIT(C_PID) | BIT(C_PPID) | BIT(C_UID) | BIT(C_COMM) |
			   BIT(C_EXE) | BIT(C_POLICY_ID) | BIT(C_GENERATION) | BIT(C_TRUNC);
	char object[WARD_ALERT_PATH + 64], rule[64], policy[64], access[64], pid[16], uid[16];
	char sysname[64], *sys;
	const char *exe;
	struct msg_buf msg;

	if (size < sizeof(a))
		return -EPROTO;
	memcpy(&a, data, sizeof(a));
	if (alert_check(&a))
		return -EPROTO;
	a.comm[sizeof(a.comm) - 1] = '\0';
	a.exe[sizeof(a.exe) - 1] = '\0';
	a.object[sizeof(a.object) - 1] = '\0';
	a.applet[sizeof(a.applet) - 1] = '\0';

	v[C_TIME].u = a.ts_ns + mono_to_real_ns;
	/* What happened: an enforce-mode block that no program could stop is
	 * reported as an alert with level none, never as a block. */
	if (a.action == WARD_ACT_BLOCK && a.mode == WARD_MODE_ENFORCE && a.level != WARD_LEVEL_NONE)
		v[C_ACTION].s = rc_action_name(WARD_ACT_BLOCK);
	else
		v[C_ACTION].s = rc_action_name(WARD_ACT_ALERT);
	v[C_MODE].s = rc_mode_name(a.mode);
	v[C_LEVEL].s = ward_level_name(a.level);
	v[C_CONTAINER].c = ci;
	v[C_OP].s = ward_op_name(a.op);
	v[C_PID].u = a.pid;
	v[C_PPID].u = a.ppid;
	v[C_UID].u = a.uid;
	v[C_COMM].s = a.comm;
	v[C_EXE].s = a.exe;
	v[C_POLICY_ID].u = a.policy_id;
	v[C_GENERATION].u = a.generation;
	v[C_TRUNC].u = !!(a.flags & (WARD_ALERT_OBJ_TRUNC | WARD_ALERT_EXE_TRUNC));
	if (a.flags & WARD_ALERT_EXE_UNKNOWN)
		present &= ~BIT(C_EXE);
	if ((a.flags & WARD_ALERT_APPLET) && a.op == WARD_OP_EXEC && a.applet[0]) {
		v[C_APPLET].s = a.applet;
		present |= BIT(C_APPLET);
	}
	if (a.undecided) {
		v[C_UNDECIDED].s = ward_undecided_name(a.undecided);
		present |= BIT(C_UNDECIDED);
	}
	exe = a.flags & WARD_ALERT_EXE_UNKNOWN ? ALERT_UNKNOWN : or_unknown(a.exe);
	(void)snprintf(pid, sizeof(pid), "%u", a.pid);
	(void)snprintf(uid, sizeof(uid), "%u", a.uid);

	switch (a.op) {
	case WARD_OP_EXEC:
	case WARD_OP_OPEN:
	case WARD_OP_UNIX_CONNECT:
	case WARD_OP_UNIX_BIND:
		v[C_OBJECT].s = or_unknown(a.object); /* unknown: its path could not be had */
		if (a.op == WARD_OP_OPEN) {
			rc_access_format(a.access, access, sizeof(access));
			v[C_ACCESS].s = access;
			present |= BIT(C_ACCESS);
		}
		break;
	case WARD_OP_CAPABLE:
		(void)snprintf(object, sizeof(object), "capability %u", a.num);
		v[C_OBJECT].s = object;
		v[C_CAP].u = a.num;
		present |= BIT(C_CAP);
		break;
	case WARD_OP_SYSCALL:
		/* rules name x86_64 syscalls (libseccomp's names, as rulesc) */
		sys = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, (int)a.num);
		if (sys)
			(void)snprintf(sysname, sizeof(sysname), "%s", sys);
		else
			(void)snprintf(sysname, sizeof(sysname), "%u", a.num);
		free(sys);
		(void)snprintf(object, sizeof(object), "syscall %s", sysname);
		v[C_OBJECT].s = object;
		v[C_SYSCALL].s = sysname;
		present |= BIT(C_SYSCALL);
		break;
	case WARD_OP_SOCKET:
		/* as rulesc explain takes it */
		v[C_OBJECT].s = a.num == WARD_SOCK_RAW ? "socket raw" : "socket packet";
		break;
	default:
		addr_text(&a, object, sizeof(object));
		v[C_OBJECT].s = object;
		v[C_PROTOCOL].s = a.access == WARD_PROTO_UDP ? "udp" : "tcp";
		v[C_PORT].u = a.port;
		present |= BIT(C_PROTOCOL) | BIT(C_PORT);
		break;
	}

	if (b && a.policy_id <= b->n_policies) {
		v[C_POLICY].s = ward_bundle_str(b, b->policies[a.policy_id - 1].name_off);
	} else {
		(void)snprintf(policy, sizeof(policy), "#%u", a.policy_id);
		v[C_POLICY].s = policy;
	}
	if (a.rule == WARD_NONE) {
		v[C_RULE].s = "default";
	} else if (b && a.rule < b->n_rules) {
		const struct wb_rule *r = &b->rules[a.rule];

		v[C_RULE].s = ward_bundle_str(b, r->name_off);
		v[C_SEVERITY].s = rc_severity_name(r->k.severity);
		v[C_ORIGIN].s = ward_bundle_str(b, r->origin_off);
		present |= BIT(C_SEVERITY) | BIT(C_ORIGIN);
		if (r->msg_off) {
			const char *val[V__COUNT] = {
				[V_EXE] = exe,
				[V_PID] = pid,
				[V_UID] = uid,
				/* exec: the program that called exec (what
				 * fromSource matches); otherwise not recorded */
				[V_PARENT_EXE] = a.op == WARD_OP_EXEC ? exe : ALERT_UNKNOWN,
				[V_CNAME] = container_display_name(ci),
				[V_CIMAGE] = or_unknown(ci->image),
				[V_CID] = or_unknown(ci->id),
				[V_OBJECT] = v[C_OBJECT].s,
				[V_RULE] = v[C_RULE].s,
				[V_POLICY] = v[C_POLICY].s,
			};

			v[C_MESSAGE_TMPL].s = ward_bundle_str(b, r->msg_off);
			msg_expand(&msg, v[C_MESSAGE_TMPL].s, val);
			v[C_MESSAGE].s = msg.s;
			present |= BIT(C_MESSAGE) | BIT(C_MESSAGE_TMPL);
		}
	} else {
		(void)snprintf(rule, sizeof(rule), "#%u", a.rule);
		v[C_RULE].s = rule;
	}
	if (a.rule != WARD_NONE) {
		v[C_RULE_INDEX].u = a.rule;
		present |= BIT(C_RULE_INDEX);
	}
	if (agg) {
		v[C_COUNT].u = agg->count;
		v[C_FIRST_SEEN].u = agg->first_ns + mono_to_real_ns;
		v[C_LAST_SEEN].u = agg->last_ns + mono_to_real_ns;
		present |= BIT(C_COUNT) | BIT(C_FIRST_SEEN) | BIT(C_LAST_SEEN);
	}
	return out_row(o, v, present);
}

/* What the alert tracker follows: the session, and the aggregation (or NULL). */
struct alert_stream {
	struct enforce_session *es;
	struct alert_agg *agg;
};

static int emit_alert(struct tracker *t, const void *rec, size_t size,
		      const struct container_info *ci)
{
	const struct alert_stream *st = t->skel;
	struct ward_alert a;
	int r;

	memcpy(&a, rec, sizeof(a));
	if (!st->agg)
		return alert_render(t->out, rec, size, es_bundle(st->es, a.generation), ci,
				    t->s->mono_to_real_ns, NULL);
	if (alert_check(&a))
		return -EPROTO;
	r = agg_offer(st->agg, &a, ci);
	if (r <= 0)
		return r; /* counted for the record of its window */
	return alert_render(
		t->out, &a, sizeof(a), es_bundle(st->es, a.generation), ci, t->s->mono_to_real_ns,
		&(struct agg_count){ .count = 1, .first_ns = a.ts_ns, .last_ns = a.ts_ns });
}

static int emit_counted(void *ctx, const struct ward_alert *a, const struct container_info *ci,
			const struct agg_count *c)
{
	struct tracker *t = ctx;
	const struct alert_stream *st = t->skel;
	int err = alert_render(t->out, a, sizeof(*a), es_bundle(st->es, a->generation), ci,
			       t->s->mono_to_real_ns, c);

	if (!err)
		t->shown++;
	return err;
}

/* The records of the windows that ended (all of them at the end). */
static int alert_flush(struct tracker *t, uint64_t now_real_ns, bool final)
{
	const struct alert_stream *st = t->skel;

	return st->agg ? agg_flush(st->agg, clock_now_ns(CLOCK_MONOTONIC), final, emit_counted, t)
		       : 0;
}

static int on_alert(void *ctx, void *data, size_t size)
{
	return tracker_record(ctx, data, size, sizeof(struct ward_alert), emit_alert);
}

/* An exec held in a new cgroup: decided once the cgroup is classified, and
 * reported here like the kernel's own alerts. */
static int on_hold(void *ctx, void *data, size_t size)
{
	struct tracker *t = ctx;
	struct enforce_session *es = ((const struct alert_stream *)t->skel)->es;
	struct ward_alert a;
	struct ward_hold h;

	if (size < sizeof(h)) {
		t->malformed++;
		return 0;
	}
	memcpy(&h, data, sizeof(h));
	h.name[sizeof(h.name) - 1] = h.object[sizeof(h.object) - 1] = h.exe[sizeof(h.exe) - 1] =
		'\0';
	/* < 0: not decided (the task is resumed; its cgroup stays new, so its
	 * next exec is held again) */
	if (es_hold(es, &h, &a) <= 0)
		return 0;
	return tracker_record(t, &a, sizeof(a), sizeof(a), emit_alert);
}

static void alert_destroy(void *skel)
{
	struct alert_stream *st = skel;

	agg_free(st->agg); /* the enforce session is freed by its owner */
	free(st);
}

static const struct tracker_ops alert_ops = {
	.name = "alert",
	.summary = "policy decisions other than allow",
	.cols = cols,
	.n_cols = C__COUNT,
	.flush = alert_flush,
	.destroy = alert_destroy,
};

int alert_tracker_init(struct tracker *t, struct session *s, struct enforce_session *es,
		       const struct alert_opts *o)
{
	struct alert_stream *st = calloc(1, sizeof(*st));

	memset(t, 0, sizeof(*t));
	t->ops = &alert_ops;
	t->s = s;
	t->filter = s->filter;
	t->cgfilter_fd = -1;
	if (!st)
		return -ENOMEM;
	t->skel = st;
	st->es = es;
	if (o->aggregate) {
		st->agg = agg_new(o->window_ns, o->key);
		if (!st->agg)
			return -ENOMEM;
	}
	t->drops.fd = enforcer_drops_fd(es_enforcer(es));
	t->out = alert_out_new(&s->sinks);
	if (!t->out)
		return -ENOMEM;
	t->rb = ring_buffer__new(enforcer_alerts_fd(es_enforcer(es)), on_alert, t, NULL);
	if (!t->rb)
		return -errno;
	ring_fill_init(&t->fill[t->n_fill++], enforcer_alerts_fd(es_enforcer(es)), "alert");
	ring_fill_init(&t->fill[t->n_fill++], enforcer_holds_fd(es_enforcer(es)), "hold");
	return ring_buffer__add(t->rb, enforcer_holds_fd(es_enforcer(es)), on_hold, t);
}
