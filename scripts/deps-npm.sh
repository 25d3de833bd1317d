#!/bin/bash
# Install the npm packages of each directory given (its package-lock.json) into
# its node_modules, with `npm ci`, only when node_modules is missing or was
# installed from another lock file. Idempotent: with nothing to do it compares
# one file per directory and exits.
set -euo pipefail

for dir in "$@"; do
	stamp=$dir/node_modules/.ward-lock
	cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null && continue
	command -v npm >/dev/null || {
		echo "deps: npm missing (make deps installs it)" >&2
		exit 1
	}
	echo "deps: npm ci in $dir"
	# no install scripts: the receivers need none
	(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	cp "$dir/package-lock.json" "$stamp"
done
