// SPDX-License-Identifier: Apache-2.0
/* Prometheus metrics registry and text exposition: metrics.h. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hindex.h"
#include "metrics.h"

struct series {
	char *key; /* the label values joined by KEY_SEP: the lookup key */
	uint64_t hash;
	char *values[METRICS_LABELS_MAX];
	double value;
};

struct metrics_family {
	struct metrics *m;
	char *name, *help;
	enum metrics_type type;
	char *labels[METRICS_LABELS_MAX];
	size_t n_labels;
	size_t max_series;
	struct series *v; /* in insertion order: the page is stable */
	size_t n, cap;
	struct hindex idx; /* over v, by key */
};

struct metrics {
	struct metrics_family **fams;
	size_t n_fams;
	uint64_t lost, folded;
	struct metrics_family *proc[4]; /* metrics_update_process()'s */
	pthread_mutex_t mu;		/* guards page */
	char *page;
	size_t page_len;
};

#define KEY_SEP '\x1f'

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m)
		pthread_mutex_init(&m->mu, NULL);
	return m;
}

static void family_free(struct metrics_family *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].key);
		for (size_t j = 0; j < f->n_labels; j++)
			free(f->v[i].values[j]);
	}
	for (size_t j = 0; j < f->n_labels; j++)
		free(f->labels[j]);
	free(f->v);
	hindex_free(&f->idx);
	free(f->name);
	free(f->help);
	free(f);
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_fams; i++)
		family_free(m->fams[i]);
	free(m->fams);
	pthread_mutex_destroy(&m->mu);
	free(m->page);
	free(m);
}

struct metrics_family *metrics_family(struct metrics *m, const char *name, enum metrics_type type,
				      const char *help, const char *const *labels,
				      size_t max_series)
{
	struct metrics_family *f = calloc(1, sizeof(*f)), **fams;

	if (!f)
		return NULL;
	f->m = m;
	f->type = type;
	f->max_series = max_series;
	f->name = strdup(name);
	f->help = strdup(help);
	if (!f->name || !f->help)
		goto out_free;
	for (; labels && labels[f->n_labels]; f->n_labels++) {
		if (f->n_labels == METRICS_LABELS_MAX)
			goto out_free;
		f->labels[f->n_labels] = strdup(labels[f->n_labels]);
		if (!f->labels[f->n_labels])
			goto out_free;
	}
	fams = realloc(m->fams, (m->n_fams + 1) * sizeof(*fams));
	if (!fams)
		goto out_free;
	m->fams = fams;
	m->fams[m->n_fams++] = f;
	return f;
out_free:
	family_free(f);
	return NULL;
}

static char *join_key(const struct metrics_family *f, const char *const *values)
{
	size_t len = 1;
	char *key, *p;

	for (size_t i = 0; i < f->n_labels; i++)
		len += strlen(values[i] ? values[i] : "") + 1;
	key = malloc(len);
	if (!key)
		return NULL;
	p = key;
	for (size_t i = 0; i < f->n_labels; i++) {
		size_t l = strlen(values[i] ? values[i] : "");

		memcpy(p, values[i] ? values[i] : "", l);
		p += l;
		*p++ = KEY_SEP;
	}
	*p = '\0';
	return key;
}

static uint64_t series_hash(const void *ctx, size_t i)
{
	return ((const struct metrics_family *)ctx)->v[i].hash;
}

static bool series_match(const void *ctx, size_t i, const void *key)
{
	return !strcmp(((const struct metrics_family *)ctx)->v[i].key, key);
}

static struct series *find(const struct metrics_family *f, const char *key, uint64_t hash)
{
	size_t i = hindex_find(&f->idx, hash, series_match, f, key);

	return i ? &f->v[i - 1] : NULL;
}

static struct series *insert(struct metrics_family *f, char *key, uint64_t hash,
			     const char *const *values)
{
	struct series *s;

	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 8;
		struct series *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		f->v = v;
		f->cap = cap;
	}
	if (hindex_reserve(&f->idx, f->n, series_hash, f))
		return NULL;
	s = &f->v[f->n];
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < f->n_labels; i++) {
		s->values[i] = strdup(values[i] ? values[i] : "");
		if (!s->values[i]) {
			while (i--)
				free(s->values[i]);
			return NULL;
		}
	}
	s->key = key;
	s->hash = hash;
	hindex_put(&f->idx, hash, f->n++);
	return s;
}

/* The series of values, made when new; past the cap, the folded one. */
static struct series *series_of(struct metrics_family *f, const char *const *values)
{
	static const char *const other[METRICS_LABELS_MAX] = { METRICS_OTHER, METRICS_OTHER,
							       METRICS_OTHER, METRICS_OTHER };
	char *key = join_key(f, values);
	struct series *s;
	uint64_t hash;

	if (!key)
		return NULL;
	for (;;) {
		hash = hash_bytes(key, strlen(key));
		s = find(f, key, hash);
		if (s) {
			free(key);
			return s;
		}
		if (f->n < f->max_series || values == other)
			break;
		/* past the cap: the folded series */
		free(key);
		f->m->folded++;
		values = other;
		key = join_key(f, other);
		if (!key)
			return NULL;
	}
	s = insert(f, key, hash, values);
	if (!s)
		free(key);
	return s;
}

/* The series of values updated: value, or value plus its current one. */
static int update(struct metrics_family *f, const char *const *values, double value, bool add)
{
	struct series *s = series_of(f, values);

	if (!s) {
		f->m->lost++;
		return -ENOMEM;
	}
	s->value = add ? s->value + value : value;
	return 0;
}

int metrics_add(struct metrics_family *f, const char *const *values, double delta)
{
	return update(f, values, delta, true);
}

