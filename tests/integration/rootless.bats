#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Rootless: the runtime run by an unprivileged user. The suite runs as root, makes two test
# users (with /etc/subuid and /etc/subgid ranges, removed at the end) and switches to them with
# setpriv for every runtime call. No --root is passed: the default, $XDG_RUNTIME_DIR/<runtime>,
# is part of what is tested (XDG_RUNTIME_DIR is a directory each test makes for each user).
# Works against runc and crun as well: OCIRUN=/usr/sbin/runc bats tests/integration/rootless.bats

load helpers

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	command -v useradd >/dev/null && command -v setpriv >/dev/null || return 0
	# short unique names (32 characters at most); useradd gives each its subordinate ranges
	export RL_USER=ocirl$$a RL_OTHER=ocirl$$b
	useradd -M -N -s /bin/sh "$RL_USER"
	useradd -M -N -s /bin/sh "$RL_OTHER"
	# useradd adds ranges only where login.defs asks for them: make sure there is one
	grep -q "^$RL_USER:" /etc/subuid || usermod --add-subuids 1500000-1565535 "$RL_USER"
	grep -q "^$RL_USER:" /etc/subgid || usermod --add-subgids 1500000-1565535 "$RL_USER"
}

teardown_file() {
	[ -n "${RL_USER:-}" ] || return 0
	local u pid i
	for u in "$RL_USER" "$RL_OTHER"; do
		# whatever still runs as the user (nothing, normally), by pid, until none is left
		for ((i = 0; i < 50; i++)); do
			pgrep -U "$u" >/dev/null || break
			for pid in $(pgrep -U "$u"); do kill -KILL "$pid" 2>/dev/null || true; done
			sleep 0.1
		done
		userdel -f "$u" 2>/dev/null || true
		sed -i "/^$u:/d" /etc/subuid /etc/subgid
	done
}

setup() {
	requires userns setpriv useradd
	setup_bundle
	[ -n "${RL_USER:-}" ] || skip "the test users could not be made"
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	SUB_UID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	SUB_GID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)
	# the users must reach the bundle, and own it (spec writes config.json there)
	local dir=$BUNDLE
	while [ "$dir" != / ]; do
		chmod o+x "$dir"
		dir=$(dirname "$dir")
	done
	chown "$RL_USER" "$BUNDLE"
	xdg_of "$RL_USER" >/dev/null
	xdg_of "$RL_OTHER" >/dev/null
	# as `spec --rootless` writes it: no network namespace, /sys bound, no uid=/gid= options
	update_config '.process.terminal = false
		| del(.linux.namespaces[] | select(.type == "network"))
		| .linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $gid, "size": 1}]
		| del(.linux.resources)
		| .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "none",
			"source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)
		| .mounts[].options |= (. // [] | map(select(test("^[ug]id=") | not)))' --argjson uid "$RL_UID" --argjson gid "$RL_GID"
}

