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
contrib/build.sh || exit 1
meson test -C build --print-errorlogs --num-processes 1
status=$?
python3 tests/summarize.py build/meson-logs/testlog.json || status=1
exit $status
