#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Rootless Podman: an unprivileged user made by this file (with /etc/subuid and /etc/subgid
# ranges, removed at the end) runs Podman with $CLIENT_RUNTIME as its runtime. Everything the
# user's Podman keeps lives in $CL_TMP: its HOME (containers.conf, storage.conf with the vfs
# driver, which needs no fuse-overlayfs), its XDG_RUNTIME_DIR, the image storage. There is no
# systemd here, so no login session: the environment a login would give is set by hand.
# The image localhost/busybox is imported by the user from a tarball of make-bundle.sh's rootfs.
#
# containers.conf lists the runtime in runtime_supports_nocgroup (Podman 4.3's key) so that
# --cgroups disabled is allowed; Podman then passes crun's global --cgroup-manager disabled,
# which ocirun accepts and runc 1.1 does not know (those tests skip on runc, saying so).

load helpers

setup_file() {
	requires_client podman conmon jq setpriv useradd newuidmap newgidmap
	make_cl_tmp ocirun-podman-rootless
	export PR_USER=ocipr$$
	useradd -M -N -s /bin/sh -d "$CL_TMP/home" "$PR_USER"
	grep -q "^$PR_USER:" /etc/subuid || usermod --add-subuids 1600000-1665535 "$PR_USER"
	grep -q "^$PR_USER:" /etc/subgid || usermod --add-subgids 1600000-1665535 "$PR_USER"
	mkdir -p "$CL_TMP/home/.config/containers" "$CL_TMP/xdg"
	chmod 0700 "$CL_TMP/xdg"
	cat >"$CL_TMP/home/.config/containers/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$CL_TMP/home/storage"
		runroot = "$CL_TMP/xdg/containers"
	EOF
	cat >"$CL_TMP/home/.config/containers/containers.conf" <<-EOF
		[containers]
		netns = "none"
		log_driver = "k8s-file"

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		runtime = "$RUNTIME_NAME"
		runtime_supports_json = ["crun", "runc", "ocirun"]
		runtime_supports_nocgroup = ["crun", "$RUNTIME_NAME"]

		[engine.runtimes]
		$RUNTIME_NAME = ["$CLIENT_RUNTIME"]
	EOF
	chown -R "$PR_USER" "$CL_TMP/home" "$CL_TMP/xdg"
	make_rootfs_tar "$CL_TMP/busybox.tar"
	chmod 0644 "$CL_TMP/busybox.tar"
	as_user podman import --quiet --change 'CMD ["sh"]' "$CL_TMP/busybox.tar" "$IMAGE" >/dev/null
}

teardown_file() {
	[ -n "${PR_USER:-}" ] || return 0
	as_user podman rm -af -t 0 >/dev/null 2>&1 || true
	# the user's own processes (Podman's pause process, conmon), by pid, until none is left
	local pid i
	for ((i = 0; i < 50; i++)); do
		pgrep -U "$PR_USER" >/dev/null || break
		for pid in $(pgrep -U "$PR_USER"); do kill -KILL "$pid" 2>/dev/null || true; done
		sleep 0.1
	done
	userdel -f "$PR_USER" 2>/dev/null || true
	sed -i "/^$PR_USER:/d" /etc/subuid /etc/subgid
	remove_cl_tmp
}

teardown() {
	as_user podman rm -af -t 0 >/dev/null 2>&1 || true
}

# as_user CMD...: CMD as the test user, in the environment a login would give it.
as_user() {
	(cd "$CL_TMP/home" && bounded setpriv --reuid "$PR_USER" --regid "$(id -g "$PR_USER")" \
		--clear-groups env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$CL_TMP/home" \
		USER="$PR_USER" LOGNAME="$PR_USER" XDG_RUNTIME_DIR="$CL_TMP/xdg" "$@")
}

# upodman ARGS...: `run` of the user's podman, without the mount-propagation warning rootless
# Podman prints on a host whose / is not shared.
upodman() {
	run as_user podman "$@"
	output=$(grep -v 'is not a shared mount' <<<"$output" || true)
}

requires_nocgroups_flag() {
	if [ "$RUNTIME_NAME" = runc ]; then
		skip "Podman 4.3 passes --cgroup-manager disabled for --cgroups disabled; runc 1.1 has no such flag"
	fi
}

@test "rootless podman run --rm --cgroups disabled: root inside is the user outside" {
	requires_nocgroups_flag
	upodman run --rm --network none --cgroups disabled "$IMAGE" \
		sh -c 'id -u; head -n 1 /proc/self/uid_map'
	assert_status 0
	[ "${lines[0]}" = 0 ]
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[1]}")" = "0 $(id -u "$PR_USER") 1" ]
}

@test "rootless podman run --rm with Podman's cgroupfs manager (no writable cgroup here)" {
	upodman run --rm --network none "$IMAGE" echo hello
	assert_status 0
	[ "${lines[-1]}" = hello ]
}

@test "rootless podman run -d, exec, stop, rm (--cgroups disabled)" {
	requires_nocgroups_flag
	upodman run -d --name rl-detached --network none --cgroups disabled "$IMAGE" sleep 1000
	assert_status 0
	upodman exec rl-detached sh -c 'echo from-exec; id -u'
	assert_status 0
	[ "${lines[0]}" = from-exec ]
	[ "${lines[1]}" = 0 ]
	upodman stop -t 1 rl-detached
	assert_status 0
	upodman inspect --format '{{.State.Status}}' rl-detached
	[ "$output" = exited ]
	upodman rm rl-detached
	assert_status 0
}

@test "rootless podman run -d, exec, stop, rm (cgroupfs manager)" {
	upodman run -d --name rl-cgroupfs --network none "$IMAGE" sleep 1000
	assert_status 0
	upodman exec rl-cgroupfs echo from-exec
	assert_status 0
	[ "${lines[-1]}" = from-exec ]
	upodman stop -t 1 rl-cgroupfs
	assert_status 0
	upodman rm rl-cgroupfs
	assert_status 0
	upodman ps -aq
	[ -z "$output" ]
}
