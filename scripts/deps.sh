#!/bin/bash
# Install the Debian packages given as arguments, only those missing.
# Idempotent: with nothing missing it runs one dpkg-query and exits.
#
#   deps.sh [--no-service UNIT]... PKG...
#
# No package's service starts while installing (a policy-rc.d that says no, unless the
# host has its own), and each --no-service UNIT is disabled where systemd runs: the tests
# and benchmarks start what they need themselves (nginx, auditd), and a service left
# running would change what they measure (a running auditd puts every new task on the
# syscall slow path) or take their ports.
set -euo pipefail

no_service=()
while [ "${1:-}" = --no-service ]; do
	no_service+=("$2")
	shift 2
done
# What the installed packages provide counts as installed (a nodejs that provides
# npm): one dpkg-query for all of them.
provided=" $(dpkg-query -W -f='${db:Status-Status} ${Provides}\n' 2>/dev/null |
	sed -n 's/^installed //p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//' | tr '\n' ' ') "
missing=()
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || [[ $provided == *" $pkg "* ]] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'sudo make deps' (needs apt-get as root)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	trap 'rm -f "$policy"' EXIT
	printf '#!/bin/sh\n# scripts/deps.sh: no service starts while it installs\nexit 101\n' >"$policy"
	chmod 755 "$policy"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ -d /run/systemd/system ]; then
	for unit in "${no_service[@]}"; do
		systemctl disable --now "$unit" 2>/dev/null || true
	done
fi
