// SPDX-License-Identifier: Apache-2.0
/* BPF plugins: plugin.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sodium.h>

#include "core/clock.h"
#include "plugin.h"
#include "trace/tracker.h"

/* How a member of struct ward_event is shown. */
struct field {
	uint32_t off, size;
	bool is_signed, is_str;
};

struct plugin {
	uint32_t id;
	char name[PLUGIN_NAME_MAX];
	char sha256[65];
	size_t size, n_progs;
	struct bpf_object *obj;
	struct bpf_link **links;
	size_t n_links;
	struct tracker_ops ops; /* its tracker: name, columns, how a record is shown */
	struct out_col cols[PLUGIN_COLS_MAX + 1];
	char col_names[PLUGIN_COLS_MAX][64];
	struct field fields[PLUGIN_COLS_MAX];
	size_t n_fields;
	int cgroup_field, ts_field; /* -1: none */
	size_t rec_size;
};

static uint32_t next_id;

/* ---- the record layout -------------------------------------------------------------------- */

/* The members of struct ward_event as columns; 0 or -EINVAL with why. */
static int layout(struct plugin *p, const struct btf *btf, char *why, size_t why_size)
{
	int id = btf ? btf__find_by_name_kind(btf, PLUGIN_EVENT, BTF_KIND_STRUCT) : -ENOENT;
	const struct btf_member *m;
	const struct btf_type *st;

	if (id < 0) {
		snprintf(why, why_size,
			 "no 'struct " PLUGIN_EVENT "' in the object's BTF: it is the layout of "
			 "the records in the '" PLUGIN_RINGBUF "' ring buffer (docs/plugins.md)");
		return -EINVAL;
	}
	st = btf__type_by_id(btf, (uint32_t)id);
	p->rec_size = st->size;
	p->cgroup_field = p->ts_field = -1;
	m = btf_members(st);
	for (uint16_t i = 0; i < btf_vlen(st); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		int tid = btf__resolve_type(btf, m->type);
		const struct btf_type *t = tid < 0 ? NULL : btf__type_by_id(btf, (uint32_t)tid);
		uint32_t bit = btf_member_bit_offset(st, i);
		struct field f = { .off = bit / 8 };

		if (!t || !mname || !*mname || bit % 8 || btf_member_bitfield_size(st, i))
			continue; /* bitfields and anonymous members are not shown */
		if (btf_is_int(t) &&
		    (t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8)) {
			f.size = t->size;
			f.is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		} else if (btf_is_enum(t) && (t->size == 4 || t->size == 8)) {
			f.size = t->size;
		} else if (btf_is_array(t)) {
			const struct btf_type *el = btf__type_by_id(btf, btf_array(t)->type);
			int eid = el ? btf__resolve_type(btf, btf_array(t)->type) : -1;

			el = eid < 0 ? NULL : btf__type_by_id(btf, (uint32_t)eid);
			if (!el || !btf_is_int(el) || el->size != 1 || !btf_array(t)->nelems)
				continue; /* only char arrays, as strings */
			f.size = btf_array(t)->nelems;
			f.is_str = true;
		} else {
			continue;
		}
		if ((uint64_t)f.off + f.size > p->rec_size)
			continue;
		if (!strcmp(mname, "cgroup_id") && f.size == 8 && !f.is_str) {
			p->cgroup_field = (int)p->n_fields; /* shown as the container */
		} else if (!strcmp(mname, "ts_ns") && f.size == 8 && !f.is_str) {
			p->ts_field = (int)p->n_fields; /* attribution's clock, not shown */
		}
		if (p->n_fields == PLUGIN_COLS_MAX) {
			snprintf(why, why_size, "struct " PLUGIN_EVENT " has more than %d members",
				 PLUGIN_COLS_MAX);
			return -E2BIG;
		}
		snprintf(p->col_names[p->n_fields], sizeof(p->col_names[0]), "%s", mname);
		p->fields[p->n_fields++] = f;
	}
	if (!p->n_fields) {
		snprintf(why, why_size,
			 "struct " PLUGIN_EVENT " has no member ward can show (integers, enums, "
			 "char arrays)");
		return -EINVAL;
	}
	return 0;
}

/* Columns: each member but ts_ns, cgroup_id as the container. */
static void columns(struct plugin *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_fields; i++) {
		const struct field *f = &p->fields[i];

		if ((int)i == p->ts_field)
			continue;
		if ((int)i == p->cgroup_field)
			p->cols[n++] = (struct out_col){ "container_name", OUT_CONTAINER, 16, 0 };
		else
			p->cols[n++] = (struct out_col){ p->col_names[i],
							 f->is_str	? OUT_STR
							 : f->is_signed ? OUT_S64
									: OUT_U64,
							 f->is_str ? 16 : 8,
							 f->is_str ? 0u : OUT_F_RIGHT };
	}
	p->ops.cols = p->cols;
	p->ops.n_cols = n;
}

