#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# BPF-LSM file enforcement with a real runc container: a read rule on /etc/wardsecret and a
# readOnly rule on /etc/ward/. Audit mode lets the open happen and alerts; enforce mode refuses
# it with EPERM (level "lsm"), and the path hooks refuse create (O_CREAT, link, mkdir, symlink),
# unlink (also rmdir), rename (both ways), chmod, chown and truncate(2) before anything changes.
# A truncate-only rule on /var/log/ refuses an O_TRUNC open of a log and lets an append
# through. A second container and the host are untouched.
# truncate(2) by path is made by perl (busybox truncate opens the file for writing first).
# vm-binaries: jq runc perl
# vm-timeout: 120
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh

vm_enforce_setup fa fb
vm_cleanup_hook='rm -f /etc/wardsecret'

write_policy() { # MODE
	cat >"$pol" <<YAML
apiVersion: ward.dev/v1
kind: Policy
metadata: {name: vm-file}
spec:
  selector: {containers: ["$A"]}
  mode: $1
  defaults: {file: allow}
  rules:
    - name: no-secret
      file: {paths: [/etc/wardsecret], access: [read]}
      action: block
    - name: ward-ro
      file: {dirs: [/etc/ward/], readOnly: true}
      action: block
    - name: log-trunc
      file: {dirs: [/var/log/], access: [truncate]}
      action: block
YAML
}

# One exec runs every action and prints "NAME rc=N" plus the error text, one line each.
cat >"$VM_TMP/probe.sh" <<'SH'
#!/bin/sh
t() { n=$1; shift; e=$("$@" 2>&1 >/dev/null); echo "$n rc=$? $e"; }
t read cat /etc/wardsecret
t readok cat /etc/ward/conf
t write sh -c 'echo x >/etc/ward/conf'
t create sh -c 'echo x >/etc/ward/new'
t link ln /tmp/own /etc/ward/hard
t unlink rm -f /etc/ward/gone
t rename mv /etc/ward/moveme /tmp/moved
t renamein mv /tmp/own /etc/ward/moved
# before chown: without CAP_DAC_OVERRIDE root cannot write a file uid 1 owns
t mkdir mkdir /etc/ward/newdir
t symlink ln -s /tmp/own /etc/ward/sym
t rmdir rmdir /etc/ward/olddir
t truncate /usr/bin/perl -e 'truncate("/etc/ward/victim", 0) or die "$!\n"'
t chmod chmod 600 /etc/ward/victim
t chown chown 1:1 /etc/ward/victim
t tmpwrite sh -c 'echo x >/tmp/free'
t appendlog sh -c 'echo x >>/var/log/app.log'
t trunclog sh -c ': >/var/log/app.log'
SH
chmod +x "$VM_TMP/probe.sh"

start_ctr() { # ID
	b=$VM_TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/etc/ward" "$b/rootfs/tmp"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	for a in sh cat ln rm mv chmod chown mkdir rmdir; do
		ln -s busybox "$b/rootfs/bin/$a"
	done
	mkdir -p "$b/rootfs/usr/bin"
	cp /usr/bin/perl "$b/rootfs/usr/bin/perl"
	cp -a /lib /lib64 "$b/rootfs/"
	cp "$VM_TMP/probe.sh" "$b/rootfs/probe.sh"
	# CAP_CHOWN, so that only ward can refuse a chown
	vm_runc_sleeper "$1" '.process.capabilities[] += ["CAP_CHOWN"]'
}
reset_files() { # ID
	r=$VM_TMP/$1/rootfs
	rm -rf "$r/etc/ward" "$r/tmp/moved" "$r/tmp/free" "$r/var/log"
	mkdir -p "$r/etc/ward/olddir" "$r/var/log"
	echo log >"$r/var/log/app.log"
	echo "secret-$token" >"$r/etc/wardsecret"
	echo "conf-$token" >"$r/etc/ward/conf"
	echo victim >"$r/etc/ward/victim"
	echo gone >"$r/etc/ward/gone"
	echo moveme >"$r/etc/ward/moveme"
	echo own >"$r/tmp/own"
	chmod 644 "$r/etc/ward/victim"
}
start_ctr "$A"
start_ctr "$B"

probe() { reset_files "$1"; runc exec "$1" /probe.sh >"$VM_TMP/probe.$1" 2>&1; }
# The probe line of NAME must start with "NAME rc=WANT" and, when given, contain TEXT.
expect() { # ID NAME WANT [TEXT] WHAT
	line=$(grep "^$2 " "$VM_TMP/probe.$1")
	case $line in
	"$2 rc=$3"*"$4"*) echo "ok: $5 ($line)" ;;
	*) vm_fail "$5: got '$line', want rc=$3${4:+ and \"$4\"}" ;;
	esac
}

