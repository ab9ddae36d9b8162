#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The container's process: user and groups, env, cwd, rlimits, oom_score_adj, no_new_privs,
# capabilities, umask, inherited fds. Read from /proc/PID of the running process where possible.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
}

teardown() {
	teardown_bundle
}

@test "user: uid, gid and additional groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [100, 65534]}'
	launch
	pid=$(pid_of "$ID")
	[ "$(proc_status "$pid" Uid)" = "$(printf '1000\t1000\t1000\t1000')" ]
	[ "$(proc_status "$pid" Gid)" = "$(printf '1000\t1000\t1000\t1000')" ]
	[ "$(proc_status "$pid" Groups | xargs)" = "100 65534" ]
}

@test "user: root without additionalGids has no supplementary groups" {
	launch
	pid=$(pid_of "$ID")
	[ "$(proc_status "$pid" Uid)" = "$(printf '0\t0\t0\t0')" ]
	[ -z "$(proc_status "$pid" Groups | xargs)" ]
}

@test "env: the process gets the configured environment and nothing else" {
	update_config '.process.env = ["PATH=/bin:/usr/bin", "ONE=1", "SPACES=two words", "OCIRUN_TEST_TAG=" + $tag]' --arg tag "$TAG"
	launch
	mapfile -d '' env <"/proc/$(pid_of "$ID")/environ"
	printf '%s\n' "${env[@]}" | sort >"$BATS_TEST_TMPDIR/env"
	cat "$BATS_TEST_TMPDIR/env"
	grep -qx 'ONE=1' "$BATS_TEST_TMPDIR/env"
	grep -qx 'SPACES=two words' "$BATS_TEST_TMPDIR/env"
	grep -qx 'PATH=/bin:/usr/bin' "$BATS_TEST_TMPDIR/env"
	# nothing of the runtime's own environment (runc adds HOME when the config has none)
	extra=$(grep -v -x -e 'ONE=1' -e 'SPACES=two words' -e 'PATH=/bin:/usr/bin' \
		-e "OCIRUN_TEST_TAG=$TAG" -e 'HOME=.*' "$BATS_TEST_TMPDIR/env" || true)
	[ -z "$extra" ] || fail "unexpected variables: $extra"
}

@test "env: a later duplicate wins" {
	update_config '.process.env += ["DUP=first", "DUP=second"]'
	run_in_container 'echo "$DUP"'
	assert_status 0
	[ "$output" = second ]
}

@test "cwd: the process starts in the configured directory" {
	mkdir -p rootfs/work/dir
	update_config '.process.cwd = "/work/dir"'
	run_in_container 'pwd'
	assert_status 0
	[ "$output" = /work/dir ]
}

@test "rlimits: visible in /proc/PID/limits" {
	update_config '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024},
		{"type": "RLIMIT_CORE", "soft": 4096, "hard": 8192},
		{"type": "RLIMIT_NPROC", "soft": 100, "hard": 200}]'
	launch
	limits=/proc/$(pid_of "$ID")/limits
	[ "$(awk '/^Max open files/ { print $4, $5 }' "$limits")" = "512 1024" ]
	[ "$(awk '/^Max core file size/ { print $5, $6 }' "$limits")" = "4096 8192" ]
	[ "$(awk '/^Max processes/ { print $3, $4 }' "$limits")" = "100 200" ]
}

@test "oomScoreAdj: set on the process" {
	update_config '.process.oomScoreAdj = 123'
	launch
	[ "$(cat "/proc/$(pid_of "$ID")/oom_score_adj")" = 123 ]
}

@test "noNewPrivileges: NoNewPrivs is 1 when asked and 0 otherwise" {
	update_config '.process.noNewPrivileges = true'
	launch "$ID-a"
	[ "$(proc_status "$(pid_of "$ID-a")" NoNewPrivs)" = 1 ]

	update_config '.process.noNewPrivileges = false'
	launch "$ID-b"
	[ "$(proc_status "$(pid_of "$ID-b")" NoNewPrivs)" = 0 ]
}

@test "capabilities: the default set, and an empty inheritable set" {
	launch
	pid=$(pid_of "$ID")
	# CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
	[ "$(proc_status "$pid" CapBnd)" = 0000000020000420 ]
	[ "$(proc_status "$pid" CapEff)" = 0000000020000420 ]
	[ "$(proc_status "$pid" CapPrm)" = 0000000020000420 ]
	[ "$(proc_status "$pid" CapInh)" = 0000000000000000 ]
}

