// SPDX-License-Identifier: Apache-2.0
/*
 * The workloads of the benchmarks, static (a container's rootfs is busybox): N actions
 * from one process, so each is measured in a steady state, not after the cold start of
 * a new process per action.
 *   bench_loop open PATH N          open(PATH, O_RDONLY) and close, N times
 *   bench_loop connect ADDR PORT N  a TCP connect to ADDR:PORT (refused), N times
 *   bench_loop exec PATH N          fork, exec PATH, wait, N times
 *   bench_loop getpid N             the getpid system call, N times
 *   bench_loop stat PATH N          stat(PATH), N times
 *   bench_loop open32 PATH N        open and close as open does, through the i386 syscall
 *                                   entry (int $0x80, from this 64-bit process: what a
 *                                   32-bit program's open is to the kernel)
 * Exit 0 when every action ran (a refused connect counts as run).
 *   bench_loop tally KIND ARGS...   the same actions (KIND: open, connect, exec), each
 *                                   one counted instead of stopping at the first
 *                                   failure; prints "ran N refused N other N" (refused:
 *                                   EPERM or EACCES, for exec in the child) and exits 0
 *   bench_loop steps DIR KIND ARGS  the actions of KIND (ARGS without N) in steps, paced:
 *                                   for step S = 1, 2, ... it waits until the file DIR/S
 *                                   exists, reads "RATE N" there (N actions at RATE per
 *                                   second, 0: as fast as it can), runs them and writes
 *                                   "N NANOSECONDS" (the time they took) to DIR/S.done;
 *                                   until it is killed
 * tests/vm/tests/17-enforce-parallel.sh runs tally loops in parallel against a policy that
 * blocks every one of these actions; tests/bench/capacity.sh runs steps in containers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum kind { OPEN, CONNECT, EXEC, GETPID, STAT, OPEN32 };

struct action {
	enum kind kind;
	const char *path;
	struct sockaddr_in sa;
	int sock_flags; /* SOCK_NONBLOCK for tally: a blocked connect is not waited for */
};

static int usage(void)
{
	fprintf(stderr, "usage: bench_loop [tally] open PATH N | connect ADDR PORT N | exec PATH N"
			" | getpid N | stat PATH N | open32 PATH N\n"
			"       bench_loop steps DIR open PATH | connect ADDR PORT | exec PATH\n");
	return 2;
}

/* The i386 entry takes 32-bit pointers: a->path copied below 4 GiB. 0 or -1. */
static int low_copy(struct action *a)
{
	size_t len = strlen(a->path) + 1;
	char *low = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			 -1, 0);

	if (low == MAP_FAILED)
		return -1;
	memcpy(low, a->path, len);
	a->path = low;
	return 0;
}

/* i386 syscall nr (arch/x86/entry/syscalls/syscall_32.tbl) with three arguments; -errno. */
static long sys32(long nr, long a, long b, long c)
{
	long ret = -ENOSYS;

#if defined(__x86_64__)
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "r8", "r9", "r10", "r11", "memory");
#endif
	return ret;
}

/* parse ARGS (KIND and its arguments, n of them) into a; 0 or -1 */
static int parse(char **args, int n, struct action *a)
{
	static const struct {
		const char *name;
		int nargs;
	} kinds[] = {
		[OPEN] = { "open", 1 },	    [CONNECT] = { "connect", 2 }, [EXEC] = { "exec", 1 },
		[GETPID] = { "getpid", 0 }, [STAT] = { "stat", 1 },	  [OPEN32] = { "open32", 1 }
	};

	for (unsigned int k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (n < 1 || strcmp(args[0], kinds[k].name) || n != kinds[k].nargs + 1)
			continue;
		a->kind = k;
		a->path = args[1];
		if (k == OPEN32)
			return low_copy(a);
		if (k != CONNECT)
			return 0;
		a->sa.sin_family = AF_INET;
		a->sa.sin_port = htons((unsigned short)atoi(args[2]));
		return inet_pton(AF_INET, args[1], &a->sa.sin_addr) == 1 ? 0 : -1;
	}
	return -1;
}

/* One action: 0 when it ran, else the errno that stopped it (for exec: the child's
 * exit status 126 is EPERM, 127 ENOENT, a signal EIO). */
