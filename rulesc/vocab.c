// SPDX-License-Identifier: Apache-2.0
/* The words of the policy vocabulary (vocab.h), each written once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rulesc/vocab.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *const rc_action_names[WARD_ACT_MAX] = {
	[WARD_ACT_NONE] = "none",
	[WARD_ACT_ALLOW] = "allow",
	[WARD_ACT_ALERT] = "alert",
	[WARD_ACT_BLOCK] = "block",
};

const char *const rc_mode_names[WARD_MODE_MAX] = {
	[0] = "",
	[WARD_MODE_AUDIT] = "audit",
	[WARD_MODE_ENFORCE] = "enforce",
};

const char *const rc_severity_names[WARD_SEV_MAX] = {
	[WARD_SEV_INFO] = "info", [WARD_SEV_LOW] = "low",	    [WARD_SEV_MEDIUM] = "medium",
	[WARD_SEV_HIGH] = "high", [WARD_SEV_CRITICAL] = "critical",
};

const char *const rc_class_names[WARD_CLS_MAX] = {
	[WARD_CLS_EXEC] = "exec",	 [WARD_CLS_FILE] = "file",
	[WARD_CLS_NET] = "network",	 [WARD_CLS_CAP] = "capabilities",
	[WARD_CLS_SYSCALL] = "syscalls",
};

const char *const rc_domain_names[WARD_DOM_MAX] = {
	[0] = "",
	[WARD_DOM_EXEC] = "exec",
	[WARD_DOM_FILE] = "file",
	[WARD_DOM_SOURCE] = "source",
	[WARD_DOM_UNIX_CONNECT] = "unix-connect",
	[WARD_DOM_UNIX_BIND] = "unix-bind",
	[WARD_DOM_SOCKET] = "socket",
	[WARD_DOM_CAP] = "capability",
	[WARD_DOM_SYSCALL] = "syscall",
	[WARD_DOM_PROTECT] = "protect",
};

const char *const rc_kind_names[WARD_KEY_MAX] = {
	[0] = "",
	[WARD_KEY_EXACT] = "exact",
	[WARD_KEY_DIR_REC] = "dir",
	[WARD_KEY_DIR_DIRECT] = "dir-direct",
	[WARD_KEY_GLOB] = "glob",
	[WARD_KEY_APPLET] = "applet",
	[WARD_KEY_ANCESTOR] = "ancestor",
	[WARD_KEY_NAME] = "name",
};

/* Indexed by bit number: __builtin_ctz(WARD_ACC_x). */
const char *const rc_access_names[WARD_ACC_KINDS] = {
	[__builtin_ctz(WARD_ACC_READ)] = "read",
	[__builtin_ctz(WARD_ACC_WRITE)] = "write",
	[__builtin_ctz(WARD_ACC_CREATE)] = "create",
	[__builtin_ctz(WARD_ACC_UNLINK)] = "unlink",
	[__builtin_ctz(WARD_ACC_RENAME)] = "rename",
	[__builtin_ctz(WARD_ACC_CHMOD)] = "chmod",
	[__builtin_ctz(WARD_ACC_CHOWN)] = "chown",
	[__builtin_ctz(WARD_ACC_EXEC)] = "exec",
	[__builtin_ctz(WARD_ACC_TRUNCATE)] = "truncate",
};

const char *const rc_proto_names[WARD_PROTO_KINDS] = {
	[__builtin_ctz(WARD_PROTO_TCP)] = "tcp",
	[__builtin_ctz(WARD_PROTO_UDP)] = "udp",
};

const char *const rc_sock_names[WARD_SOCK_MAX] = {
	[0] = "",
	[WARD_SOCK_RAW] = "raw",
	[WARD_SOCK_PACKET] = "packet",
};

int rc_vocab_find(const char *const *names, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (names[i][0] && strcmp(word, names[i]) == 0)
			return (int)i;
	return -ENOENT;
}

const char *rc_action_name(uint8_t a)
{
	return a < ARRAY_SIZE(rc_action_names) ? rc_action_names[a] : "?";
}

const char *rc_mode_name(uint8_t m)
{
	return m && m < ARRAY_SIZE(rc_mode_names) ? rc_mode_names[m] : "?";
}

const char *rc_severity_name(uint8_t s)
{
	return s < ARRAY_SIZE(rc_severity_names) ? rc_severity_names[s] : "?";
}

const char *rc_class_name(uint8_t c)
{
	return c < ARRAY_SIZE(rc_class_names) ? rc_class_names[c] : "?";
}

const char *rc_domain_name(uint16_t dom)
{
	return dom && dom < ARRAY_SIZE(rc_domain_names) ? rc_domain_names[dom] : "?";
}

const char *rc_kind_name(uint16_t kind)
{
	return kind && kind < ARRAY_SIZE(rc_kind_names) ? rc_kind_names[kind] : "?";
}

void rc_access_format(uint32_t access, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(rc_access_names); i++) {
		if (!(access & (1u << i)))
			continue;
		int w = snprintf(buf + o, size - o, "%s%s", o ? "," : "", rc_access_names[i]);

		if (w < 0 || (size_t)w >= size - o)
			break;
		o += (size_t)w;
	}
}

int rc_access_parse(const char *s, uint32_t *ret)
{
	int i = rc_vocab_find(rc_access_names, ARRAY_SIZE(rc_access_names), s);

	if (i < 0)
		return -EINVAL;
	*ret = 1u << i;
	return 0;
}