static uint64_t field_u64(const struct field *f, const unsigned char *rec)
{
	union {
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
		int8_t s8;
		int16_t s16;
		int32_t s32;
	} v;

	memcpy(&v, rec + f->off, f->size);
	switch (f->size) {
	case 1:
		return f->is_signed ? (uint64_t)(int64_t)v.s8 : v.u8;
	case 2:
		return f->is_signed ? (uint64_t)(int64_t)v.s16 : v.u16;
	case 4:
		return f->is_signed ? (uint64_t)(int64_t)v.s32 : v.u32;
	default:
		return v.u64;
	}
}

/* ---- the tracker of a plugin --------------------------------------------------------------- */

static int emit(struct tracker *t, const void *rec, size_t size, const struct container_info *ci)
{
	const struct plugin *p = t->skel;
	char strs[PLUGIN_COLS_MAX][PLUGIN_STR_MAX];
	union out_val v[PLUGIN_COLS_MAX + 1];
	uint64_t present = 0;
	size_t n = 0;

	if (size < p->rec_size)
		return -EPROTO;
	for (size_t i = 0; i < p->n_fields; i++) {
		const struct field *f = &p->fields[i];

		if ((int)i == p->ts_field)
			continue;
		if ((int)i == p->cgroup_field) {
			v[n].c = ci;
		} else if (f->is_str) {
			size_t len = f->size < PLUGIN_STR_MAX - 1 ? f->size : PLUGIN_STR_MAX - 1;

			memcpy(strs[n], (const char *)rec + f->off, len);
			strs[n][len] = '\0';
			v[n].s = strs[n];
		} else {
			v[n].u = field_u64(f, rec);
		}
		present |= 1ULL << n++;
	}
	return out_row(t->out, v, present);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct tracker *t = ctx;
	const struct plugin *p = t->skel;
	uint64_t cg = 0, ts = 0;

	if (size < p->rec_size) {
		t->malformed++;
		return 0;
	}
	if (p->cgroup_field >= 0)
		cg = field_u64(&p->fields[p->cgroup_field], data);
	if (p->ts_field >= 0)
		ts = field_u64(&p->fields[p->ts_field], data);
	if (p->cgroup_field < 0) /* no container: every record as it comes */
		tracker_deliver(t, data, size, NULL, emit);
	else
		(void)tracker_record_of(t, data, size, cg, ts, emit);
	return 0;
}

static void destroy(void *skel)
{
	plugin_free(skel);
}

/* ---- checking, starting ------------------------------------------------------------------- */

static bool allowed(const struct bpf_program *prog)
{
	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_KPROBE:
		return true;
	case BPF_PROG_TYPE_TRACING:
		switch (bpf_program__expected_attach_type(prog)) {
		case BPF_TRACE_RAW_TP:
		case BPF_TRACE_FENTRY:
		case BPF_TRACE_FEXIT:
			return true;
		default:
			return false;
		}
	default:
		return false;
	}
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= PLUGIN_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-' || name[i] == '_'))
			return false;
	return true;
}

/* Open buf and check it; plugin_check() does this in a child first. */
static int open_checked(const void *buf, size_t len, const char *name, struct plugin **ret,
			char *why, size_t why_size)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
	struct plugin *p;
	struct bpf_program *prog;
	struct bpf_map *map, *rb = NULL;
	uint8_t digest[crypto_hash_sha256_BYTES];
	int err;

	if (len > PLUGIN_SIZE_MAX) {
		snprintf(why, why_size, "%zu bytes: a plugin is at most %u", len, PLUGIN_SIZE_MAX);
		return -E2BIG;
	}
	if (!name_ok(name)) {
		snprintf(why, why_size, "the name '%s' is not 1 to %d of a-z, 0-9, '-' and '_'",
			 name, PLUGIN_NAME_MAX - 1);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->size = len;
	crypto_hash_sha256(digest, buf, len);
	for (size_t i = 0; i < sizeof(digest); i++)
		sprintf(p->sha256 + 2 * i, "%02x", digest[i]);
	p->obj = bpf_object__open_mem(buf, len, &opts);
	if (!p->obj) {
		err = -errno;
		snprintf(why, why_size, "not a BPF object libbpf can open: %s", strerror(errno));
		goto out_free;
	}
	err = -EPERM;
	bpf_object__for_each_program(prog, p->obj)
	{
		if (!allowed(prog)) {
			snprintf(why, why_size,
				 "program '%s' (section '%s') is of a type plugins may not load: "
				 "tracepoint, raw_tp, tp_btf, fentry/fexit and kprobes only",
				 bpf_program__name(prog), bpf_program__section_name(prog));
			goto out_free;
		}
		p->n_progs++;
	}
	if (!p->n_progs || p->n_progs > PLUGIN_PROGS_MAX) {
		snprintf(why, why_size, "%zu programs: a plugin has 1 to %d", p->n_progs,
			 PLUGIN_PROGS_MAX);
		err = -EINVAL;
		goto out_free;
	}
	bpf_object__for_each_map(map, p->obj)
	{
		if (bpf_map__pin_path(map)) {
			snprintf(why, why_size, "map '%s' is pinned: plugins may not pin maps",
				 bpf_map__name(map));
			goto out_free;
		}
		if (!strcmp(bpf_map__name(map), PLUGIN_RINGBUF) &&
		    bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF)
			rb = map;
	}
	err = -EINVAL;
	if (!rb) {
		snprintf(why, why_size,
			 "no ring buffer map named '" PLUGIN_RINGBUF "': ward reads a plugin's "
			 "records from it (docs/plugins.md)");
		goto out_free;
	}
	err = layout(p, bpf_object__btf(p->obj), why, why_size);
	if (err)
		goto out_free;
	columns(p);
	p->ops.name = p->name;
	p->ops.summary = "a BPF plugin";
	p->ops.rec_size = p->rec_size;
	p->ops.emit = emit;
	p->ops.destroy = destroy;
	*ret = p;
	return 0;
out_free:
	plugin_free(p);
	return err;
}