static int act(const struct action *a)
{
	struct stat st;
	int fd, status, err;
	pid_t pid;

	switch (a->kind) {
	case OPEN:
		fd = open(a->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case CONNECT:
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | a->sock_flags, 0);
		if (fd < 0)
			return errno;
		err = connect(fd, (const struct sockaddr *)&a->sa, sizeof(a->sa)) < 0 ? errno : 0;
		close(fd);
		return err == EINPROGRESS || err == ECONNREFUSED ? 0 : err;
	case EXEC:
		pid = fork();
		if (pid < 0)
			return errno;
		if (pid == 0) {
			execl(a->path, a->path, (char *)NULL);
			_exit(errno == EPERM || errno == EACCES ? 126 : 127);
		}
		if (waitpid(pid, &status, 0) < 0)
			return errno;
		return !WIFEXITED(status)	    ? EIO
		       : WEXITSTATUS(status) == 126 ? EPERM
		       : WEXITSTATUS(status) == 127 ? ENOENT
						    : 0;
	case GETPID:
		(void)syscall(SYS_getpid); /* not glibc's getpid(): the system call each time */
		return 0;
	case STAT:
		return stat(a->path, &st) < 0 ? errno : 0;
	case OPEN32: /* i386 open 5, close 6 */
		fd = (int)sys32(5, (long)(unsigned long)a->path, O_RDONLY, 0);
		if (fd < 0)
			return -fd;
		(void)sys32(6, fd, 0, 0);
		return 0;
	}
	return EINVAL;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The steps of "bench_loop steps DIR ...": until killed, or 1 on a failure. */
static int run_steps(const char *dir, const struct action *a)
{
	const struct timespec poll = { .tv_nsec = 1000000 };
	char path[PATH_MAX], tmp[PATH_MAX + 8], done[PATH_MAX + 8];

	for (unsigned int step = 1;; step++) {
		long long t0, rate, n;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%u", dir, step);
		while (!(f = fopen(path, "re"))) {
			if (errno != ENOENT)
				return perror(path), 1;
			nanosleep(&poll, NULL);
		}
		if (fscanf(f, "%lld %lld", &rate, &n) != 2 || rate < 0 || n < 0)
			return fprintf(stderr, "bench_loop: %s: not \"RATE N\"\n", path), 1;
		fclose(f);
		t0 = now_ns();
		for (long long i = 0; i < n; i++) {
			long long due = rate ? t0 + i * 1000000000LL / rate : 0;
			int err;

			if (due > now_ns()) {
				struct timespec ts = { .tv_sec = due / 1000000000LL,
						       .tv_nsec = due % 1000000000LL };

				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			}
			err = act(a);
			if (err)
				return fprintf(stderr, "bench_loop: %s\n", strerror(err)), 1;
		}
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		f = fopen(tmp, "we");
		if (!f || fprintf(f, "%lld %lld\n", n, now_ns() - t0) < 0 || fclose(f))
			return perror(tmp), 1;
		snprintf(done, sizeof(done), "%s.done", path);
		if (rename(tmp, done))
			return perror(done), 1;
	}
}

int main(int argc, char **argv)
{
	struct action a = { 0 };
	long n;

	if (argc >= 4 && !strcmp(argv[1], "steps"))
		return parse(argv + 3, argc - 3, &a) ? usage() : run_steps(argv[2], &a);
	if (argc >= 4 && !strcmp(argv[1], "tally")) {
		long tally[3] = { 0 }; /* ran, refused, other */

		a.sock_flags = SOCK_NONBLOCK;
		if (parse(argv + 2, argc - 3, &a) || a.kind > EXEC)
			return usage();
		n = strtol(argv[argc - 1], NULL, 10);
		for (long i = 0; i < n; i++) {
			int err = act(&a);

			tally[err == 0 ? 0 : (err == EPERM || err == EACCES) ? 1 : 2]++;
		}
		printf("ran %ld refused %ld other %ld\n", tally[0], tally[1], tally[2]);
		return 0;
	}
	if (argc < 3 || parse(argv + 1, argc - 2, &a))
		return usage();
	n = strtol(argv[argc - 1], NULL, 10);
	for (long i = 0; i < n; i++) {
		int err = act(&a);

		if (err) {
			fprintf(stderr, "bench_loop: %s: %s\n", argv[1], strerror(err));
			return 1;
		}
	}
	return 0;
}
