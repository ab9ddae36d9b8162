#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installs from Debian 12 what ocirun needs to build and to run its tests: the compilers (gcc;
# clang for the sanitizer lane and the fuzz targets) and meson, the libraries' development files,
# and what the integration suites use (bats, a static busybox for the test bundles, jq, python3
# for the console-socket receiver, iproute2, util-linux, procps, uidmap and passwd for the
# rootless suite, tini and catatonit as the comparison for ocirun-init, strace for the cgroup v2
# lane's clone3 check).
# Idempotent: when everything is already installed it does nothing (and needs no network).
# Runs without a terminal; as root, or through sudo when that is available.
set -euo pipefail

packages=(
	# build
	meson ninja-build pkg-config gcc libc6-dev python3
	# (yajl's, libseccomp's and libcap's static archives come with them: -Dstatic_deps)
	libyajl-dev libseccomp-dev libcap-dev libmnl-dev
	# the systemd cgroup driver (sd-bus.h; libsystemd0 itself is loaded when the driver is
	# used); optional: without it --systemd-cgroup says so
	libsystemd-dev
	# checkpoint/restore: criu ships rpc.proto, protoc-c turns it into C at build time
	criu protobuf-c-compiler libprotobuf-c-dev
	# tests
	bats busybox-static jq iproute2 util-linux procps
	# rootless.bats: newuidmap/newgidmap, and useradd/userdel for its test users
	uidmap passwd
	# the inits that tests/integration/init.bats compares ocirun-init with
	tini catatonit
	# the vm-cgroup2 lane: that the init is born in its cgroup (clone3 CLONE_INTO_CGROUP)
	strace
	# style
	clang-format git
	# the sanitizer lane and the libFuzzer targets (contrib/test.sh): clang with its runtimes,
	# llvm-symbolizer for readable reports
	clang libclang-rt-14-dev llvm
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