/*
 * libbpf's ELF and BTF parsing of this Debian's libbpf (1.1) crashes on some
 * malformed objects (found by tests/fuzz/fuzz_plugin.c): the bytes are opened
 * and checked in a child first, so a crash costs the child, never the
 * daemon; parsing the same bytes again in the daemon then takes the path
 * the child survived.
 */
int plugin_check(const void *buf, size_t len, const char *name, struct plugin **ret, char *why,
		 size_t why_size)
{
	int fds[2], status, err;
	ssize_t n = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		struct plugin *p = NULL;

		close(fds[0]);
		err = open_checked(buf, len, name, &p, why, why_size);
		if (err && write(fds[1], why, strlen(why)) < 0)
			_exit(2);
		_exit(err ? (-err & 0x7f) : 0);
	}
	close(fds[1]);
	why[0] = '\0';
	for (size_t off = 0; off < why_size - 1; off += (size_t)n) {
		n = read(fds[0], why + off, why_size - 1 - off);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			break;
		why[off + (size_t)n] = '\0';
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(status) || (WEXITSTATUS(status) && !why[0])) {
		/* died, or a sanitizer made the crash an exit: either way, no reason */
		snprintf(why, why_size,
			 "not a BPF object ward can read: libbpf's parser %s %d on it",
			 WIFSIGNALED(status) ? "died of signal" : "failed with status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return -EINVAL;
	}
	if (WEXITSTATUS(status))
		return -(int)WEXITSTATUS(status);
	return open_checked(buf, len, name, ret, why, why_size);
}

int plugin_start(struct plugin *p, struct session *s, struct tracker **ret, char *why,
		 size_t why_size)
{
	struct tracker *t = calloc(1, sizeof(*t));
	struct bpf_program *prog;
	int err;

	if (!t) {
		plugin_free(p);
		return -ENOMEM;
	}
	t->ops = &p->ops;
	t->s = s;
	t->skel = p;
	t->drops.fd = t->cgfilter_fd = -1;
	err = bpf_object__load(p->obj);
	if (err) {
		snprintf(why, why_size,
			 "the kernel did not load it: %s (the verifier's log is in ward's output)",
			 strerror(-err));
		goto out_free;
	}
	p->links = calloc(p->n_progs, sizeof(*p->links));
	if (!p->links) {
		err = -ENOMEM;
		goto out_free;
	}
	bpf_object__for_each_program(prog, p->obj)
	{
		struct bpf_link *l = bpf_program__attach(prog);

		if (!l) {
			err = -errno;
			snprintf(why, why_size, "attaching '%s' (section '%s'): %s",
				 bpf_program__name(prog), bpf_program__section_name(prog),
				 strerror(errno));
			goto out_free;
		}
		p->links[p->n_links++] = l;
	}
	t->out = out_new(&s->sinks, p->name, OUT_EVENT, p->cols, p->ops.n_cols);
	t->rb = t->out ? ring_buffer__new(bpf_object__find_map_fd_by_name(p->obj, PLUGIN_RINGBUF),
					  on_record, t, NULL)
		       : NULL;
	if (!t->rb) {
		err = t->out ? -errno : -ENOMEM;
		snprintf(why, why_size, "following its ring buffer: %s", strerror(-err));
		goto out_free;
	}
	p->id = ++next_id;
	*ret = t;
	return 0;
out_free:
	out_free(t->out);
	free(t);
	plugin_free(p);
	return err;
}

void plugin_free(struct plugin *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_links; i++)
		bpf_link__destroy(p->links[i]);
	free(p->links);
	bpf_object__close(p->obj);
	free(p);
}

const struct plugin *plugin_of(const struct tracker *t)
{
	return t->ops->destroy == destroy ? t->skel : NULL;
}

const char *plugin_name(const struct plugin *p)
{
	return p->name;
}

uint32_t plugin_id(const struct plugin *p)
{
	return p->id;
}

size_t plugin_size(const struct plugin *p)
{
	return p->size;
}

size_t plugin_programs(const struct plugin *p)
{
	return p->n_progs;
}

const char *plugin_sha256(const struct plugin *p)
{
	return p->sha256;
}
