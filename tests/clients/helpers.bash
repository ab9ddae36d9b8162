# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# status and output are set by bats' run.
# shellcheck disable=SC2154
#
# Helpers shared by the client suites (podman.bats, containerd.bats). Those suites drive real
# container engines from Debian's packages (install-clients.sh installs them) with the runtime
# under test in place of runc:
#   $CLIENT_RUNTIME  the runtime binary the engines are given (default: $OCIRUN, the built
#                    ocirun). Set it to /usr/sbin/runc to run the same scenarios on runc as
#                    the control; meson registers both.
#   $CL_TMP          one private directory per bats file (storage, state, sockets, config), under
#                    /tmp so that socket paths stay short; removed by the file's teardown.
# Nothing is installed here and nothing outside $CL_TMP is written, except what the engines
# themselves put in their fixed places (containerd's shim sockets in /run/containerd/s, and the
# cgroups of the containers, which go away with them).

CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$CLIENTS_DIR/../.." && pwd)
BUILD_ROOT=${BUILD_ROOT:-$SRC_ROOT/build}
OCIRUN=${OCIRUN:-$BUILD_ROOT/src/ocirun}
CLIENT_RUNTIME=${CLIENT_RUNTIME:-$OCIRUN}
RUNTIME_NAME=$(basename "$CLIENT_RUNTIME")
MAKE_BUNDLE=$SRC_ROOT/contrib/make-bundle.sh
IMAGE=localhost/busybox:latest

# How long one engine command may take before it is killed (a hang fails the test, naming the
# command, instead of hanging the suite), and how many 0.1 s polls the waiting helpers make.
CL_TIMEOUT=${CL_TIMEOUT:-120}
WAIT_TRIES=${WAIT_TRIES:-300}

bats_require_minimum_version 1.5.0

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# requires_client CMD...: skips (the whole file when called from setup_file) unless we are root
# and every CMD is installed.
requires_client() {
	local cmd
	[ "$(id -u)" -eq 0 ] || skip "needs root (the client lanes run rootful engines)"
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null ||
			skip "$cmd is not installed (tests/clients/install-clients.sh installs it)"
	done
	[ -x "$CLIENT_RUNTIME" ] || skip "runtime $CLIENT_RUNTIME not found (build ocirun first)"
}

# requires_exec: skips unless the runtime under test has an exec command.
requires_exec() {
	if ! "$CLIENT_RUNTIME" exec --help >/dev/null 2>&1; then
		skip "$RUNTIME_NAME has no exec command yet"
	fi
}

# requires_tmux: skips unless tmux is there to give the client a real terminal.
requires_tmux() {
	command -v tmux >/dev/null || skip "needs tmux for a real terminal"
}

# bounded CMD...: runs CMD with the $CL_TIMEOUT limit.
bounded() {
	timeout --kill-after=10 "$CL_TIMEOUT" "$@"
}

# assert_status WANT: $status is WANT.
assert_status() {
	[ "$status" -eq "$1" ] || fail "expected exit status $1, got $status; output: $output"
}

# assert_output_contains TEXT
assert_output_contains() {
	[[ "$output" == *"$1"* ]] || fail "output does not contain '$1': $output"
}

