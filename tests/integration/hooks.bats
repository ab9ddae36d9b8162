#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Hooks: each stage runs at its point of the life cycle, in its namespaces, with the container's
# state on stdin; failures and timeouts fail the operation and leave nothing behind.
#
# runc 1.1 deviates from the runtime-spec in two places checked here, so with OCIRUN=runc these
# fail: it runs poststart hooks in `create` (with status "created"), and it stops at the first
# failing poststop hook.
#
# Hooks run /bin/sh; the host's for the stages run in the runtime's namespaces (and for
# createContainer, which runs in the container's mount namespace before pivot_root), busybox's
# for startContainer. They write what they see to $HOOKS on the host (bound at /hooks inside).

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
	HOOKS=$BATS_TEST_TMPDIR/hooks
	mkdir "$HOOKS"
	update_config '.mounts += [{"destination": "/hooks", "type": "bind", "source": $d, "options": ["rbind"]}]' \
		--arg d "$HOOKS"
}

teardown() {
	teardown_bundle
}

# hook CMD [TIMEOUT]: the JSON of a hook running `sh -c CMD`, tagged so that a hook process left
# running is found as the test's.
hook() {
	jq -cn --arg cmd "$1" --arg tag "OCIRUN_TEST_TAG=$TAG" --arg timeout "${2:-}" '
		{path: "/bin/sh", args: ["sh", "-c", $cmd], env: ["PATH=/usr/bin:/bin", $tag]}
		+ (if $timeout == "" then {} else {timeout: ($timeout | tonumber)} end)'
}

# set_hooks STAGE HOOK-JSON...: the hooks of one stage.
set_hooks() {
	local stage=$1
	shift
	update_config '.hooks[$s] = [$ARGS.positional[] | fromjson]' --arg s "$stage" --args -- "$@"
}

# check_state FILE STATUS PID: FILE holds the state JSON a hook got.
check_state() {
	jq -e --arg id "$ID" --arg bundle "$BUNDLE" --arg status "$2" --argjson pid "$3" '
		(.ociVersion | type == "string") and .id == $id and .bundle == $bundle and
		.status == $status and (.pid // 0) == $pid' "$1" ||
		fail "$(basename "$1"): $(cat "$1")"
}

@test "every stage gets the state on stdin with the status of its point in the life cycle" {
	for stage in createRuntime createContainer prestart poststart poststop; do
		set_hooks "$stage" "$(hook "cat >$HOOKS/$stage.json")"
	done
	set_hooks startContainer "$(hook "cat >/hooks/startContainer.json")"

	create_ok
	pid=$(pid_of "$ID")
	# runtime-spec runtime.md "State": the pid as seen by the runtime for hooks run in the
	# runtime namespace, as seen by the container (1) for hooks run in the container namespace
	check_state "$HOOKS/createRuntime.json" creating "$pid"
	check_state "$HOOKS/createContainer.json" creating 1
	# prestart gets "created" as crun gives it and the runtime-tools suite expects (runc: creating)
	check_state "$HOOKS/prestart.json" created "$pid"
	[ ! -e "$HOOKS/startContainer.json" ]
	[ ! -e "$HOOKS/poststart.json" ]

	start_ok
	check_state "$HOOKS/startContainer.json" created 1
	check_state "$HOOKS/poststart.json" running "$pid"
	[ ! -e "$HOOKS/poststop.json" ]

	ocirun kill "$ID" KILL
	wait_for_status "$ID" stopped
	[ ! -e "$HOOKS/poststop.json" ]
	ocirun delete "$ID"
	assert_status 0
	check_state "$HOOKS/poststop.json" stopped 0
}

@test "the state given to hooks carries the annotations" {
	update_config '.annotations = {"org.example.key": "value"}'
	set_hooks createRuntime "$(hook "cat >$HOOKS/state.json")"
	create_ok
	jq -e '.annotations["org.example.key"] == "value"' "$HOOKS/state.json"
}

@test "createRuntime and prestart run in the host's namespaces, createContainer and startContainer in the container's" {
	ns='for ns in mnt pid; do readlink /proc/self/ns/$ns; done'
	set_hooks createRuntime "$(hook "($ns) >$HOOKS/createRuntime")"
	set_hooks prestart "$(hook "($ns) >$HOOKS/prestart")"
	set_hooks createContainer "$(hook "readlink /proc/self/ns/mnt >$HOOKS/createContainer")"
	set_hooks startContainer "$(hook "($ns) >/hooks/startContainer")"
	launch
	pid=$(pid_of "$ID")
	host=$(printf '%s\n' "$(ns_of self mnt)" "$(ns_of self pid)")
	ctr=$(printf '%s\n' "$(ns_of "$pid" mnt)" "$(ns_of "$pid" pid)")
	[ "$(cat "$HOOKS/createRuntime")" = "$host" ]
	[ "$(cat "$HOOKS/prestart")" = "$host" ]
	[ "$(cat "$HOOKS/createContainer")" = "$(ns_of "$pid" mnt)" ]
	[ "$(cat "$HOOKS/startContainer")" = "$ctr" ]
}

@test "hooks of a stage run in order, with their own args and env" {
	update_config '.hooks.prestart = [
		{"path": "/bin/sh", "args": ["sh", "-c", "echo \"$0 $1 $FOO\" >>\($out)", "zero", "one"], "env": ["FOO=bar"]},
		{"path": "/bin/sh", "args": ["sh", "-c", "echo second >>\($out)"]},
		{"path": "/bin/sh", "args": ["sh", "-c", "env | grep -v ^PWD= | sort >\($env)"], "env": ["A=1", "B=2"]}]' \
		--arg out "$HOOKS/order" --arg env "$HOOKS/env"
	create_ok
	[ "$(cat "$HOOKS/order")" = "$(printf 'zero one bar\nsecond')" ]
	# only the hook's own environment, nothing of the runtime's
	[ "$(cat "$HOOKS/env")" = "$(printf 'A=1\nB=2')" ]
}