write_policy audit
# One server at a time (/run/ward/server.lock): an earlier test's may still be exiting.
vm_wait_for 30 "no other ward process" sh -c '! pidof ward'
t0=$(date +%s)
"$WARD" server -o json --no-aggregate --policy "$pol" >"$out" 2>"$err" &
ward_pid=$!
vm_wait_for 60 "ward in force" grep -q "generation 1 in force" "$err"
vm_log "ward in force after $(($(date +%s) - t0)) s"
probe "$A"
expect "$A" read 0 "" "audit: the secret can be read"
expect "$A" unlink 0 "" "audit: unlink below /etc/ward/ proceeds"
vm_wait_for 20 "audit alert for the read" has_alert '.object == "/etc/wardsecret"'
ev=$(alerts '.object == "/etc/wardsecret"' | head -n 1)
echo "audit alert: $ev"
vm_assert_eq "$(echo "$ev" | jq -r '[.action, .mode, .level, .op, .access, .rule] | join(" ")')" \
	"alert audit none open read no-secret" "audit alert action/mode/level/op/access/rule"
vm_assert_eq "$(echo "$ev" | jq -r .container.name)" "$A" "audit alert container"
vm_wait_for 20 "audit alert for the unlink" has_alert '.object == "/etc/ward/gone" and .access == "unlink"'

write_policy enforce
kill -HUP "$ward_pid"
vm_wait_for 30 "reload to generation 2" grep -q "generation 2 in force" "$err"
probe "$A"
eperm="Operation not permitted"
expect "$A" read 1 "$eperm" "enforce: cat /etc/wardsecret fails with EPERM"
expect "$A" readok 0 "" "enforce: reading below /etc/ward/ is allowed"
expect "$A" write 1 "$eperm" "enforce: writing /etc/ward/conf fails"
expect "$A" create 1 "$eperm" "enforce: creating /etc/ward/new fails"
expect "$A" link 1 "$eperm" "enforce: hard link into /etc/ward/ fails"
expect "$A" unlink 1 "$eperm" "enforce: unlink below /etc/ward/ fails"
expect "$A" rename 1 "$eperm" "enforce: rename out of /etc/ward/ fails"
expect "$A" renamein 1 "$eperm" "enforce: rename into /etc/ward/ fails"
expect "$A" chmod 1 "$eperm" "enforce: chmod below /etc/ward/ fails"
expect "$A" chown 1 "$eperm" "enforce: chown below /etc/ward/ fails"
expect "$A" mkdir 1 "$eperm" "enforce: mkdir below /etc/ward/ fails"
expect "$A" symlink 1 "$eperm" "enforce: symlink below /etc/ward/ fails"
expect "$A" rmdir 1 "$eperm" "enforce: rmdir below /etc/ward/ fails"
expect "$A" truncate 1 "$eperm" "enforce: truncate(2) below /etc/ward/ fails"
expect "$A" tmpwrite 0 "" "enforce: writing /tmp is allowed"
expect "$A" appendlog 0 "" "enforce: appending to a log is allowed"
expect "$A" trunclog 1 "$eperm" "enforce: truncating a log (O_TRUNC) fails"
r=$VM_TMP/$A/rootfs
vm_assert_eq "$(cat "$r/etc/ward/conf")" "conf-$token" "enforce: /etc/ward/conf unchanged"
vm_assert_eq "$(cd "$r/etc/ward" && echo *)" "conf gone moveme olddir victim" "enforce: nothing created or removed"
vm_assert_eq "$(cat "$r/etc/ward/victim")" victim "enforce: victim not truncated"
vm_assert_eq "$(stat -c '%a %u' "$r/etc/ward/victim")" "644 0" "enforce: victim mode and owner"
for acc in read write create unlink rename chmod chown; do
	vm_wait_for 20 "block alert, access $acc" \
		has_alert ".action == \"block\" and .level == \"lsm\" and (.access | split(\",\") | index(\"$acc\"))"
done
ev=$(alerts '.action == "block" and .object == "/etc/wardsecret"' | head -n 1)
vm_assert_eq "$(echo "$ev" | jq -r '[.mode, .level, .rule] | join(" ")')" "enforce lsm no-secret" \
	"block alert mode/level/rule"

probe "$B"
for n in read write create unlink rename chmod chown mkdir symlink rmdir truncate; do
	expect "$B" $n 0 "" "container B: $n untouched"
done
mkdir -p /etc
echo "host-$token" >/etc/wardsecret
vm_assert_eq "$(cat /etc/wardsecret)" "host-$token" "host: /etc/wardsecret readable"
vm_assert_eq "$(alerts ".container.name == \"$B\"" | wc -l)" 0 "no alert for B"
vm_log "done after $(($(date +%s) - t0)) s"
