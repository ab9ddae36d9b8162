#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# checkpoint and restore (CRIU). What this host can always check: the commands are there (or
# say clearly that the build has no CRIU), their flags are runc's, and what they refuse. The
# checkpoint/restore of real containers needs a kernel that CRIU accepts: those tests skip
# with the reason `criu check` gives. tests/vm/guest-criu.sh runs the full set in the qemu
# lane (meson test --suite vm), on a kernel that Debian's CRIU accepts.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
}

teardown() {
	teardown_bundle
}

built_with_criu() {
	[ "$("$OCIRUN" features | jq -r '.annotations["org.opencontainers.runc.checkpoint.enabled"] // empty')" = true ]
}

requires_criu_build() {
	built_with_criu || skip "ocirun was built without CRIU (meson setup -Dcriu=enabled)"
}

# Skips with criu check's own reason when CRIU cannot work here.
requires_working_criu() {
	requires_criu_build
	requires criu
	local out
	if ! out=$(criu check 2>&1); then
		skip "criu check fails on $(uname -r): $(grep -m1 -E 'Error|error' <<<"$out" | sed 's/^.*): //')"
	fi
}

@test "checkpoint --help and restore --help exit 0 in a build with CRIU; without, both refuse" {
	if built_with_criu; then
		ocirun checkpoint --help
		assert_status 0
		assert_output_contains "--leave-running"
		ocirun restore --help
		assert_status 0
		assert_output_contains "--console-socket"
	else
		ocirun checkpoint --help
		assert_status nonzero
		assert_output_contains "built without CRIU support"
		ocirun restore "$ID"
		assert_status nonzero
		assert_output_contains "built without CRIU support"
	fi
}

@test "restore --lsm-mount-context without a value says 'flag needs an argument' (Podman probes this)" {
	requires_criu_build
	ocirun restore --lsm-mount-context
	assert_status nonzero
	assert_output_contains "flag needs an argument"
}

@test "go-runc's single-dash -no-subreaper is accepted by restore" {
	requires_criu_build
	# The flag parses; the restore then fails on the missing image, not on the flag.
	ocirun restore -no-subreaper --bundle "$BUNDLE" --image-path "$BATS_TEST_TMPDIR/none" "$ID"
	assert_status nonzero
	[[ "$output" != *"flag provided but not defined"* && "$output" != *"unknown option"* ]] ||
		fail "-no-subreaper was not accepted"
	assert_output_contains "image path"
	[ ! -e "$ROOT/$ID" ] || fail "a failed restore left $ROOT/$ID behind"
}

@test "checkpoint refuses a created container, an unknown one and a bad --manage-cgroups-mode" {
	requires_criu_build
	create_ok
	ocirun checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status nonzero
	assert_output_contains "cannot be checkpointed in created state"
	[ "$(status_of "$ID")" = created ] || fail "the container changed"
	ocirun checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID-nonexistent"
	assert_status nonzero
	assert_output_contains "does not exist"
	ocirun checkpoint --manage-cgroups-mode bogus "$ID"
	assert_status nonzero
	assert_output_contains 'invalid value "bogus"'
	ocirun checkpoint --empty-ns pid "$ID"
	assert_status nonzero
	assert_output_contains 'namespace "pid" is not supported'
}

@test "a checkpoint that CRIU refuses leaves the container running, same pid" {
	requires_criu_build
	requires criu
	criu check >/dev/null 2>&1 && skip "CRIU works on this kernel (tests/vm/guest-criu.sh covers a refused dump)"
	launch
	local pid
	pid=$(pid_of "$ID")
	ocirun checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status nonzero
	assert_output_contains "criu"
	[ "$(status_of "$ID")" = running ] || fail "the container is '$(status_of "$ID")'"
	[ "$(pid_of "$ID")" = "$pid" ] && proc_alive "$pid" || fail "the init changed or died"
}

@test "a counter is checkpointed, removed, restored and counts on" {
	requires_working_criu
	mkdir -p "$BATS_TEST_TMPDIR/data"
	update_config '.mounts += [{"destination": "/data", "type": "bind", "source": $d, "options": ["rbind"]}]' \
		--arg d "$BATS_TEST_TMPDIR/data"
	set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i >> /data/log; sleep 0.2; done'
	# The container's stdio is /dev/null: CRIU cannot dump a host file outside its mounts.
	rt create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 || fail "create failed"
	rt start "$ID" </dev/null >/dev/null 2>&1 || fail "start failed"
	wait_for_file "$BATS_TEST_TMPDIR/data/log"
	ocirun checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	assert_status 0
	[ -z "$(status_of "$ID")" ] || fail "the container is still there after checkpoint"
	local n i
	n=$(wc -l <"$BATS_TEST_TMPDIR/data/log")
	rt restore -d --bundle "$BUNDLE" --image-path "$BATS_TEST_TMPDIR/img" "$ID" </dev/null >/dev/null 2>&1 ||
		fail "restore failed: $(tail -n 5 "$BATS_TEST_TMPDIR/img/restore.log")"
	wait_for_status "$ID" running
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ "$(wc -l <"$BATS_TEST_TMPDIR/data/log")" -gt $((n + 2)) ] && break
		sleep 0.1
	done
	[ "$(wc -l <"$BATS_TEST_TMPDIR/data/log")" -gt $((n + 2)) ] || fail "the counter did not go on after $n"
	awk '$1 != NR { exit 1 }' "$BATS_TEST_TMPDIR/data/log" || fail "the counter restarted or skipped"
}
