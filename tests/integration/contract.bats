#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The client contract (../shared/CLIENTS.md) points that no other suite checks directly: the
# spellings go-runc and conmon use, what `state` and `kill --all` say about a stopped
# container, where --debug output goes, and systemd's socket activation.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "short flags: create -b, list -q -f, ps -f, kill -a, delete -f, exec -d -e -u" {
	set_args sleep 1000
	ocirun create -b "$BUNDLE" "$ID"
	assert_status 0
	start_ok
	ocirun list -q
	assert_status 0
	[ "$output" = "$ID" ] || fail "list -q printed '$output'"
	ocirun list -f json
	assert_status 0
	jq -e --arg id "$ID" '.[0].id == $id' <<<"$output"
	ocirun ps -f json "$ID"
	assert_status 0
	jq -e --argjson pid "$(pid_of "$ID")" 'index($pid) != null' <<<"$output"
	ocirun exec -d "$ID" sh -c 'echo detached >/dev/shm/short'
	assert_status 0
	wait_for_file "/proc/$(pid_of "$ID")/root/dev/shm/short"
	ocirun exec -e MARK=short -u 7:8 "$ID" sh -c 'echo "$MARK $(id -u):$(id -g)"'
	assert_status 0
	[ "$output" = "short 7:8" ] || fail "exec -e -u printed '$output'"
	ocirun kill -a "$ID" KILL
	assert_status 0
	wait_for_status "$ID" stopped
	ocirun delete -f "$ID"
	assert_status 0
	[ ! -e "$ROOT/$ID" ] || fail "delete -f left $ROOT/$ID"
}

@test "go-runc's single-dash -no-subreaper and repeated booleans are accepted" {
	set_args sh -c 'exit 3'
	ocirun run -no-subreaper --no-pivot=false --keep --keep "$ID"
	assert_status 3
	[ "$(status_of "$ID")" = stopped ] || fail "--keep given twice did not keep the state"
	ocirun delete --force --force "$ID"
	assert_status 0
}

@test "--rootless takes true, false or auto and refuses anything else, naming it" {
	for value in true false auto; do
		ocirun --rootless="$value" list -q
		assert_status 0
	done
	ocirun --rootless=maybe list
	assert_status nonzero
	assert_output_contains "maybe"
}

@test "state of a stopped container: status stopped and pid 0" {
	set_args true
	create_ok
	[ "$(pid_of "$ID")" -gt 0 ] || fail "a created container must report its pid"
	ocirun start "$ID"
	assert_status 0
	wait_for_status "$ID" stopped
	ocirun state "$ID"
	assert_status 0
	[ -z "$stderr" ] || fail "state wrote on stderr: $stderr"
	jq -e '.status == "stopped" and .pid == 0' <<<"$output"
}

@test "kill --all of a stopped container succeeds, as runc's does; kill without it does not" {
	set_args true
	create_ok
	ocirun start "$ID"
	assert_status 0
	wait_for_status "$ID" stopped
	ocirun kill --all "$ID" KILL
	assert_status 0
	ocirun kill "$ID" KILL
	assert_status nonzero
	assert_output_contains "container not running"
}

@test "--debug: the debug lines go to stderr or the log, never to stdout" {
	set_args sleep 1000
	ocirun --debug create --bundle "$BUNDLE" "$ID"
	assert_status 0
	[ ! -s "$CTR_STDOUT" ] || fail "create --debug wrote on stdout: $(cat "$CTR_STDOUT")"
	[[ "$stderr" == *"create $ID"* ]] || fail "no debug line on stderr"
	ocirun --debug --log "$BATS_TEST_TMPDIR/debug.log" --log-format json create --bundle "$BUNDLE" "$ID-2"
	assert_status 0
	[ ! -s "$CTR_STDOUT" ] || fail "create --debug --log wrote on stdout: $(cat "$CTR_STDOUT")"
	jq -se 'map(select(.level == "debug")) | length > 0' "$BATS_TEST_TMPDIR/debug.log" >/dev/null ||
		fail "no debug record in the log"
	ocirun --debug state "$ID"
	assert_status 0
	jq -e --arg id "$ID" '.id == $id' "$CTR_STDOUT" >/dev/null || fail "state's stdout is not its JSON alone"
}

@test "socket activation: LISTEN_FDS for the runtime's own pid passes the fds and the variables on" {
	set_args sh -c 'echo "$LISTEN_FDS $LISTEN_PID" >/dev/shm/listen; cat <&3 >/dev/shm/fd3; sleep 1000'
	echo "from the listener" >"$BATS_TEST_TMPDIR/activation"
	_ocirun_start create "$ID"
	status=0
	# exec keeps the shell's pid, so LISTEN_PID names the runtime's own process as systemd's would
	rt_env sh -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$@"' sh \
		"$OCIRUN" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
		3<"$BATS_TEST_TMPDIR/activation" </dev/null >"$CTR_STDOUT" 2>"$CTR_STDERR" || status=$?
	_ocirun_finish
	assert_status 0
	start_ok
	root=/proc/$(pid_of "$ID")/root
	wait_for_file "$root/dev/shm/fd3"
	[ "$(cat "$root/dev/shm/listen")" = "1 1" ] || fail "LISTEN_FDS LISTEN_PID inside: $(cat "$root/dev/shm/listen")"
	[ "$(cat "$root/dev/shm/fd3")" = "from the listener" ] || fail "fd 3 inside: $(cat "$root/dev/shm/fd3")"
}

@test "socket activation: LISTEN_FDS meant for another process is ignored" {
	set_args sh -c 'echo "${LISTEN_FDS:-unset}" >/dev/shm/listen; [ -e /proc/1/fd/3 ] && echo fd3 >/dev/shm/fds || echo none >/dev/shm/fds; sleep 1000'
	_ocirun_start create "$ID"
	status=0
	rt_env LISTEN_PID=1 LISTEN_FDS=1 "$OCIRUN" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
		3</dev/null </dev/null >"$CTR_STDOUT" 2>"$CTR_STDERR" || status=$?
	_ocirun_finish
	assert_status 0
	start_ok
	root=/proc/$(pid_of "$ID")/root
	wait_for_file "$root/dev/shm/fds"
	[ "$(cat "$root/dev/shm/listen")" = unset ] || fail "LISTEN_FDS inside: $(cat "$root/dev/shm/listen")"
	[ "$(cat "$root/dev/shm/fds")" = none ] || fail "fd 3 reached the container"
}
