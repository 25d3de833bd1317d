// SPDX-License-Identifier: Apache-2.0
/* The outputs that POST batches: post.h. The webhook's encoding is here,
 * OTLP's in otlp.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "output.h"
#include "post.h"
#include "rulesc.h"

#define TOKEN_MAX 4096 /* bytes of a token file */

struct post_sink {
	struct sink base;
	post_encode_fn encode;
	struct deliver *d;
	char *prefix, *suffix; /* owned, when the framing is built */
};

char *webhook_record(const struct out *ch, const union out_val *vals, uint64_t present,
		     size_t *ret_len)
{
	json_t *obj = out_row_json(ch, vals, present);
	char *s;

	if (!obj)
		return NULL;
	s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (s)
		*ret_len = strlen(s);
	return s;
}

int post_token_read(const char *path, char **ret)
{
	uint8_t *buf;
	size_t len, n;
	char *hdr;
	int err;

	err = rc_read_file(path, TOKEN_MAX, &buf, &len);
	if (err)
		return err;
	for (n = 0; n < len && buf[n] != '\n' && buf[n] != '\r'; n++)
		if (buf[n] < 0x21 || buf[n] > 0x7e) /* one token: printable, no spaces */
			break;
	/* the first line is the token; only blank lines may follow it */
	err = !n || (n < len && buf[n] != '\n' && buf[n] != '\r') ? -EINVAL : 0;
	for (size_t i = n; i < len && !err; i++)
		if (buf[i] != '\n' && buf[i] != '\r')
			err = -EINVAL;
	if (!err && asprintf(&hdr, "Bearer %.*s", (int)n, (const char *)buf) < 0)
		err = -ENOMEM;
	free(buf);
	if (!err)
		*ret = hdr;
	return err;
}

static int post_row(struct sink *base, const struct out *ch, const union out_val *vals,
		    uint64_t present)
{
	struct post_sink *s = (struct post_sink *)base;
	size_t len = 0;
	char *rec = s->encode(ch, vals, present, &len);

	if (!rec)
		return -ENOMEM;
	(void)deliver_push(s->d, rec, len); /* a full queue drops it, counted */
	return 0;
}

static int post_flush(struct sink *base)
{
	return 0;
}

static int post_close(struct sink *base)
{
	struct post_sink *s = (struct post_sink *)base;

	deliver_close(s->d);
	free(s->prefix);
	free(s->suffix);
	free(s);
	return 0;
}

static const struct sink_ops post_ops = {
	.row = post_row,
	.flush = post_flush,
	.close = post_close,
};

/* The output of kind kind, its records framed by fmt. */
static int post_add(struct sinks *set, const char *kind, const struct post_output *o,
		    post_encode_fn encode, struct post_sink *s, const struct deliver_fmt *fmt)
{
	struct http_url u;
	char *auth = NULL;
	int err;

	s->base.ops = &post_ops;
	s->base.name = o->url;
	s->base.kind = kind;
	s->base.delivery = true;
	s->base.filter.alerts_only = true;
	s->encode = encode;
	err = http_url_parse(o->url, &u);
	if (!err && o->token_file)
		err = post_token_read(o->token_file, &auth);
	if (!err)
		err = deliver_open(&u, auth, fmt, &o->d, &s->base.stats, &s->d);
	free(auth);
	if (err) {
		free(s->prefix);
		free(s->suffix);
		free(s);
		return err;
	}
	return sinks_add(set, &s->base);
}

int sink_webhook_add(struct sinks *set, const struct post_output *o)
{
	static const struct deliver_fmt fmt = {
		.type = "application/json", .prefix = "[", .sep = ",", .suffix = "]"
	};
	struct post_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	return post_add(set, "webhook", o, webhook_record, s, &fmt);
}

int sink_otlp_add(struct sinks *set, const struct post_output *o)
{
	struct post_sink *s = calloc(1, sizeof(*s));
	char host[256] = "";
	int err;

	if (!s)
		return -ENOMEM;
	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	err = otlp_frame(host, &s->prefix, &s->suffix);
	if (err) {
		free(s);
		return err;
	}
	return post_add(set, "otlp", o, otlp_record, s,
			&(struct deliver_fmt){ .type = "application/json",
					       .prefix = s->prefix,
					       .sep = ",",
					       .suffix = s->suffix });
}
