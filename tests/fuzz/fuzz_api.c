// SPDX-License-Identifier: Apache-2.0
/*
 * The control API's requests are input from whoever reaches the socket:
 * route, query and body of arbitrary bytes ("METHOD PATH[?QUERY]\nBODY"),
 * answered by the routes of a server without a policy. Every answer is a
 * status with a JSON body; an error status carries "error". The routes that
 * read only the system (/v1/status, /v1/containers) and streams (follow) take
 * no input beyond their name and are left out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "api/control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *nl, *sp, *q;
	struct api_request rq = { .content_type = "" };
	struct api_response rs = { .status = 0 };
	struct session s = { 0 };
	struct control c = { .s = &s };
	struct evkeyvalq query;
	size_t m;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	TAILQ_INIT(&query);
	nl = strchr(in, '\n');
	sp = strchr(in, ' ');
	if (!nl || !sp || sp > nl)
		goto out;
	*nl = *sp = '\0';
	for (m = 0; m < sizeof(methods) / sizeof(methods[0]) && strcmp(methods[m], in); m++)
		;
	rq.method = (enum api_method)m; /* API_OTHER past the list */
	rq.path = sp + 1;
	rq.body = nl + 1;
	rq.body_len = size - (size_t)(nl + 1 - in);
	q = strchr(sp + 1, '?');
	if (q) {
		*q = '\0';
		if (evhttp_parse_query_str(q + 1, &query))
			goto out;
	}
	for (struct evkeyval *kv = query.tqh_first; kv; kv = kv->next.tqe_next) {
		if (rq.n_query == API_QUERY_MAX || !strcmp(kv->key, "follow"))
			goto out;
		rq.query[rq.n_query++] = (struct api_query){ kv->key, kv->value };
	}
	if (!strcmp(rq.path, "/v1/status") || !strcmp(rq.path, "/v1/containers"))
		goto out;
	control_handle(&c, NULL, &rq, &rs);
	if (rs.status < 200 || rs.status > 599 || !json_is_object(rs.body))
		abort();
	if (rs.status >= 400 && !json_is_string(json_object_get(rs.body, "error")))
		abort();
	json_decref(rs.body);
out:
	evhttp_clear_headers(&query);
	control_free(&c);
	free(in);
	return 0;
}
