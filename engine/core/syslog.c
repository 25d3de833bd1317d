// SPDX-License-Identifier: Apache-2.0
/* The syslog output: syslog.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "output.h"
#include "syslog.h"

#define SYSLOG_MSG_MAX 8192 /* bytes of a message: rsyslog's default maximum */
#define RECONNECT_NS   1000000000ULL
#define SD_ID	       "ward@32473" /* RFC 5612's documentation number: ward has no PEN */

/* The columns of an alert row that go into the structured data. */
static const char *const sd_cols[] = { "policy", "rule", "action", "severity", "object", NULL };

struct syslog_sink {
	struct sink base;
	struct syslog_target t;
	int fd;
	uint64_t next_connect; /* CLOCK_MONOTONIC: tcp, not before */
	char host[256];
	char buf[SYSLOG_MSG_MAX + 16];
};

int syslog_parse_target(const char *s, struct syslog_target *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!strncmp(s, "unix:", 5)) {
		if (s[5] != '/' || strlen(s + 5) >= sizeof(ret->path))
			return -EINVAL;
		ret->transport = SYSLOG_UNIX;
		strcpy(ret->path, s + 5);
		return 0;
	}
	if (!strncmp(s, "udp:", 4))
		ret->transport = SYSLOG_UDP;
	else if (!strncmp(s, "tcp:", 4))
		ret->transport = SYSLOG_TCP;
	else
		return -EINVAL;
	/* a port alone would mean loopback to http_parse_listen(): a syslog
	 * receiver is named in full */
	if (s[4] == ':' || !strchr(s + 4, ':'))
		return -EINVAL;
	return http_parse_listen(s + 4, ret->host, &ret->port) || !ret->port ? -EINVAL : 0;
}

/* An SD-PARAM value: ", \ and ] escaped (RFC 5424, 6.3.3). */
static size_t put_sd_value(char *buf, size_t size, const char *v)
{
	size_t n = 0;

	for (; *v && n + 2 < size; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			buf[n++] = '\\';
		buf[n++] = *v;
	}
	buf[n] = '\0';
	return n;
}

int syslog_format(char *buf, size_t size, int pri, const char *time, const char *host,
		  unsigned int pid, const char *const *sd, const char *msg)
{
	size_t n;
	int w;

	w = snprintf(buf, size, "<%d>1 %s %s ward %u alert [" SD_ID, pri, time,
		     host[0] ? host : "-", pid);
	if (w < 0 || (size_t)w >= size)
		return -ENOSPC;
	n = (size_t)w;
	for (size_t i = 0; sd && sd[i] && sd[i + 1]; i += 2) {
		char val[512];

		put_sd_value(val, sizeof(val), sd[i + 1]);
		w = snprintf(buf + n, size - n, " %s=\"%s\"", sd[i], val);
		if (w < 0 || (size_t)w >= size - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	w = snprintf(buf + n, size - n, "] %s", msg);
	if (w < 0 || (size_t)w >= size - n)
		return -ENOSPC;
	return (int)(n + (size_t)w);
}

/* The rule's severity as a syslog severity; a block is a warning at least. */
static int severity_of(const char *sev, const char *action)
{
	static const struct {
		const char *name;
		int level;
	} map[] = {
		{ "critical", 2 }, { "high", 3 }, { "medium", 4 }, { "low", 5 }, { "info", 6 }
	};
	int level = 5; /* notice */

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sev && !strcmp(sev, map[i].name))
			level = map[i].level;
	if (action && !strcmp(action, "block") && level > 4)
		level = 4;
	return level;
}

static int connect_target(struct syslog_sink *s)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int type = s->t.transport == SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM, fd;

	if (s->t.transport == SYSLOG_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;

		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, s->t.path, strlen(s->t.path) + 1);
		len = sizeof(*un);
	} else if (strchr(s->t.host, ':')) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(s->t.port);
		inet_pton(AF_INET6, s->t.host, &in6->sin6_addr);
		len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(s->t.port);
		inet_pton(AF_INET, s->t.host, &in->sin_addr);
		len = sizeof(*in);
	}
	fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		int err = -errno;

		close(fd);
		return err;
	}
	s->fd = fd;
	return 0;
}

