// SPDX-License-Identifier: Apache-2.0
/*
 * The URL of --webhook, --otlp and the configuration's outputs
 * (http_url_parse()), and a token file's contents (post_token_read()): parse
 * arbitrary bytes. A URL that parses has a host, a port and a path that
 * starts with '/', all NUL-terminated within their fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/http_client.h"
#include "core/post.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), path[] = "/tmp/fuzz-token-XXXXXX", *h = NULL;
	struct http_url u;
	int fd;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!http_url_parse(s, &u) &&
	    (!u.host[0] || !u.port || u.path[0] != '/' || !memchr(u.host, 0, sizeof(u.host)) ||
	     !memchr(u.path, 0, sizeof(u.path))))
		abort();
	free(s);
	fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size && !post_token_read(path, &h) &&
	    (strncmp(h, "Bearer ", 7) || strpbrk(h + 7, " \r\n")))
		abort();
	free(h);
	close(fd);
	unlink(path);
	return 0;
}
