#!/bin/bash
# From a fresh Debian 12 machine: install what is needed, build, and run every test (unit tests
# and the bats integration suites, as root). Ends with "N passed, N failed, N skipped" counted
# from the individual test results.
set -uo pipefail
cd "$(dirname "$0")/.."
contrib/install-deps.sh || exit 1
# Podman and containerd, for the suite that runs them on top of ocirun
if ! command -v podman >/dev/null || ! command -v containerd >/dev/null; then
	tests/clients/install-clients.sh || exit 1
fi
# qemu and Debian's kernel, for the lanes that boot a pure cgroup2 machine (tests/vm), and
# systemd, which the systemd lane boots as PID 1; without them those lanes skip, saying so
if ! command -v qemu-system-x86_64 >/dev/null || ! ls /boot/vmlinuz-* >/dev/null 2>&1 ||
	[ ! -x /lib/systemd/systemd ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		qemu-system-x86 linux-image-amd64 systemd >/dev/null ||
		echo "warning: qemu or the kernel could not be installed; the vm lane will skip" >&2
fi
contrib/build.sh || exit 1
meson test -C build --print-errorlogs --num-processes 1
status=$?
python3 tests/summarize.py build/meson-logs/testlog.json || status=1
exit $status