/* Send one message whole, or drop it (counted): never wait. */
static void send_msg(struct syslog_sink *s, const char *msg, size_t len)
{
	uint64_t now = clock_now_ns(CLOCK_MONOTONIC);
	ssize_t n;

	if (s->fd < 0 && (now < s->next_connect || connect_target(s) < 0)) {
		s->next_connect = now + RECONNECT_NS;
		s->base.stats.dropped++;
		return;
	}
	n = send(s->fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == (ssize_t)len)
		return;
	s->base.stats.dropped++;
	/* a stream with part of a frame sent, or a peer gone: start over */
	if (s->t.transport == SYSLOG_TCP && (n >= 0 || (errno != EAGAIN && errno != ENOTCONN))) {
		close(s->fd);
		s->fd = -1;
		s->next_connect = now + RECONNECT_NS;
	}
}

static int syslog_row(struct sink *base, const struct out *ch, const union out_val *vals,
		      uint64_t present)
{
	struct syslog_sink *s = (struct syslog_sink *)base;
	const char *sd[2 * 8 + 1] = { NULL };
	char time[40], *json, *frame;
	json_t *obj;
	size_t k = 0;
	int len;

	obj = out_row_json(ch, vals, present);
	if (!obj)
		return -ENOMEM;
	json = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	snprintf(time, sizeof(time), "%s", json_string_value(json_object_get(obj, "time")) ?: "-");
	json_decref(obj);
	if (!json)
		return -ENOMEM;
	for (size_t i = 0; sd_cols[i]; i++) {
		const char *v = out_row_str(ch, vals, present, sd_cols[i]);

		if (v) {
			sd[k++] = sd_cols[i];
			sd[k++] = v;
		}
	}
	sd[k++] = "container";
	sd[k++] = out_row_str(ch, vals, present, "container_name") ?: "-";
	/* room before the message for TCP's "LEN " (RFC 6587 octet counting) */
	frame = s->buf + 16;
	len = syslog_format(frame, SYSLOG_MSG_MAX,
			    SYSLOG_FACILITY_AUTH * 8 +
				    severity_of(out_row_str(ch, vals, present, "severity"),
						out_row_str(ch, vals, present, "action")),
			    time, s->host, (unsigned int)getpid(), sd, json);
	free(json);
	if (len < 0) { /* longer than a receiver takes: dropped, counted */
		s->base.stats.dropped++;
		return 0;
	}
	if (s->t.transport == SYSLOG_TCP) {
		char pre[16];
		int p = snprintf(pre, sizeof(pre), "%d ", len);

		frame -= p;
		memcpy(frame, pre, (size_t)p);
		len += p;
	}
	send_msg(s, frame, (size_t)len);
	return 0;
}

static int syslog_flush(struct sink *base)
{
	return 0;
}

static int syslog_close(struct sink *base)
{
	struct syslog_sink *s = (struct syslog_sink *)base;

	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return 0;
}

static const struct sink_ops syslog_ops = {
	.row = syslog_row,
	.flush = syslog_flush,
	.close = syslog_close,
};

int sink_syslog_add(struct sinks *set, const char *target)
{
	struct syslog_sink *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->base.ops = &syslog_ops;
	s->base.name = target;
	s->base.kind = "syslog";
	s->base.filter.alerts_only = true; /* its messages are alerts' */
	s->fd = -1;
	if (syslog_parse_target(target, &s->t)) {
		free(s);
		return -EINVAL;
	}
	if (gethostname(s->host, sizeof(s->host) - 1) < 0)
		s->host[0] = '\0';
	s->host[strcspn(s->host, " ")] = '\0';
	err = connect_target(s);
	if (err && s->t.transport != SYSLOG_TCP) {
		free(s);
		return err;
	}
	return sinks_add(set, &s->base);
}
