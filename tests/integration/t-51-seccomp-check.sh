#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward seccomp check against runc: a profile that allows the essentials ward
# checks for (exit, exit_group, rt_sigreturn and what runc calls between
# installing the filter and executing the entrypoint) plus what busybox true
# needs passes the check and runs under runc; dropping one of runc's
# essentials is reported as an error and the container does not start; ward
# compiles Docker's default profile without errors.
. "$(dirname "$0")/lib.sh"
wardit_setup

[ "$(uname -m)" = x86_64 ] || skip "the profiles name x86_64 syscalls"
data=$WARDIT_ROOT/tests/data/seccomp
essentials='["exit","exit_group","rt_sigreturn","close","epoll_ctl","execve","fstatfs",
	"getdents64","getpid","openat","write","futex","madvise","mmap","munmap","nanosleep",
	"rt_sigprocmask","sched_yield","sigaltstack","tgkill"]'
# busybox-static's startup and true (measured with SCMP_ACT_LOG, docs/seccomp.md)
workload='["arch_prctl","brk","getrandom","getuid","mprotect","prctl","prlimit64","readlink",
	"rseq","set_robust_list","set_tid_address"]'

profile() { # profile OUT EXCLUDED-NAME
	jq -n --argjson e "$essentials" --argjson w "$workload" --arg x "$2" '{
		defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: ($e + $w | map(select(. != $x))), action: "SCMP_ACT_ALLOW"}]}' >"$1"
}

# run_true ID PROFILE: run /bin/true in the foreground under the profile.
run_true() {
	local b=$TDIR/$1.bundle
	mkdir -p "$b"
	jq --arg root "$WARDIT_DIR/rootfs" --slurpfile sc "$2" '
		.process.terminal = false | .process.args = ["/bin/true"]
		| .root = {path: $root, readonly: true} | .linux.seccomp = $sc[0]' \
		"$WARDIT_DIR/spec.json" >"$b/config.json" || fail "writing $b/config.json"
	WARDIT_CTRS+=("$1")
	timeout 20 runc run --bundle "$b" "$1" </dev/null >"$b/log" 2>&1
}

profile "$TDIR/ok.json" ""
"$WARD" seccomp check -o json "$TDIR/ok.json" >"$TDIR/ok.check" ||
	fail "ward seccomp check rejects the minimal profile: $(cat "$TDIR/ok.check")"
check "the minimal profile has no errors or warnings" \
	jq -e '.errors == 0 and .warnings == 0 and (.architectures | length) == 3' "$TDIR/ok.check"
run_true "$(ctr_id ok)" "$TDIR/ok.json" ||
	fail "runc cannot start a container under the checked profile: $(cat "$TDIR"/*.bundle/log)"
echo "ok: runc runs /bin/true under the profile ward checked"

for name in getdents64 execve; do
	profile "$TDIR/no-$name.json" "$name"
	"$WARD" seccomp check -o json "$TDIR/no-$name.json" >"$TDIR/no-$name.check"
	rc=$?
	check "without $name: exit status 3 (bad input)" [ $rc -eq 3 ]
	check "without $name: missing-essential names it" jq -e --arg n "$name" \
		'[.diagnostics[] | select(.code == "missing-essential" and
		  (.message | contains($n)))] | length == 1' "$TDIR/no-$name.check"
	id=$(ctr_id "no-$name")
	run_true "$id" "$TDIR/no-$name.json" &&
		fail "runc started the container although $name is denied"
	echo "ok: without $name runc cannot start the container ($(tail -n 1 "$TDIR/$id.bundle/log"))"
done

"$WARD" seccomp check -o json "$data/docker-default.json" >"$TDIR/docker.check" ||
	fail "Docker's default profile has errors: $(cat "$TDIR/docker.check")"
check "Docker's default: 0 more, 0 fewer than itself" \
	jq -e '.docker_default_diff.more == [] and .docker_default_diff.fewer == []' \
	"$TDIR/docker.check"
echo "PASS"