@test "a failing prestart hook fails create, stops the later hooks and leaves nothing" {
	update_config '.hooks.prestart = [{"path": "/bin/false"}]'
	update_config '.hooks.prestart += [$h]' --argjson h "$(hook "touch $HOOKS/after")"
	snapshot before
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	[ ! -e "$HOOKS/after" ]
	snapshot after
	assert_nothing_left before after
}

@test "a hook that runs past its timeout is killed and fails create" {
	set_hooks createRuntime "$(hook "echo \$\$ >$HOOKS/pid; exec sleep 1000" 1)"
	snapshot before
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	hook_pid=$(cat "$HOOKS/pid")
	wait_until_dead "$hook_pid"
	snapshot after
	assert_nothing_left before after
}

@test "poststop runs on delete of a container that exited" {
	set_args true
	set_hooks poststop "$(hook "cat >$HOOKS/poststop.json")"
	create_ok
	ocirun start "$ID"
	assert_status 0
	wait_for_status "$ID" stopped
	[ ! -e "$HOOKS/poststop.json" ]
	ocirun delete "$ID"
	assert_status 0
	check_state "$HOOKS/poststop.json" stopped 0
}

@test "poststop runs when run's container exits" {
	set_args true
	set_hooks poststop "$(hook "cat >$HOOKS/poststop.json")"
	ocirun run "$ID"
	assert_status 0
	check_state "$HOOKS/poststop.json" stopped 0
}

@test "run: poststart gets the running state before poststop gets the stopped one" {
	set_args true
	set_hooks poststart "$(hook "cat >$HOOKS/poststart.json; echo poststart >>$HOOKS/order")"
	set_hooks poststop "$(hook "cat >$HOOKS/poststop.json; echo poststop >>$HOOKS/order")"
	ocirun run --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_status 0
	check_state "$HOOKS/poststart.json" running "$(cat "$BATS_TEST_TMPDIR/pid")"
	check_state "$HOOKS/poststop.json" stopped 0
	[ "$(cat "$HOOKS/order" | tr '\n' ' ')" = "poststart poststop " ] || fail "$(cat "$HOOKS/order")"
	[ ! -e "$ROOT/$ID" ]
}

# runtime-spec runtime.md "Lifecycle" step 13: a failing poststop hook is a warning, "the
# remaining hooks and lifecycle continue as if the hook had succeeded"
@test "a failing poststop hook does not stop delete or the other poststop hooks" {
	set_args true
	update_config '.hooks.poststop = [{"path": "/bin/false"}]'
	update_config '.hooks.poststop += [$h]' --argjson h "$(hook "touch $HOOKS/after")"
	create_ok
	ocirun start "$ID"
	assert_status 0
	wait_for_status "$ID" stopped
	ocirun delete "$ID"
	assert_status 0
	[ ! -e "$ROOT/$ID" ]
	[ -e "$HOOKS/after" ]
}

# `state` and `list` only read: they take no lock, so a create whose hook is still running
# holds neither. Until create has written state.json the container does not exist for them,
# as with runc (which also says so on stderr in `list`; ocirun leaves it out silently).
@test "list and state do not wait for a create whose createRuntime hook still runs" {
	launch "$ID-other"
	mkfifo "$HOOKS/go"
	set_hooks createRuntime "$(hook "echo \$\$ >$HOOKS/running; read x <$HOOKS/go")"
	ocirun_bg create --bundle "$BUNDLE" "$ID"
	wait_for_file "$HOOKS/running"

	# Blocked behind the hook, these would be killed after RT_TIMEOUT and fail.
	RT_TIMEOUT=30 ocirun list --quiet
	assert_status 0
	[ "$(cat "$CTR_STDOUT")" = "$ID-other" ]
	RT_TIMEOUT=30 ocirun list --format json
	assert_status 0
	jq -e --arg o "$ID-other" '[.[].id] == [$o]' "$CTR_STDOUT"
	RT_TIMEOUT=30 ocirun state "$ID"
	assert_status 1
	assert_output_contains "container does not exist"
	RT_TIMEOUT=30 ocirun state "$ID-other"
	assert_status 0
	jq -e '.status == "running"' "$CTR_STDOUT"

	echo go >"$HOOKS/go"
	ocirun_wait
	assert_status 0
	[ "$(status_of "$ID")" = created ]
	ocirun list --quiet
	[ "$(sort "$CTR_STDOUT" | tr '\n' ' ')" = "$ID $ID-other " ]
}
