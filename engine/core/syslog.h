/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syslog output (docs/outputs.md): every alert as one RFC 5424 message,
 * facility auth, the severity from the rule's, structured data naming the
 * policy, rule, action and container, and the alert's JSON object
 * (docs/alerts.md) as the message. Over a local datagram socket (/dev/log),
 * UDP, or TCP with octet-counting framing (RFC 6587). It never blocks the
 * pipeline: a message the receiver does not take at once is dropped and
 * counted (sink_stats.dropped, ward_output_dropped_total).
 */
#ifndef WARD_SYSLOG_H
#define WARD_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "sink.h"

enum syslog_transport { SYSLOG_UNIX, SYSLOG_UDP, SYSLOG_TCP };

struct syslog_target {
	enum syslog_transport transport;
	char path[108];		  /* unix: the socket */
	char host[HTTP_ADDR_MAX]; /* udp, tcp: a numeric address */
	uint16_t port;
};

#define SYSLOG_DEFAULT_TARGET "unix:/dev/log"
#define SYSLOG_FACILITY_AUTH  4

/* "unix:PATH", "udp:ADDR:PORT" or "tcp:ADDR:PORT" ([V6]:PORT); 0 or -EINVAL. */
int syslog_parse_target(const char *s, struct syslog_target *ret);

/* One message: "<PRI>1 TIME HOST ward PID alert [SD] MSG" into buf; its
 * length, or -ENOSPC when it does not fit. sd: the parameters of the ward SD
 * element as name/value pairs (NULL-terminated; escaped here). */
int syslog_format(char *buf, size_t size, int pri, const char *time, const char *host,
		  unsigned int pid, const char *const *sd, const char *msg);

/* Add to set the output to target; 0, or -errno when its socket cannot be
 * made (a TCP receiver not up yet is connected later). */
int sink_syslog_add(struct sinks *set, const char *target);

#endif
