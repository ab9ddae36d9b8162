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
# apparmor_parser, for the vm lane that boots with AppArmor (tests/vm/guest-apparmor.sh); this
# host's kernel has no AppArmor, so the package only provides the parser there
if ! command -v apparmor_parser >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends apparmor >/dev/null ||
		echo "warning: apparmor could not be installed; the vm-apparmor lane will skip its checks" >&2
fi
contrib/build.sh || exit 1
meson test -C build --print-errorlogs --num-processes 1
status=$?

# The sanitizer lane (docs/security.md, "Sanitizers and fuzzing"): a second tree, build-asan,
# built by clang with AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer. The unit
# tests and the bats suites run against the sanitized ocirun (a report fails the test during
# which it was written), and each libFuzzer target fuzzes for FUZZ_SECONDS (default 30) from a
# seed corpus; a crash, a leak or a hang fails it.
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
if [ ! -f build-asan/build.ninja ]; then
	CC=clang meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dfuzz=true -Dfuzz_seconds="$FUZZ_SECONDS" >/dev/null || exit 1
else
	meson configure build-asan -Dfuzz_seconds="$FUZZ_SECONDS" >/dev/null || exit 1
fi
if ! ninja -C build-asan; then
	echo "contrib/test.sh: the sanitizer lane's tree (build-asan) does not build" >&2
	python3 tests/summarize.py build/meson-logs/testlog.json
	exit 1
fi
rm -rf build-asan/sanitizer-logs
meson test -C build-asan --print-errorlogs --num-processes 1 \
	--suite unit --suite ocispec --suite integration --suite fuzz || status=1

python3 tests/summarize.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json || status=1
exit $status
