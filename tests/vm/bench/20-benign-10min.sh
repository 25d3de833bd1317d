#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The default rule pack stays silent on ordinary work: `ward server` without --policy (the
# embedded pack of policies/, in audit mode) while three busybox containers start and run
# at once (tests/vm/benign.sh): busybox httpd serving static pages to a wget client fetching
# as fast as it can, an application logging to /var/log/app/app.log and rotating it, and a
# job archiving a directory once a second. ward must raise no alert at all, and each workload
# must have done a minimum of work (requests served, lines written and rotations, job runs),
# so the silence is not that of an idle guest.
# For 10 minutes, the target of issue 10 (`make bench BENCH=benign`, not in the default set;
# tests/vm/tests/23-benign-silence.sh is the 60 s run of `make test`).
# vm-binaries: jq runc
# vm-files: tests/vm/benign.sh
# vm-timeout: 900
# shellcheck source=SCRIPTDIR/../lib.sh
. /vm/lib.sh
# shellcheck source=SCRIPTDIR/../benign.sh
. /vm/files/benign.sh

benign_test 600
