#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install-clients.sh: installs, from Debian's packages, the container engines that the `clients`
# suite drives on top of ocirun, and what they need offline:
#   podman, conmon, crun         Podman 4.x and its monitor; crun is Podman's default runtime
#   uidmap, slirp4netns,         Podman's dependencies for user namespaces and networking
#   netavark, aardvark-dns,      (the suite runs with --network none, but Podman still wants them
#   containernetworking-plugins  installed to start)
#   fuse-overlayfs               storage for hosts whose kernel overlay does not suit Podman
#   containerd                   containerd 1.6 with ctr and containerd-shim-runc-v2
#   busybox-static, jq, bats     the image's contents and the test tools
#   tmux                         a real terminal for `podman run -t` / `ctr run -t`
# Needs root. Runs apt-get update first unless NO_APT_UPDATE=1.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "$0: must run as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ "${NO_APT_UPDATE:-0}" != 1 ]; then
	apt-get update
fi
apt-get install -y \
	podman conmon crun uidmap slirp4netns netavark aardvark-dns containernetworking-plugins \
	fuse-overlayfs containerd busybox-static jq bats tmux
