#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installs from Debian 12 what ocirun needs to build and to run its tests: the compiler and meson,
# the libraries' development files, and what the integration suites use (bats, a static busybox
# for the test bundles, jq, python3 for the console-socket receiver, iproute2, util-linux, procps).
# Idempotent: when everything is already installed it does nothing (and needs no network).
# Runs without a terminal; as root, or through sudo when that is available.
set -euo pipefail

packages=(
	# build
	meson ninja-build pkg-config gcc libc6-dev python3
	libyajl-dev libseccomp-dev libcap-dev libmnl-dev
	# the systemd cgroup driver (sd-bus); optional: without it --systemd-cgroup says so
	libsystemd-dev
	# tests
	bats busybox-static jq iproute2 util-linux procps
	# style
	clang-format git
)

missing=()
for pkg in "${packages[@]}"; do
	if ! dpkg-query -W -f '${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$pkg")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: everything is installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "install-deps: run as root (missing: ${missing[*]})" >&2
		exit 1
	}
	sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
echo "install-deps: done"
