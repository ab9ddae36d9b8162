#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh [OCIRUN]: runs one busybox container with an ocirun that is already built (default
# build/src/ocirun) and prints what the container sees from inside its namespaces. Builds
# nothing; makes the bundle in a temporary directory (contrib/make-bundle.sh) and removes it,
# and the container, afterwards. Needs root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ocirun=${1:-$here/../build/src/ocirun}
if [ ! -x "$ocirun" ]; then
	echo "demo: $ocirun is not built (meson setup build && ninja -C build)" >&2
	exit 1
fi
ocirun=$(cd "$(dirname "$ocirun")" && pwd)/$(basename "$ocirun")
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root" >&2
	exit 1
fi

tmp=$(mktemp -d /tmp/ocirun-demo.XXXXXX)
id=demo-$$
cleanup() {
	"$ocirun" --root "$tmp/state" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck disable=SC2016 # expanded inside the container
"$here/make-bundle.sh" "$tmp/bundle" sh -c '
	echo "hostname:     $(hostname)"
	echo "user:         $(id)"
	echo "my pid:       $$"
	echo "processes:    $(ls -d /proc/[0-9]* | wc -l)"
	echo "cgroup:       $(head -n 1 /proc/self/cgroup)"
	echo "network:      $(ls /sys/class/net | tr "\n" " ")"
	echo "capabilities: $(grep CapEff /proc/self/status | cut -f 2)"
	echo "/:            $(ls / | tr "\n" " ")"
'

echo "$ $(basename "$ocirun") run $id   (bundle $tmp/bundle)"
status=0
"$ocirun" --root "$tmp/state" run --bundle "$tmp/bundle" "$id" </dev/null || status=$?
echo "exit status: $status"
exit $status