int metrics_set(struct metrics_family *f, const char *const *values, double value)
{
	return update(f, values, value, false);
}

void metrics_reset(struct metrics_family *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].key);
		for (size_t j = 0; j < f->n_labels; j++)
			free(f->v[i].values[j]);
	}
	f->n = 0;
	hindex_rebuild(&f->idx, 0, series_hash, f);
}

uint64_t metrics_lost(const struct metrics *m)
{
	return m->lost;
}

uint64_t metrics_folded(const struct metrics *m)
{
	return m->folded;
}

/* A growing text buffer; a failed append sets oom and stops. */
struct text {
	char *buf;
	size_t len, cap;
	bool oom;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = 2 * t->cap + (size_t)n + 1;
		char *buf = realloc(t->buf, cap);

		if (!buf) {
			t->oom = true;
			return;
		}
		t->buf = buf;
		t->cap = cap;
	}
}

/* HELP text escapes \ and newline; label values also ". */
static void put_escaped(struct text *t, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			put(t, "\\\\");
		else if (*s == '\n')
			put(t, "\\n");
		else if (quote && *s == '"')
			put(t, "\\\"");
		else
			put(t, "%c", *s);
	}
}

static void put_family(struct text *t, const struct metrics_family *f)
{
	put(t, "# HELP %s ", f->name);
	put_escaped(t, f->help, false);
	put(t, "\n# TYPE %s %s\n", f->name, f->type == METRICS_COUNTER ? "counter" : "gauge");
	for (size_t i = 0; i < f->n; i++) {
		const struct series *s = &f->v[i];

		put(t, "%s", f->name);
		for (size_t j = 0; j < f->n_labels; j++) {
			put(t, "%s%s=\"", j ? "," : "{", f->labels[j]);
			put_escaped(t, s->values[j], true);
			put(t, "\"");
		}
		put(t, "%s %.15g\n", f->n_labels ? "}" : "", s->value);
	}
}

char *metrics_render(const struct metrics *m, size_t *ret_len)
{
	struct text t = { .cap = 4096 };

	t.buf = malloc(t.cap);
	if (!t.buf)
		return NULL;
	t.buf[0] = '\0';
	for (size_t i = 0; i < m->n_fams; i++)
		put_family(&t, m->fams[i]);
	if (t.oom) {
		free(t.buf);
		return NULL;
	}
	*ret_len = t.len;
	return t.buf;
}

int metrics_publish(struct metrics *m)
{
	size_t len;
	char *page = metrics_render(m, &len), *old;

	if (!page)
		return -ENOMEM;
	pthread_mutex_lock(&m->mu);
	old = m->page;
	m->page = page;
	m->page_len = len;
	pthread_mutex_unlock(&m->mu);
	free(old);
	return 0;
}

char *metrics_page(struct metrics *m, size_t *ret_len)
{
	char *copy = NULL;

	pthread_mutex_lock(&m->mu);
	if (m->page) {
		copy = malloc(m->page_len + 1);
		if (copy) {
			memcpy(copy, m->page, m->page_len + 1);
			*ret_len = m->page_len;
		}
	}
	pthread_mutex_unlock(&m->mu);
	return copy;
}

int metrics_parse_stat(const char *stat, unsigned long long *ret_cpu, unsigned long long *ret_start)
{
	unsigned long long ut, st, start;
	const char *p = strrchr(stat, ')'); /* comm may hold spaces and parentheses */

	if (!p || sscanf(p + 1,
			 " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
			 "%*d %*d %llu",
			 &ut, &st, &start) != 3)
		return -EINVAL;
	*ret_cpu = ut + st;
	*ret_start = start;
	return 0;
}

static int proc_stat_times(unsigned long long *ret_cpu, unsigned long long *ret_start)
{
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return metrics_parse_stat(buf, ret_cpu, ret_start);
}

static int boot_time(unsigned long long *ret)
{
	char line[256];
	FILE *f = fopen("/proc/stat", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", ret) == 1) {
			err = 0;
			break;
		}
	fclose(f);
	return err;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own */
}

int metrics_update_process(struct metrics *m)
{
	struct metrics_family **p = m->proc;
	unsigned long long ticks, start_ticks, btime, pages = 0;
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	FILE *f;
	int err, n;

	if (!p[0]) {
		p[0] = metrics_family(m, "process_cpu_seconds_total", METRICS_COUNTER,
				      "User and system CPU time spent in seconds.", NULL, SIZE_MAX);
		p[1] = metrics_family(m, "process_resident_memory_bytes", METRICS_GAUGE,
				      "Resident memory size in bytes.", NULL, SIZE_MAX);
		p[2] = metrics_family(m, "process_start_time_seconds", METRICS_GAUGE,
				      "Start time of the process since unix epoch in seconds.",
				      NULL, SIZE_MAX);
		p[3] = metrics_family(m, "process_open_fds", METRICS_GAUGE,
				      "Number of open file descriptors.", NULL, SIZE_MAX);
		if (!p[0] || !p[1] || !p[2] || !p[3])
			return -ENOMEM;
	}
	err = proc_stat_times(&ticks, &start_ticks) ?: boot_time(&btime);
	if (err)
		return err;
	f = fopen("/proc/self/statm", "re");
	if (!f)
		return -errno;
	if (fscanf(f, "%*u %llu", &pages) != 1)
		err = -EINVAL;
	fclose(f);
	n = open_fds();
	if (err || n < 0)
		return err ?: n;
	return metrics_set(p[0], NULL, (double)ticks / (double)hz) ?:
	       metrics_set(p[1], NULL, (double)pages * (double)page) ?:
	       metrics_set(p[2], NULL, (double)btime + (double)start_ticks / (double)hz) ?:
	       metrics_set(p[3], NULL, n);
}
