// SPDX-License-Identifier: Apache-2.0
/*
 * Attach the empty programs of tests/bench/empty.bpf.c (the BPF-LSM ones
 * where the kernel runs them, the tracepoint ones and cgroup/connect4 on
 * CGROUP_DIR otherwise) and the exec decision's floor (fallback hook only,
 * for CGROUP_DIR's tasks), print "NAME ID" per attached program, and hold
 * them until SIGINT or SIGTERM. For tests/bench/enforce.sh: the cost of
 * ward's hooks as a ratio to an empty program on the same hook.
 * Usage: empty_hooks CGROUP_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "empty.skel.h"
#include "ward/bundle_maps.h"
#include "ward/enforce_abi.h"

/* sched_prepare_exec came with 6.10 */
#define PREPARE_EXEC "/sys/kernel/tracing/events/sched/sched_prepare_exec"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Load with the BPF-LSM programs (lsm) or the others. */
static struct empty_bpf *load(bool lsm)
{
	struct empty_bpf *skel = empty_bpf__open();
	struct bpf_program *p;

	if (!skel)
		return NULL;
	bpf_object__for_each_program(p, skel->obj) bpf_program__set_autoload(
		p, (bpf_program__type(p) == BPF_PROG_TYPE_LSM) == lsm &&
			   ((strcmp(bpf_program__name(p), "empty_tp_prepare") &&
			     strcmp(bpf_program__name(p), "floor_tp_prepare")) ||
			    access(PREPARE_EXEC, F_OK) == 0));
	if (empty_bpf__load(skel)) {
		empty_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct ward_cgroup_policies pols = { .count = 1, .ids = { 1 } };
	struct bpf_link *links[9] = { 0 };
	struct ward_cg_key key = { 0 };
	struct stat st;
	struct empty_bpf *skel;
	struct bpf_program *p;
	size_t n = 0;
	int cg, rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: empty_hooks CGROUP_DIR\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	libbpf_set_print(NULL);
	skel = load(true);
	if (!skel)
		skel = load(false);
	if (!skel) {
		fprintf(stderr, "empty_hooks: cannot load tests/bench/empty.bpf.c\n");
		return 1;
	}
	cg = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0 || fstat(cg, &st) < 0) {
		fprintf(stderr, "empty_hooks: %s: %s\n", argv[1], strerror(errno));
		goto out;
	}
	/* the floor decides for CGROUP_DIR's tasks (a cgroup v2 id is its inode) */
	key.cgid = st.st_ino;
	if (bpf_map__update_elem(skel->maps.ward_cgroups, &key, sizeof(key), &pols, sizeof(pols),
				 0)) {
		fprintf(stderr, "empty_hooks: the floor's cgroup: %s\n", strerror(errno));
		goto out;
	}
	bpf_object__for_each_program(p, skel->obj)
	{
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (!bpf_program__autoload(p))
			continue;
		links[n] = bpf_program__type(p) == BPF_PROG_TYPE_CGROUP_SOCK_ADDR
				   ? bpf_program__attach_cgroup(p, cg)
				   : bpf_program__attach(p);
		if (!links[n]) {
			fprintf(stderr, "empty_hooks: attaching %s: %s\n", bpf_program__name(p),
				strerror(errno));
			goto out;
		}
		n++;
		if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len) == 0)
			printf("%s %u\n", bpf_program__name(p), info.id);
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	if (cg >= 0)
		close(cg);
	empty_bpf__destroy(skel);
	return rc;
}
