#!/bin/bash
# Install the Debian packages given as arguments, only those missing.
# Idempotent: with nothing missing it runs one dpkg-query and exits.
set -euo pipefail

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
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
