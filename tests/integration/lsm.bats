#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Linux security modules and capability names: process.apparmorProfile, process.selinuxLabel,
# linux.mountLabel, exec's --apparmor and --process-label, and the capability names of
# process.capabilities.
#
# On a host without AppArmor or SELinux a requested profile or label is refused at
# create/run/exec before anything exists, naming the JSON path or the flag. That AppArmor is
# really applied is proven in the qemu lane (tests/vm/guest-apparmor.sh), whose kernel has it.
#
# ocirun-specific texts: runc 1.1.5 fails these requests too, but later (in the container's
# init, "write /proc/self/attr/exec: invalid argument") or in its own words; runc and crun run
# a config with a mountLabel on a host without SELinux differently (runc fails the tmpfs mount,
# crun drops the label).

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
}

teardown() {
	teardown_bundle
}

apparmor_enabled() {
	[ "$(head -c1 /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

selinux_enabled() {
	[ "$(stat -f -c %t /sys/fs/selinux 2>/dev/null)" = f97cff8c ]
}

needs_no_apparmor() {
	! apparmor_enabled || skip "AppArmor is enabled on this host: the refusal cannot be seen here"
}

needs_no_selinux() {
	! selinux_enabled || skip "SELinux is enabled on this host: the refusal cannot be seen here"
}

# refused_at_create TEXT: create and run fail with one line naming TEXT, and leave nothing.
refused_at_create() {
	snapshot before
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "$1"
	assert_one_error_line
	ocirun run --bundle "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "$1"
	snapshot after
	assert_nothing_left before after
	[ ! -e "$ROOT/$ID" ] || fail "a state directory was made"
}

# ---- process.apparmorProfile, process.selinuxLabel, linux.mountLabel ------------------------

@test "lsm: an AppArmor profile on a host without AppArmor is refused before anything is made" {
	needs_no_apparmor
	update_config '.process.apparmorProfile = "acme_secure_profile"'
	refused_at_create 'config.json: process.apparmorProfile: AppArmor is not enabled on this host'
}

@test "lsm: an SELinux label on a host without SELinux is refused before anything is made" {
	needs_no_selinux
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	refused_at_create 'config.json: process.selinuxLabel: SELinux is not enabled on this host'
}

@test "lsm: a mountLabel on a host without SELinux is refused before anything is made" {
	needs_no_selinux
	update_config '.linux.mountLabel = "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811"'
	refused_at_create 'config.json: linux.mountLabel: SELinux is not enabled on this host'
}

@test "lsm: empty profile and label strings mean none, and the container runs" {
	update_config '.process.apparmorProfile = "" | .process.selinuxLabel = "" | .linux.mountLabel = ""'
	set_args true
	ocirun run --bundle "$BUNDLE" "$ID"
	assert_status 0
}

@test "lsm: a newline or a quote that would smuggle a second command or option is refused" {
	update_config '.process.apparmorProfile = "p\nchangehat x"'
	refused_at_create 'config.json: process.apparmorProfile: must not contain a newline'
	update_config '.process.apparmorProfile = "" | .linux.mountLabel = "a\",rootcontext=\"b"'
	refused_at_create 'linux.mountLabel:'
	assert_output_contains 'must not contain a double quote'
}

@test "lsm: features says ocirun applies AppArmor profiles and SELinux labels" {
	ocirun features
	assert_status 0
	[ "$(jq -r .linux.apparmor.enabled <<<"$output")" = true ]
	[ "$(jq -r .linux.selinux.enabled <<<"$output")" = true ]
}

# ---- exec --apparmor, --process-label, --process -------------------------------------------

@test "lsm: exec --apparmor and --process-label on a host without the module name the flag" {
	needs_no_apparmor
	needs_no_selinux
	launch
	snapshot before
	ocirun exec --apparmor acme "$ID" true
	assert_status 255
	assert_output_contains 'exec failed: --apparmor "acme": AppArmor is not enabled on this host'
	assert_one_error_line
	ocirun exec --apparmor=acme "$ID" true
	assert_status 255
	assert_output_contains '--apparmor "acme"'
	ocirun exec --process-label system_u:system_r:container_t:s0 "$ID" true
	assert_status 255
	assert_output_contains '--process-label "system_u:system_r:container_t:s0": SELinux is not enabled'
	ocirun exec --process-label=x:y:z "$ID" true
	assert_status 255
	assert_output_contains '--process-label "x:y:z"'
	snapshot after
	assert_nothing_left before after
	# an empty flag means "as configured": the exec runs
	ocirun exec --apparmor "" --process-label= "$ID" echo ran
	assert_status 0
	[ "$output" = ran ]
}

@test "lsm: exec --apparmor takes a value; the flags after the id are the command's" {
	launch
	ocirun exec "$ID" --apparmor
	assert_status 255
	assert_output_contains 'exec: "--apparmor": executable file not found'
	ocirun exec --apparmor
	assert_status 1
}

@test "lsm: exec --process with an apparmorProfile or selinuxLabel is refused naming the file" {
	needs_no_apparmor
	needs_no_selinux
	launch
	jq -n '{args: ["true"], cwd: "/", apparmorProfile: "acme"}' >"$BATS_TEST_TMPDIR/p1.json"
	ocirun exec --process "$BATS_TEST_TMPDIR/p1.json" "$ID"
	assert_status 255
	assert_output_contains "$BATS_TEST_TMPDIR/p1.json: process.apparmorProfile: AppArmor is not enabled on this host"
	jq -n '{args: ["true"], cwd: "/", selinuxLabel: "a:b:c"}' >"$BATS_TEST_TMPDIR/p2.json"
	ocirun exec --process "$BATS_TEST_TMPDIR/p2.json" "$ID"
	assert_status 255
	assert_output_contains "p2.json: process.selinuxLabel: SELinux is not enabled on this host"
	jq -n '{args: ["true"], cwd: "/"}' >"$BATS_TEST_TMPDIR/p3.json"
	ocirun exec --process "$BATS_TEST_TMPDIR/p3.json" "$ID"
	assert_status 0
}

# ---- capability names -------------------------------------------------------------------------

@test "capabilities: an unknown name is refused in every set, naming it and its JSON path" {
	local set n
	for set in bounding effective inheritable permitted ambient; do
		update_config '.process.capabilities[$s] = ((.process.capabilities[$s] // []) | map(select(. != "CAP_TEST")))' --arg s "$set"
		n=$(jq --arg s "$set" '.process.capabilities[$s] | length' "$BUNDLE/config.json")
		update_config '.process.capabilities[$s] += ["CAP_TEST"]' --arg s "$set"
		refused_at_create "config.json: process.capabilities.$set[$n]: unknown capability \"CAP_TEST\""
		update_config '.process.capabilities[$s] -= ["CAP_TEST"]' --arg s "$set"
	done
	# an empty name is no capability either
	update_config '.process.capabilities.bounding += [""]'
	refused_at_create 'unknown capability ""'
}

@test "capabilities: exec --process with an unknown name is refused, naming the file" {
	launch
	jq -n '{args: ["true"], cwd: "/", capabilities: {bounding: ["CAP_KILL", "CAP_TEST"]}}' \
		>"$BATS_TEST_TMPDIR/p.json"
	ocirun exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_status 255
	assert_output_contains 'p.json: process.capabilities.bounding[1]: unknown capability "CAP_TEST"'
}

@test "capabilities: names are matched without regard to case, as crun (libcap) does" {
	# CAP_KILL is 5
	update_config '.process.capabilities = {bounding: ["cap_kill"], effective: ["Cap_Kill"], permitted: ["CAP_kill"]}'
	launch
	pid=$(pid_of "$ID")
	[ "$(proc_status "$pid" CapEff)" = 0000000000000020 ]
	[ "$(proc_status "$pid" CapBnd)" = 0000000000000020 ]
}

@test "capabilities: a name the running kernel lacks is a warning, and the rest applies" {
	local last
	last=$(cat /proc/sys/kernel/cap_last_cap)
	# ocirun's table ends with CAP_CHECKPOINT_RESTORE (40), the newest capability of Linux
	[ "$last" -lt 40 ] ||
		skip "this kernel knows every capability ocirun knows (cap_last_cap=$last): no name to test with"
	update_config '.process.capabilities.bounding += ["CAP_CHECKPOINT_RESTORE"] |
		.process.capabilities.effective += ["CAP_CHECKPOINT_RESTORE"] |
		.process.capabilities.permitted += ["CAP_CHECKPOINT_RESTORE"]'
	create_ok
	assert_output_contains 'CAP_CHECKPOINT_RESTORE is not known to the running kernel'
	start_ok
}