# wait_for DESCRIPTION CMD...: polls CMD until it succeeds (at most WAIT_TRIES times).
wait_for() {
	local what=$1 i
	shift
	for ((i = 0; i < WAIT_TRIES; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out waiting for $what"
}

# make_cl_tmp PREFIX: sets CL_TMP to a new private directory under /tmp.
make_cl_tmp() {
	CL_TMP=$(mktemp -d "/tmp/$1.XXXXXX")
	chmod 0711 "$CL_TMP"
	export CL_TMP
}

# remove_cl_tmp: unmounts whatever is still mounted below $CL_TMP (engines' overlay mounts) and
# removes it, never crossing into another filesystem.
remove_cl_tmp() {
	local m
	[ -n "${CL_TMP:-}" ] && [ -d "$CL_TMP" ] || return 0
	# Deepest first; findmnt prints one target per line.
	findmnt -rn -o TARGET | grep "^$CL_TMP/" | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$CL_TMP" 2>/dev/null || true
}

# make_rootfs_tar OUT: a tar of the busybox root filesystem that contrib/make-bundle.sh makes.
make_rootfs_tar() {
	local out=$1 dir
	dir=$(mktemp -d "$CL_TMP/rootfs.XXXXXX")
	"$MAKE_BUNDLE" "$dir/bundle" >/dev/null
	tar -C "$dir/bundle/rootfs" --numeric-owner -cf "$out" .
	rm -rf --one-file-system "$dir"
}

# make_oci_archive ROOTFS_TAR OUT: an OCI image layout (one uncompressed layer) in a tar, named
# $IMAGE by the org.opencontainers.image.ref.name annotation, as `ctr images import` reads it.
# Made by hand so that the containerd lane does not depend on podman.
make_oci_archive() {
	local layer=$1 out=$2 dir arch layer_sum layer_size cfg cfg_sum man man_sum
	dir=$(mktemp -d "$CL_TMP/oci.XXXXXX")
	mkdir -p "$dir/blobs/sha256"
	case $(uname -m) in
	x86_64) arch=amd64 ;;
	aarch64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
	esac
	layer_sum=$(sha256sum "$layer" | cut -d' ' -f1)
	layer_size=$(stat -c %s "$layer")
	cp "$layer" "$dir/blobs/sha256/$layer_sum"
	cfg=$(jq -cn --arg arch "$arch" --arg diff "sha256:$layer_sum" '{
		architecture: $arch, os: "linux",
		config: {
			Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
			Cmd: ["sh"]
		},
		rootfs: {type: "layers", diff_ids: [$diff]}
	}')
	printf '%s' "$cfg" >"$dir/cfg"
	cfg_sum=$(sha256sum "$dir/cfg" | cut -d' ' -f1)
	mv "$dir/cfg" "$dir/blobs/sha256/$cfg_sum"
	man=$(jq -cn --arg cfg "sha256:$cfg_sum" --argjson cfgsize "${#cfg}" \
		--arg layer "sha256:$layer_sum" --argjson layersize "$layer_size" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json",
			digest: $cfg, size: $cfgsize},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar",
			digest: $layer, size: $layersize}]
	}')
	printf '%s' "$man" >"$dir/man"
	man_sum=$(sha256sum "$dir/man" | cut -d' ' -f1)
	jq -cn --arg man "sha256:$man_sum" --argjson mansize "$(stat -c %s "$dir/man")" \
		--arg name "$IMAGE" '{
		schemaVersion: 2,
		manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
			digest: $man, size: $mansize,
			annotations: {"org.opencontainers.image.ref.name": $name}}]
	}' >"$dir/index.json"
	mv "$dir/man" "$dir/blobs/sha256/$man_sum"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	tar -C "$dir" -cf "$out" oci-layout index.json blobs
	rm -rf --one-file-system "$dir"
}

# tmux_run NAME WIDTH HEIGHT CMD: starts the shell command CMD in a detached tmux session on a
# private server (socket in $CL_TMP), so that the client sees a real terminal. When CMD ends the
# session prints "[exit N]" and stays until tmux_stop, so that its screen can still be read.
tmux_run() {
	local name=$1 w=$2 h=$3 cmd=$4
	tmux -S "$CL_TMP/tmux.sock" new-session -d -s "$name" -x "$w" -y "$h" \
		"$cmd; echo \"[exit \$?]\"; sleep $CL_TIMEOUT"
}

tmux_keys() {
	tmux -S "$CL_TMP/tmux.sock" send-keys -t "$1" "${@:2}"
}

tmux_screen() {
	tmux -S "$CL_TMP/tmux.sock" capture-pane -p -t "$1"
}

# tmux_wait_screen NAME TEXT: waits until the screen of NAME shows TEXT.
tmux_wait_screen() {
	local name=$1 text=$2 i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[[ "$(tmux_screen "$name")" == *"$text"* ]] && return 0
		sleep 0.1
	done
	fail "screen of $name never showed '$text'; it shows: $(tmux_screen "$name")"
}

tmux_stop() {
	[ -S "$CL_TMP/tmux.sock" ] || return 0
	tmux -S "$CL_TMP/tmux.sock" kill-server 2>/dev/null || true
}