teardown() {
	local u id dir
	for u in ${RL_USER:-} ${RL_OTHER:-}; do
		dir=$BATS_TEST_TMPDIR/xdg-$u
		[ -d "$dir" ] || continue
		for id in "$dir"/*/*; do
			[ -d "$id" ] || continue
			as_user "$u" "$OCIRUN" delete --force "$(basename "$id")" >/dev/null 2>&1 || true
		done
	done
	teardown_bundle
}

# xdg_of USER: that user's XDG_RUNTIME_DIR for this test (made on first use, mode 0700).
xdg_of() {
	local dir=$BATS_TEST_TMPDIR/xdg-$1
	if [ ! -d "$dir" ]; then
		mkdir -m 0700 "$dir"
		chown "$1" "$dir"
	fi
	echo "$dir"
}

# as_user USER CMD...: CMD as USER (its own group, no others) in a clean environment.
as_user() {
	local u=$1
	shift
	# crun refuses a hybrid cgroup host unless the empty unified hierarchy looks absent
	local mask=()
	if [ "$(basename "$OCIRUN")" = crun ] && [ -e /sys/fs/cgroup/unified/cgroup.controllers ]; then
		mask=(unshare -m sh -c 'mount --bind /dev/null /sys/fs/cgroup/unified/cgroup.controllers &&
			exec "$@"' sh)
	fi
	timeout -k 5 "$RT_TIMEOUT" "${mask[@]}" setpriv --reuid "$u" --regid "$(id -g "$u")" --clear-groups \
		env -i PATH="$HOST_PATH" HOME=/ USER="$u" OCIRUN_TEST_TAG="$TAG" \
		XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/xdg-$u" "$@" 3>&-
}

# rl USER ARGS...: the runtime as USER, collected like `ocirun` ($status, $output, $stderr).
rl() {
	local u=$1
	shift
	_ocirun_start "$@"
	status=0
	(cd "$BUNDLE" && as_user "$u" "$OCIRUN" "$@") </dev/null >"$CTR_STDOUT" 2>"$CTR_STDERR" ||
		status=$?
	_ocirun_finish
}

# rl_state USER ID FIELD: one field of `state`, empty when state fails.
rl_state() {
	as_user "$1" "$OCIRUN" state "$2" 2>/dev/null | jq -r ".$3 // empty"
}

# rl_launch ID: `run -d` of a sleeping container as $RL_USER, waiting until it runs.
rl_launch() {
	local i
	set_args sleep 1000
	rl "$RL_USER" run -d -b "$BUNDLE" "$1"
	assert_status 0
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ "$(rl_state "$RL_USER" "$1" status)" = running ] && return 0
		sleep 0.05
	done
	fail "container $1 is not running"
}

# the state root the runtime made in a user's XDG_RUNTIME_DIR (ocirun, runc, crun)
state_root_of() {
	find "$BATS_TEST_TMPDIR/xdg-$1" -mindepth 1 -maxdepth 1 -type d | head -n 1
}

@test "spec --rootless, then run: the user namespace maps root to the caller" {
	rm "$BUNDLE/config.json"
	rl "$RL_USER" spec --rootless
	assert_status 0
	update_config '.process.terminal = false
		| .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/gid_map"]
		| .process.env += ["OCIRUN_TEST_TAG=" + $tag]' --arg tag "$TAG"
	# runc's rootless defaults
	[ "$(jq -r '[.linux.namespaces[].type] | index("network")' config.json)" = null ]
	[ "$(jq -c '.linux.uidMappings' config.json)" = "[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}]" ]
	[ "$(jq -c '.linux.gidMappings' config.json)" = "[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}]" ]
	[ "$(jq -c '.mounts[] | select(.destination == "/sys") | [.type, .source, (.options | index("rbind") != null)]' config.json)" = '["none","/sys",true]' ]
	[ "$(jq -r '.linux.resources' config.json)" = null ]
	rl "$RL_USER" run "$ID"
	assert_status 0
	[ "${lines[0]}" = 0 ]
	[ "$(squeeze "${lines[1]}")" = "0 $RL_UID 1" ]
	[ "$(squeeze "${lines[2]}")" = "0 $RL_GID 1" ]
	# the default state root is the user's own, closed to others
	root=$(state_root_of "$RL_USER")
	[ -n "$root" ]
	[ "$(stat -c %U "$root")" = "$RL_USER" ]
	[ "$(($(stat -c 0%a "$root") & 077))" = 0 ]
}

@test "a file written on a bind mount belongs to the user on the host" {
	mkdir "$BATS_TEST_TMPDIR/data"
	chown "$RL_USER" "$BATS_TEST_TMPDIR/data"
	update_config '.mounts += [{"destination": "/tmp", "type": "bind", "source": $src,
		"options": ["rbind", "rw"]}]' --arg src "$BATS_TEST_TMPDIR/data"
	set_args sh -c 'echo made inside >/tmp/f; stat -c %u /tmp/f'
	rl "$RL_USER" run "$ID"
	assert_status 0
	[ "$output" = 0 ]
	[ "$(stat -c %U "$BATS_TEST_TMPDIR/data/f")" = "$RL_USER" ]
	[ "$(cat "$BATS_TEST_TMPDIR/data/f")" = "made inside" ]
}

@test "state, list, exec, ps, kill and delete as the user" {
	rl_launch "$ID"
	pid=$(rl_state "$RL_USER" "$ID" pid)
	[ "$(stat -c %U "/proc/$pid")" = "$RL_USER" ]
	rl "$RL_USER" list -q
	assert_status 0
	[ "$output" = "$ID" ]
	rl "$RL_USER" exec "$ID" sh -c 'id -u; cat /proc/self/uid_map'
	assert_status 0
	[ "${lines[0]}" = 0 ]
	[ "$(squeeze "${lines[1]}")" = "0 $RL_UID 1" ]
	rl "$RL_USER" ps --format json "$ID"
	assert_status 0
	jq -e --argjson pid "$pid" 'index($pid) != null' <<<"$output"
	rl "$RL_USER" kill "$ID" KILL
	assert_status 0
	wait_until_dead "$pid"
	rl "$RL_USER" delete "$ID"
	assert_status 0
	rl "$RL_USER" state "$ID"
	assert_status nonzero
	[ -z "$(find "$(state_root_of "$RL_USER")" -mindepth 1)" ]
}

@test "another user cannot state, kill or delete the user's container" {
	rl_launch "$ID"
	pid=$(rl_state "$RL_USER" "$ID" pid)
	root=$(state_root_of "$RL_USER")
	rl "$RL_OTHER" --root "$root" state "$ID"
	assert_status nonzero
	rl "$RL_OTHER" --root "$root" kill "$ID" KILL
	assert_status nonzero
	rl "$RL_OTHER" --root "$root" delete --force "$ID"
	assert_status nonzero
	rl "$RL_OTHER" --root "$root" list -q
	[ "$(grep -cx "$ID" <<<"$output" || true)" = 0 ]
	# nothing happened to it
	proc_alive "$pid"
	[ "$(rl_state "$RL_USER" "$ID" status)" = running ]
}

@test "several ranges through newuidmap: uid 1000 inside is the first subordinate uid + 999" {
	requires newuidmap newgidmap
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1},
			{"containerID": 1, "hostID": $subuid, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $gid, "size": 1},
			{"containerID": 1, "hostID": $subgid, "size": 65536}]
		| .process.user = {"uid": 1000, "gid": 1000}' \
		--argjson uid "$RL_UID" --argjson gid "$RL_GID" \
		--argjson subuid "$SUB_UID" --argjson subgid "$SUB_GID"
	rl_launch "$ID"
	pid=$(rl_state "$RL_USER" "$ID" pid)
	[ "$(proc_status "$pid" Uid | awk '{ print $1 }')" = $((SUB_UID + 999)) ]
	[ "$(proc_status "$pid" Gid | awk '{ print $1 }')" = $((SUB_GID + 999)) ]
	[ "$(awk '{ $1 = $1; print }' "/proc/$pid/uid_map" | tr '\n' ' ')" = "0 $RL_UID 1 1 $SUB_UID 65536 " ]
}

@test "a range outside /etc/subuid is refused by newuidmap, named in the error" {
	requires newuidmap
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1},
			{"containerID": 1, "hostID": 3999000000, "size": 10}]' --argjson uid "$RL_UID"
	set_args true
	rl "$RL_USER" run "$ID"
	assert_status nonzero
	assert_output_contains newuidmap
	[ -z "$(test_pids)" ]
}

@test "sysfs without a network namespace: the host's /sys is bound instead" {
	update_config '.mounts |= map(if .destination == "/sys" then {"destination": "/sys",
		"type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
		else . end)'
	set_args sh -c 'grep -E " /sys(/| )" /proc/self/mountinfo; cat /sys/kernel/ostype 2>/dev/null ||
		ls /sys/kernel | head -n 1'
	rl "$RL_USER" run "$ID"
	assert_status 0
	line=$(awk '$5 == "/sys"' <<<"$output" | tail -n 1)
	[ "$(mount_fstype "$line")" = sysfs ]
	[[ ",$(mount_opts "$line")," == *,ro,* ]]
	# read-only all the way down: the host's /sys/fs/cgroup and the like beneath it too
	[ "$(awk '$5 ~ "^/sys/"' <<<"$output" | wc -l)" -gt 0 ] || fail "no submount of /sys came along"
	while read -r line; do
		[[ ",$(mount_opts "$line")," == *,ro,* ]] || fail "writable under /sys: $line"
	done < <(awk '$5 ~ "^/sys/"' <<<"$output")
}

@test "devices are bind mounts of the host's nodes" {
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]'
	set_args sh -c 'grep -E " /dev/(null|fuse) " /proc/self/mountinfo; stat -c %t:%T /dev/fuse'
	rl "$RL_USER" run "$ID"
	assert_status 0
	[ "$(grep -c ' /dev/null ' <<<"$output")" -ge 1 ]
	[ "$(grep -c ' /dev/fuse ' <<<"$output")" -ge 1 ]
	[ "${lines[-1]}" = a:e5 ]
}

@test "flags locked on a bind source (nosuid,nodev,noexec) are kept for a read-only bind" {
	mkdir "$BATS_TEST_TMPDIR/locked"
	mount -t tmpfs -o nosuid,nodev,noexec tmpfs "$BATS_TEST_TMPDIR/locked"
	update_config '.mounts += [{"destination": "/tmp", "type": "bind", "source": $src,
		"options": ["bind", "ro"]}]' --arg src "$BATS_TEST_TMPDIR/locked"
	set_args sh -c 'awk '"'"'$5 == "/tmp"'"'"' /proc/self/mountinfo'
	rl "$RL_USER" run "$ID"
	assert_status 0
	opts=$(mount_opts "$output")
	[[ ",$opts," == *,ro,* && ",$opts," == *,nosuid,* && ",$opts," == *,nodev,* && ",$opts," == *,noexec,* ]]
}

@test "no writable cgroup: runs without one when no resources are set" {
	set_args true
	rl "$RL_USER" run "$ID"
	assert_status 0
	# at most one warning about it
	[ "$(grep -c . <<<"$stderr" || true)" -le 1 ]
}

@test "no writable cgroup: a memory limit is refused with an error about the cgroup" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}}'
	set_args true
	rl "$RL_USER" run "$ID"
	assert_status nonzero
	[[ "$output" == *cgroup* ]] || fail "the error does not mention the cgroup"
	[ -z "$(test_pids)" ]
	[ -z "$(find "$(state_root_of "$RL_USER")" -mindepth 1 2>/dev/null)" ]
}

@test "a time namespace (maps written for the intermediate process) with several ranges" {
	requires newuidmap newgidmap
	[ -e /proc/self/ns/time ] || skip "needs a kernel with time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}}
		| .linux.uidMappings += [{"containerID": 1, "hostID": $subuid, "size": 65536}]
		| .linux.gidMappings += [{"containerID": 1, "hostID": $subgid, "size": 65536}]' \
		--argjson subuid "$SUB_UID" --argjson subgid "$SUB_GID"
	set_args sh -c 'wc -l </proc/self/uid_map; cat /proc/self/timens_offsets'
	rl "$RL_USER" run "$ID"
	assert_status 0
	[ "${lines[0]}" = 2 ]
	[ "$(squeeze "${lines[1]}")" = "monotonic 86400 0" ]
}
