#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# BPF plugins through the control API (docs/plugins.md): examples/plugins/
# execs.bpf.c uploaded to a running `ward server` is checked, loaded and
# attached; its records (struct ward_event) become rows on the server's
# output with one column per member and the container of its cgroup_id; GET
# lists it with its SHA-256; objects with programs of other types (ward's own
# cgroup programs), garbage and a name in use are refused with the reason and
# nothing loaded; DELETE unloads it and its events stop.
. "$(dirname "$0")/lib.sh"
wardit_setup

A=$(ctr_id a)
SOCK=$TDIR/ward.sock
BDIR=$(dirname "$WARD")
PLUGIN=$BDIR/examples/plugins/execs.bpf.o
[ -f "$PLUGIN" ] || fail "$PLUGIN is not built (make build)"

ctr_start "$A"
ward_start w server --no-policy --events process -o json --api-socket "$SOCK"
out=$(ward_out w)
poll 10 test -S "$SOCK" || fail "no API socket after 10 s: $(cat "$TDIR/w.err")"

api POST "/v1/plugins?name=execs" --data-binary @"$PLUGIN"
expect 201 "POST the execs plugin" '.plugins == [{"id": 1, "name": "execs", "size": $s,
	"sha256": $h, "programs": 1, "records": 0, "malformed": 0}]' \
	--argjson s "$(stat -c %s "$PLUGIN")" --arg h "$(sha256sum "$PLUGIN" | cut -d' ' -f1)"
r=$RANDOM
wait_event w 20 '.tracker == "execs" and .container.name == $a and .filename == "/bin/echo"' \
	--arg a "$A" -- ctr_exec "$A" /bin/echo "plugin-$r"
assert_event "the plugin's row: its members, the container of its cgroup_id" \
	"$(first_event "$out" '.tracker == "execs" and .container.name == $a' --arg a "$A")" \
	'.comm == "echo" and .uid == 0 and (.pid | type) == "number" and .pid > 0 and
	 (.cgroup_id | type) == "number" and .container.id == $a and has("ts_ns") == false' \
	--arg a "$A"
api GET /v1/plugins
expect 200 "GET lists it, with records" '.plugins[0].name == "execs" and .plugins[0].records >= 1'
api GET /v1/trackers
expect 200 "plugins are not trackers" '.trackers | map(.name) | index("execs") == null'

api POST "/v1/plugins?name=execs" --data-binary @"$PLUGIN"
expect 409 "the same name again" '.error | test("runs already")'
api POST "/v1/plugins?name=net" --data-binary @"$BDIR/enforce/net.bpf.o"
expect 400 "an object with cgroup programs" '.error | test("program .* type plugins may not load")'
head -c 4096 /dev/urandom >"$TDIR/junk.o"
api POST "/v1/plugins?name=junk" --data-binary @"$TDIR/junk.o"
expect 400 "garbage" '.error | test("not a BPF object")'
api POST "/v1/plugins?name=Bad/Name" --data-binary @"$PLUGIN"
expect 400 "a bad name" '.error | test("name")'
api POST "/v1/plugins" --data-binary @"$PLUGIN"
expect 400 "no name" '.location == "name"'
api GET /v1/plugins
expect 200 "nothing else loaded" '.plugins | length == 1'

api DELETE /v1/plugins/1
expect 200 "DELETE it" '.plugins == []'
ward_alive w || fail "ward exited"
n=$(event_count "$out" '.tracker == "execs"')
ctr_exec "$A" /bin/echo "after-$r" >/dev/null
sleep 1
[ "$(event_count "$out" '.tracker == "execs"')" = "$n" ] || fail "plugin rows after DELETE"
bpftool prog show -j | jq -e 'map(select(.name == "execs")) == []' >/dev/null ||
	fail "the plugin's program is still in the kernel"
echo "ok: unloaded: no more rows, its program gone from the kernel"
api DELETE /v1/plugins/1
expect 404 "DELETE it again" '.error | test("no plugin 1")'
ward_stop w
echo "PASS"
