// SPDX-License-Identifier: Apache-2.0
/* TLS with mbed TLS in a libevent filter bufferevent (tls.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "tls.h"

#define TLS_CHUNK 16384 /* bytes handed to mbed TLS at once: one record */

struct tls_server {
	mbedtls_ssl_config conf;
	mbedtls_x509_crt cert;
	mbedtls_pk_context key;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

/* One connection: the TLS state over the socket bufferevent below it. */
struct tls_conn {
	mbedtls_ssl_context ssl;
	struct bufferevent *under;
	bool open; /* the handshake is done */
};

static void why_mbedtls(char *why, size_t size, const char *what, int ret)
{
	char reason[128];

	mbedtls_strerror(ret, reason, sizeof(reason));
	snprintf(why, size, "%s: %s", what, reason);
}

int tls_server_new(const char *cert_file, const char *key_file, struct tls_server **ret, char *why,
		   size_t why_size)
{
	static const unsigned char pers[] = "ward api";
	struct tls_server *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	mbedtls_ssl_config_init(&s->conf);
	mbedtls_x509_crt_init(&s->cert);
	mbedtls_pk_init(&s->key);
	mbedtls_entropy_init(&s->entropy);
	mbedtls_ctr_drbg_init(&s->drbg);
	r = mbedtls_x509_crt_parse_file(&s->cert, cert_file);
	if (r) {
		why_mbedtls(why, why_size, cert_file, r);
		goto out_free;
	}
	r = mbedtls_pk_parse_keyfile(&s->key, key_file, NULL);
	if (r) {
		why_mbedtls(why, why_size, key_file, r);
		goto out_free;
	}
	r = mbedtls_pk_check_pair(&s->cert.pk, &s->key);
	if (r) {
		snprintf(why, why_size, "%s: not the key of the certificate in %s", key_file,
			 cert_file);
		goto out_free;
	}
	r = mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy, pers,
				  sizeof(pers) - 1)
		    ?: mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
						   MBEDTLS_SSL_TRANSPORT_STREAM,
						   MBEDTLS_SSL_PRESET_DEFAULT);
	if (!r) {
		mbedtls_ssl_conf_min_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
					     MBEDTLS_SSL_MINOR_VERSION_3); /* TLS 1.2 */
		mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &s->drbg);
		r = mbedtls_ssl_conf_own_cert(&s->conf, &s->cert, &s->key);
	}
	if (r) {
		why_mbedtls(why, why_size, "TLS setup", r);
		goto out_free;
	}
	*ret = s;
	return 0;
out_free:
	tls_server_free(s);
	return r == MBEDTLS_ERR_X509_FILE_IO_ERROR || r == MBEDTLS_ERR_PK_FILE_IO_ERROR ? -ENOENT
											: -EINVAL;
}

void tls_server_free(struct tls_server *s)
{
	if (!s)
		return;
	mbedtls_ssl_config_free(&s->conf);
	mbedtls_x509_crt_free(&s->cert);
	mbedtls_pk_free(&s->key);
	mbedtls_ctr_drbg_free(&s->drbg);
	mbedtls_entropy_free(&s->entropy);
	free(s);
}

/* mbed TLS's I/O: what the socket brought, and what goes to it. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	const struct tls_conn *c = ctx;

	if (evbuffer_add(bufferevent_get_output(c->under), buf, len))
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	return (int)len;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	const struct tls_conn *c = ctx;
	struct evbuffer *in = bufferevent_get_input(c->under);
	int n;

	if (!evbuffer_get_length(in))
		return MBEDTLS_ERR_SSL_WANT_READ;
	n = evbuffer_remove(in, buf, len);
	return n < 0 ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : n;
}

/* The connection ends: the socket shut down, which evhttp sees as its end (a
 * filter's error alone leaves it waiting for its timeout). */
static enum bufferevent_filter_result fail(const struct tls_conn *c)
{
	(void)shutdown(bufferevent_getfd(c->under), SHUT_RDWR);
	return BEV_ERROR;
}

/* Ciphertext from the socket (src) to plaintext for evhttp (dst). */
static enum bufferevent_filter_result tls_in(struct evbuffer *src, struct evbuffer *dst,
					     ev_ssize_t limit, enum bufferevent_flush_mode mode,
					     void *ctx)
{
	struct tls_conn *c = ctx;
	unsigned char buf[TLS_CHUNK];
	bool got = false;
	int r;

	(void)src; /* read through bio_recv() */
	(void)limit;
	(void)mode;
	if (!c->open) {
		r = mbedtls_ssl_handshake(&c->ssl);
		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
			return BEV_NEED_MORE;
		if (r)
			return fail(c);
		c->open = true;
	}
	for (;;) {
		r = mbedtls_ssl_read(&c->ssl, buf, sizeof(buf));
		if (r > 0) {
			if (evbuffer_add(dst, buf, (size_t)r))
				return BEV_ERROR;
			got = true;
			continue;
		}
		if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
			return got ? BEV_OK : BEV_NEED_MORE;
		return fail(c); /* the peer closed (close_notify, 0) or broke the protocol */
	}
}

/* Plaintext from evhttp (src) to records on the socket (through bio_send()). */
static enum bufferevent_filter_result tls_out(struct evbuffer *src, struct evbuffer *dst,
					      ev_ssize_t limit, enum bufferevent_flush_mode mode,
					      void *ctx)
{
	struct tls_conn *c = ctx;

	(void)dst; /* the socket's output: bio_send() writes there */
	(void)limit;
	(void)mode;
	if (!c->open)
		return BEV_NEED_MORE; /* nothing is answered before a request */
	while (evbuffer_get_length(src)) {
		size_t n =
			evbuffer_get_length(src) < TLS_CHUNK ? evbuffer_get_length(src) : TLS_CHUNK;
		unsigned char *p = evbuffer_pullup(src, (ev_ssize_t)n);
		int r = p ? mbedtls_ssl_write(&c->ssl, p, n) : MBEDTLS_ERR_SSL_ALLOC_FAILED;

		if (r <= 0)
			return BEV_ERROR;
		evbuffer_drain(src, (size_t)r);
	}
	return BEV_OK;
}

static void conn_free(void *ctx)
{
	struct tls_conn *c = ctx;

	mbedtls_ssl_free(&c->ssl);
	free(c);
}

struct bufferevent *tls_server_bufferevent(struct tls_server *s, struct event_base *base)
{
	struct tls_conn *c = calloc(1, sizeof(*c));
	struct bufferevent *bev;

	if (!c)
		return NULL;
	mbedtls_ssl_init(&c->ssl);
	c->under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->under || mbedtls_ssl_setup(&c->ssl, &s->conf))
		goto out_free;
	mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
	bev = bufferevent_filter_new(c->under, tls_in, tls_out, BEV_OPT_CLOSE_ON_FREE, conn_free,
				     c);
	if (bev)
		return bev;
out_free:
	if (c->under)
		bufferevent_free(c->under);
	conn_free(c);
	return NULL;
}