@test "capabilities: each set is what the config says" {
	# for root the kernel makes the effective set the permitted one at execve, and with
	# noNewPrivileges (the default here) permitted cannot grow to the bounding set
	update_config '.process.noNewPrivileges = true | .process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SYS_TIME"],
		"permitted": ["CAP_CHOWN", "CAP_KILL"],
		"effective": ["CAP_CHOWN", "CAP_KILL"],
		"inheritable": ["CAP_KILL"]}'
	launch
	pid=$(pid_of "$ID")
	# CAP_CHOWN (0), CAP_KILL (5), CAP_SYS_TIME (25)
	[ "$(proc_status "$pid" CapBnd)" = 0000000002000021 ]
	[ "$(proc_status "$pid" CapPrm)" = 0000000000000021 ]
	[ "$(proc_status "$pid" CapEff)" = 0000000000000021 ]
	[ "$(proc_status "$pid" CapInh)" = 0000000000000020 ]
}

@test "capabilities: ambient ones survive the switch to a non-root user" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
		"bounding": ["CAP_KILL", "CAP_NET_RAW"], "permitted": ["CAP_KILL", "CAP_NET_RAW"],
		"effective": ["CAP_KILL", "CAP_NET_RAW"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
	launch
	pid=$(pid_of "$ID")
	[ "$(proc_status "$pid" CapAmb)" = 0000000000000020 ]
	[ "$(proc_status "$pid" CapEff)" = 0000000000000020 ]
}

@test "capabilities: a non-root user without ambient capabilities has none" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	launch
	pid=$(pid_of "$ID")
	[ "$(proc_status "$pid" CapEff)" = 0000000000000000 ]
	[ "$(proc_status "$pid" CapPrm)" = 0000000000000000 ]
}

@test "umask: the configured one, and 0022 by default" {
	update_config '.process.user.umask = 23'
	launch "$ID-a"
	[ "$(proc_status "$(pid_of "$ID-a")" Umask)" = 0027 ]

	update_config 'del(.process.user.umask)'
	launch "$ID-b"
	[ "$(proc_status "$(pid_of "$ID-b")" Umask)" = 0022 ]
}

@test "fds: only stdio reach the process; the caller's other fds do not leak" {
	exec 7<"$BUNDLE/config.json"
	ocirun_keep_fds create --bundle "$BUNDLE" "$ID" 3>&- 5<"$BUNDLE/config.json"
	exec 7<&-
	assert_status 0
	start_ok
	[ "$(proc_fds "$(pid_of "$ID")")" = "0 1 2" ]
}

@test "--preserve-fds 1: exactly fd 3 is passed on" {
	echo preserved >"$BATS_TEST_TMPDIR/fd3"
	ocirun_keep_fds create --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
		3<"$BATS_TEST_TMPDIR/fd3" 4<"$BUNDLE/config.json" 5<"$BUNDLE/config.json"
	assert_status 0
	start_ok
	pid=$(pid_of "$ID")
	[ "$(proc_fds "$pid")" = "0 1 2 3" ]
	[ "$(readlink "/proc/$pid/fd/3")" = "$BATS_TEST_TMPDIR/fd3" ]
}

@test "--preserve-fds: the container can read the passed fd" {
	echo preserved >"$BATS_TEST_TMPDIR/fd3"
	set_args sh -c 'cat <&3'
	ocirun_keep_fds run --preserve-fds 1 "$ID" 3<"$BATS_TEST_TMPDIR/fd3"
	assert_status 0
	[ "$output" = preserved ]
}

@test "the process's executable is looked up in the configured PATH" {
	# busybox's id is /usr/bin/id
	update_config '.process.env = ["PATH=/nowhere:/usr/bin"]'
	set_args id -u
	ocirun run "$ID-a"
	assert_status 0
	[ "$output" = 0 ]

	update_config '.process.env = ["PATH=/bin"]'
	ocirun run "$ID-b"
	assert_status nonzero
	[[ "$output" == *"not found"* || "$output" == *"no such file or directory"* ]]
}

@test "stdio that is the host's /dev/null opened read-only becomes a writable /dev/null (containerd --null-io)" {
	set_args sh -c 'echo x || exit 42'
	status=0
	rt run "$ID" 0</dev/null 1</dev/null 2</dev/null || status=$?
	[ "$status" -eq 0 ] || fail "exit status $status: writing to the inherited /dev/null failed"
}
