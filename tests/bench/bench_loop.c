// SPDX-License-Identifier: Apache-2.0
/*
 * The workload of tests/bench/enforce.sh, run inside the benchmark container
 * (static: the container's rootfs is busybox): N actions from one process, so
 * each decision is measured in a steady state, not after the cold start of a
 * new process per action.
 *   bench_loop open PATH N          open(PATH, O_RDONLY) and close, N times
 *   bench_loop connect ADDR PORT N  a TCP connect to ADDR:PORT (refused), N times
 *   bench_loop exec PATH N          fork, exec PATH, wait, N times
 * Exit 0 when every action ran (a refused connect counts as run).
 *   bench_loop tally KIND ARGS...   the same actions (KIND: open, connect, exec), each
 *                                   one counted instead of stopping at the first
 *                                   failure; prints "ran N refused N other N" (refused:
 *                                   EPERM or EACCES, for exec in the child) and exits 0
 * tests/vm/tests/17-enforce-parallel.sh runs tally loops in parallel against a policy that
 * blocks every one of these actions.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_loop [tally] open PATH N | connect ADDR PORT N | exec PATH N\n");
	return 2;
}

static long tally[3]; /* ran, refused, other */

static void count(int err)
{
	tally[err == 0 ? 0 : (err == EPERM || err == EACCES) ? 1 : 2]++;
}

/* One action per iteration, each counted. */
static int run_tally(int argc, char **argv)
{
	long n = strtol(argv[argc - 1], NULL, 10);

	if (!strcmp(argv[2], "open") && argc == 5) {
		for (long i = 0; i < n; i++) {
			int fd = open(argv[3], O_RDONLY | O_CLOEXEC);

			count(fd < 0 ? errno : 0);
			if (fd >= 0)
				close(fd);
		}
	} else if (!strcmp(argv[2], "connect") && argc == 6) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons((unsigned short)atoi(argv[4])) };

		if (inet_pton(AF_INET, argv[3], &sa.sin_addr) != 1)
			return usage();
		for (long i = 0; i < n; i++) {
			int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

			if (s < 0)
				return 1;
			count(connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
					      errno != EINPROGRESS && errno != ECONNREFUSED
				      ? errno
				      : 0);
			close(s);
		}
	} else if (!strcmp(argv[2], "exec") && argc == 5) {
		for (long i = 0; i < n; i++) {
			int status;
			pid_t pid = fork();

			if (pid < 0)
				return 1;
			if (pid == 0) {
				execl(argv[3], argv[3], (char *)NULL);
				_exit(errno == EPERM || errno == EACCES ? 126 : 127);
			}
			if (waitpid(pid, &status, 0) < 0)
				return 1;
			count(!WIFEXITED(status)	   ? EIO
			      : WEXITSTATUS(status) == 126 ? EPERM
			      : WEXITSTATUS(status) == 127 ? ENOENT
							   : 0);
		}
	} else {
		return usage();
	}
	printf("ran %ld refused %ld other %ld\n", tally[0], tally[1], tally[2]);
	return 0;
}

int main(int argc, char **argv)
{
	long n;

	if (argc >= 5 && !strcmp(argv[1], "tally"))
		return run_tally(argc, argv);
	if (argc < 4)
		return usage();
	n = strtol(argv[argc - 1], NULL, 10);
	if (!strcmp(argv[1], "open") && argc == 4) {
		for (long i = 0; i < n; i++) {
			int fd = open(argv[2], O_RDONLY | O_CLOEXEC);

			if (fd < 0) {
				perror("open");
				return 1;
			}
			close(fd);
		}
		return 0;
	}
	if (!strcmp(argv[1], "connect") && argc == 5) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons((unsigned short)atoi(argv[3])) };

		if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
			return usage();
		for (long i = 0; i < n; i++) {
			int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

			if (s < 0 || (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
				      errno != ECONNREFUSED)) {
				perror("connect");
				return 1;
			}
			close(s);
		}
		return 0;
	}
	if (!strcmp(argv[1], "exec") && argc == 4) {
		for (long i = 0; i < n; i++) {
			int status;
			pid_t pid = fork();

			if (pid < 0)
				return 1;
			if (pid == 0) {
				execl(argv[2], argv[2], (char *)NULL);
				_exit(127);
			}
			if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
			    WEXITSTATUS(status) == 127)
				return 1;
		}
		return 0;
	}
	return usage();
}
