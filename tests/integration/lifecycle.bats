#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# create / start / state / kill / delete / run / list, as containerd and Podman use them.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
}

teardown() {
	teardown_bundle
}

@test "create: the container is created and its process waits on the exec fifo" {
	ocirun create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_status 0
	[ "$(status_of "$ID")" = created ]

	pid=$(pid_of "$ID")
	[ "$pid" -gt 0 ]
	proc_alive "$pid"
	# blocked opening the fifo for writing, not yet running the entrypoint
	[ "$(cat "/proc/$pid/wchan")" = wait_for_partner ]
	[[ "$(proc_cmdline "$pid")" != "sleep 1000" ]]

	# the pid file holds the same pid: decimal digits only, no newline (go-runc's Atoi)
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$pid" ]
	[[ "$(cat "$BATS_TEST_TMPDIR/pid"; echo .)" =~ ^[0-9]+\.$ ]]
}

@test "state: the runtime-spec fields and runc's extras" {
	update_config '.annotations = {"org.example.key": "value"}'
	create_ok
	ocirun state "$ID"
	assert_status 0
	[ -z "$stderr" ]
	jq -e --arg id "$ID" --arg bundle "$BUNDLE" '
		(.ociVersion | type == "string") and .id == $id and .status == "created" and
		(.pid | type == "number") and .pid > 0 and .bundle == $bundle and
		.rootfs == $bundle + "/rootfs" and
		(.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$")) and
		(.owner | type == "string")' <<<"$output"
}

@test "start: the entrypoint runs in new pid, net, ipc, uts and mount namespaces" {
	create_ok
	pid=$(pid_of "$ID")
	start_ok
	[ "$(pid_of "$ID")" = "$pid" ]
	[ "$(proc_cmdline "$pid")" = "sleep 1000" ]
	for ns in pid net ipc uts mnt; do
		[ "$(ns_of "$pid" "$ns")" != "$(ns_of self "$ns")" ] || fail "$ns namespace is the host's"
	done
}

@test "kill: the container stops; delete removes its state" {
	launch
	pid=$(pid_of "$ID")
	ocirun kill "$ID" KILL
	assert_status 0
	wait_for_status "$ID" stopped
	wait_until_dead "$pid"
	[ "$(pid_of "$ID")" -eq 0 ]

	ocirun delete "$ID"
	assert_status 0
	[ ! -e "$ROOT/$ID" ]
	ocirun state "$ID"
	assert_status nonzero
	assert_output_contains "container does not exist"
}

@test "run: exits with the container's exit status" {
	set_args sh -c 'exit 3'
	ocirun run "$ID"
	assert_status 3
	[ ! -e "$ROOT/$ID" ]
}

@test "run: a container killed by a signal gives 128+N" {
	ocirun_bg run "$ID"
	wait_for_status "$ID" running
	rt kill "$ID" KILL
	ocirun_wait
	assert_status 137
}

@test "run: the container's stdout and stderr are the runtime's" {
	set_args sh -c 'echo out; echo err >&2'
	ocirun run "$ID"
	assert_status 0
	[ "$(cat "$CTR_STDOUT")" = out ]
	[ "$(cat "$CTR_STDERR")" = err ]
}

@test "run: while it waits, the state directory and state are as after create and start" {
	ocirun_bg run "$ID"
	wait_for_status "$ID" running
	[ "$(ls "$ROOT/$ID" | tr '\n' ' ')" = "config.json state.json " ] || fail "$(ls -l "$ROOT/$ID")"
	# run holds no lock while it waits: state, kill and delete --force from elsewhere get in.
	rt delete --force "$ID"
	ocirun_wait
	assert_status 137
	[ ! -s "$CTR_STDERR" ] || fail "run: $(cat "$CTR_STDERR")"
	[ ! -e "$ROOT/$ID" ]
}

@test "run --detach: returns while the container runs" {
	ocirun run --detach "$ID"
	assert_status 0
	[ "$(status_of "$ID")" = running ]
	proc_alive "$(pid_of "$ID")"
}

@test "run --keep: the state of the exited container stays until delete" {
	set_args true
	ocirun run --keep "$ID"
	assert_status 0
	[ "$(status_of "$ID")" = stopped ]
	ocirun delete "$ID"
	assert_status 0
	[ ! -e "$ROOT/$ID" ]
}

@test "create: a second create with the same ID fails and leaves the first intact" {
	create_ok
	pid=$(pid_of "$ID")
	start=$(proc_starttime "$pid")

	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	[ "$(status_of "$ID")" = created ]
	[ "$(pid_of "$ID")" = "$pid" ]
	proc_alive "$pid" "$start"
	start_ok
}

# runc 1.1.5 sometimes fails both creates here ("unable to store init state" / "file exists").
@test "create: of two concurrent creates with the same ID exactly one wins" {
	ocirun_bg create --bundle "$BUNDLE" "$ID"
	first_pid=$BG_PID first_out=$BG_STDOUT first_err=$BG_STDERR
	ocirun_bg create --bundle "$BUNDLE" "$ID"
	ocirun_wait
	second=$status
	BG_PID=$first_pid BG_STDOUT=$first_out BG_STDERR=$first_err
	ocirun_wait
	first=$status

	[ $((first == 0)) -ne $((second == 0)) ] || fail "exit statuses $first and $second"
	[ "$(status_of "$ID")" = created ]
	start_ok
	[ "$(proc_cmdline "$(pid_of "$ID")")" = "sleep 1000" ]
}

@test "start: a stopped container cannot be started" {
	set_args true
	create_ok
	ocirun start "$ID"
	assert_status 0
	wait_for_status "$ID" stopped
	ocirun start "$ID"
	assert_status nonzero
	assert_output_contains "cannot start a container that has stopped"
}

@test "start: a running container cannot be started again" {
	launch
	ocirun start "$ID"
	assert_status nonzero
	assert_output_contains "cannot start an already running container"
}

@test "delete: a running container is refused without --force" {
	launch
	pid=$(pid_of "$ID")
	ocirun delete "$ID"
	assert_status nonzero
	assert_output_contains "cannot delete container $ID that is not stopped: running"
	[ "$(status_of "$ID")" = running ]
	proc_alive "$pid"
}

@test "delete --force: kills a running container and removes it" {
	launch
	pid=$(pid_of "$ID")
	ocirun delete --force "$ID"
	assert_status 0
	wait_until_dead "$pid"
	[ ! -e "$ROOT/$ID" ]
}

@test "delete: a created container's waiting process is killed" {
	create_ok
	pid=$(pid_of "$ID")
	start=$(proc_starttime "$pid")
	ocirun delete "$ID"
	assert_status 0
	wait_until_dead "$pid" "$start"
	[ ! -e "$ROOT/$ID" ]
}

@test "delete --force: an unknown ID is not an error" {
	ocirun delete --force "$ID"
	assert_status 0
}

@test "state, kill, delete, start: an unknown ID gives 'container does not exist'" {
	for cmd in state kill delete start; do
		ocirun "$cmd" "$ID"
		assert_status nonzero
		assert_output_contains "container does not exist"
	done
}

@test "kill: a stopped container gives 'container not running'" {
	set_args true
	create_ok
	ocirun start "$ID"
	assert_status 0
	wait_for_status "$ID" stopped
	ocirun kill "$ID" KILL
	assert_status nonzero
	assert_output_contains "container not running"
}

@test "kill: the signal is accepted as KILL, SIGKILL and 9" {
	for sig in KILL SIGKILL 9; do
		id=$ID-$sig
		launch "$id"
		pid=$(pid_of "$id")
		ocirun kill "$id" "$sig"
		assert_status 0
		wait_for_status "$id" stopped
		wait_until_dead "$pid"
		ocirun delete "$id"
		assert_status 0
	done
}

@test "kill: without a signal sends TERM, which a shell as pid 1 can trap" {
	set_args sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
	ocirun_bg run "$ID"
	wait_for_status "$ID" running
	ocirun kill "$ID"
	assert_status 0
	ocirun_wait
	assert_status 42
}

@test "kill: an unknown signal name is refused" {
	launch
	ocirun kill "$ID" NOSUCHSIG
	assert_status nonzero
	[ "$(status_of "$ID")" = running ]
}

@test "list: table, JSON and IDs only" {
	create_ok "$ID-a"
	launch "$ID-b"

	ocirun list
	assert_status 0
	[ "$(squeeze "${lines[0]}")" = "ID PID STATUS BUNDLE CREATED OWNER" ]
	[ "${#lines[@]}" -eq 3 ]
	row=$(printf '%s\n' "${lines[@]}" | awk -v id="$ID-a" '$1 == id { print $1, $2, $3, $4 }')
	[ "$row" = "$ID-a $(pid_of "$ID-a") created $BUNDLE" ]
	row=$(printf '%s\n' "${lines[@]}" | awk -v id="$ID-b" '$1 == id { print $1, $2, $3, $4 }')
	[ "$row" = "$ID-b $(pid_of "$ID-b") running $BUNDLE" ]

	ocirun list --format json
	assert_status 0
	jq -e --arg a "$ID-a" --arg b "$ID-b" '
		type == "array" and length == 2 and
		([.[] | {id, status}] | sort_by(.id)) == [{id: $a, status: "created"}, {id: $b, status: "running"}]' <<<"$output"

	ocirun list -q
	assert_status 0
	[ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "$ID-a $ID-b " ]
}

# runc prints `null` for an empty list in JSON: fails with OCIRUN=runc.
@test "list: an empty root prints the header only; --format json prints an empty array" {
	ocirun list
	assert_status 0
	[ "${#lines[@]}" -eq 1 ]
	ocirun list --format json
	assert_status 0
	jq -e 'type == "array" and length == 0' <<<"$output"
}

# reuse_pid PID: starts a host process (tagged, so teardown kills it) that gets PID, by setting
# the kernel's last pid just before the fork; sets REUSED_PID. Fails when other processes on
# the host keep taking the pid first.
reuse_pid() {
	local want=$1 i
	[ -w /proc/sys/kernel/ns_last_pid ] || return 1
	for ((i = 0; i < 50; i++)); do
		echo $((want - 1)) >/proc/sys/kernel/ns_last_pid || return 1
		env OCIRUN_TEST_TAG="$TAG" sleep 1000 3>&- &
		if [ $! -eq "$want" ]; then
			REUSED_PID=$!
			return 0
		fi
		kill $!
	done
	return 1
}

@test "state, kill: a pid reused by a host process after the container exited is not the container" {
	set_args true
	ocirun run --keep --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_status 0
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(status_of "$ID")" = stopped ]
	[ -z "$(proc_state "$pid")" ] || skip "pid $pid is still taken (an unreaped zombie)"

	reuse_pid "$pid" || skip "could not get pid $pid again (ns_last_pid not writable or a busy host)"
	[ "$(status_of "$ID")" = stopped ]
	ocirun kill "$ID" KILL
	assert_status nonzero
	assert_output_contains "container not running"
	proc_alive "$REUSED_PID"
}

# What a crash or a delete in progress can leave in the root: a directory without state.json,
# one with a state.json that does not parse, a file. list shows the containers that are whole.
@test "list: a half-removed or corrupt state directory is left out, and list still works" {
	launch "$ID-ok"
	mkdir "$ROOT/$ID-empty"
	mkdir "$ROOT/$ID-bad"
	printf '{"ociVersion": "1.0.2", "id": ' >"$ROOT/$ID-bad/state.json"
	: >"$ROOT/$ID-file"

	ocirun list
	assert_status 0
	[ "${#lines[@]}" -eq 2 ]
	[ "$(awk 'NR == 2 { print $1, $3 }' "$CTR_STDOUT")" = "$ID-ok running" ]
	ocirun list --format json
	assert_status 0
	jq -e --arg id "$ID-ok" '[.[] | {id, status}] == [{id: $id, status: "running"}]' "$CTR_STDOUT"

	ocirun state "$ID-empty"
	assert_status 1
	assert_output_contains "container does not exist"
	ocirun state "$ID-bad"
	assert_status 1
	assert_output_contains "state.json"
	rm "$ROOT/$ID-file"
}

# state and list read the freezer's file alone (not every directory of the record); it must
# still be a cgroup file: a record pointing the freezer elsewhere does not make it paused.
@test "state: a freezer directory in state.json that is not a cgroup does not read as paused" {
	launch
	fake=$BATS_TEST_TMPDIR/fake-cgroup
	mkdir "$fake"
	echo FROZEN >"$fake/freezer.state"
	echo 1 >"$fake/cgroup.freeze"
	cp "$ROOT/$ID/state.json" "$BATS_TEST_TMPDIR/state.json.orig"
	jq -c --arg d "$fake" '.cgroup |= with_entries(
		if (.key | split(",") | index("freezer")) or .key == "unified" then .value = $d else . end)' \
		"$BATS_TEST_TMPDIR/state.json.orig" >"$ROOT/$ID/state.json.new"
	mv "$ROOT/$ID/state.json.new" "$ROOT/$ID/state.json"
	jq -e --arg d "$fake" '[.cgroup[] | select(. == $d)] | length > 0' "$ROOT/$ID/state.json"

	ocirun state "$ID"
	status_now=$(jq -r .status "$CTR_STDOUT")
	ocirun list --format json
	list_now=$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' "$CTR_STDOUT")
	# Put the record back so that teardown's delete finds the container's real cgroup.
	cp "$BATS_TEST_TMPDIR/state.json.orig" "$ROOT/$ID/state.json"
	[ "$status_now" = running ]
	[ "$list_now" = running ]
}
