/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS for the HTTP endpoints ward serves (the control API's TCP listener):
 * mbed TLS inside a libevent filter bufferevent, so evhttp speaks HTTP over
 * it unchanged. mbed TLS rather than OpenSSL: it links statically into the
 * 4 MB static ward (static libssl and libcrypto alone would take it past 5 MB).
 * TLS 1.2 at least; the server authenticates itself with its certificate, the
 * clients with what the endpoint asks (a bearer token: docs/api.md).
 */
#ifndef WARD_TLS_H
#define WARD_TLS_H

#include <stddef.h>

struct bufferevent;
struct event_base;
struct tls_server;

/* The certificate chain (PEM, the server's first) and its private key (PEM or
 * DER, unencrypted). 0, or -errno with why (the file and mbed TLS's reason). */
int tls_server_new(const char *cert_file, const char *key_file, struct tls_server **ret, char *why,
		   size_t why_size);
void tls_server_free(struct tls_server *s);
/* A bufferevent that speaks TLS as server s over a socket whose descriptor
 * comes later (bufferevent_setfd(), as evhttp_set_bevcb() does); freeing it
 * closes the socket. NULL when out of memory. */
struct bufferevent *tls_server_bufferevent(struct tls_server *s, struct event_base *base);

#endif
