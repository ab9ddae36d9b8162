#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# SCMP_ACT_NOTIFY: the runtime hands the filter's listener to the seccomp agent at
# linux.seccomp.listenerPath with the container process state (runc's wire format), and the
# agent decides the notified syscalls. The agent is tests/integration/seccomp_agent.c: it
# fakes a mkdir of one path (success, nothing made), fails the syscalls given with -e, lets
# every other one through, and keeps what it received in $AGENT_DIR (state-N.json, log).
# What is checked is what a user sees: the container's exit status and output, the files in its
# rootfs, and the messages as the agent got them.
#
# runc runs these too (OCIRUN=/usr/sbin/runc), except where a test says it is ocirun's wording.

load helpers

setup() {
	setup_bundle
	SECCOMP_AGENT=${SECCOMP_AGENT:-$BUILD_ROOT/tests/integration/seccomp_agent}
	[ -x "$SECCOMP_AGENT" ] || skip "no seccomp agent at $SECCOMP_AGENT (built only with libseccomp)"
	update_config '.root.readonly = false'
	AGENT_DIR=$BATS_TEST_TMPDIR/agent
	AGENT_SOCK=$AGENT_DIR/agent.sock
	AGENT_PID=
	mkdir -p "$AGENT_DIR"
}

teardown() {
	stop_agent
	teardown_bundle
}

# start_agent [AGENT-OPTIONS...]: the agent on $AGENT_SOCK (or -s given here), in the background.
start_agent() {
	local sock=$AGENT_SOCK i
	"$SECCOMP_AGENT" -s "$sock" -o "$AGENT_DIR" "$@" 3>&- &
	AGENT_PID=$!
	for ((i = 0; i < WAIT_TRIES; i++)); do
		grep -qx listening "$AGENT_DIR/log" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "the seccomp agent did not start"
}

stop_agent() {
	[ -z "${AGENT_PID:-}" ] || kill "$AGENT_PID" 2>/dev/null || true
	[ -z "${AGENT_PID:-}" ] || wait "$AGENT_PID" 2>/dev/null || true
	AGENT_PID=
}

# notify_profile SYSCALLS-JSON-ARRAY [LISTENER-PATH]: notify rules for those syscalls.
notify_profile() {
	update_config '.linux.seccomp = {
		defaultAction: "SCMP_ACT_ALLOW",
		listenerPath: $path,
		listenerMetadata: ("meta-" + $tag),
		architectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_X86_64"],
		syscalls: [{names: $names, action: "SCMP_ACT_NOTIFY"}]
	}' --argjson names "$1" --arg path "${2-$AGENT_SOCK}" --arg tag "$TAG"
}

# agent_ok: the agent found nothing wrong with what it received.
agent_ok() {
	cat "$AGENT_DIR/log"
	! grep -q '^BAD' "$AGENT_DIR/log" || fail "the agent refused a message"
}

# state_field N JQ-FILTER: a field of the N-th message the agent got.
state_field() {
	jq -r "$2" "$AGENT_DIR/state-$1.json"
}

FAKE_MKDIR='mkdir /faked && echo made; [ -e /faked ] || echo absent; mkdir /real && echo real'

check_faked_mkdir() {
	assert_status 0
	assert_output_contains made
	assert_output_contains absent
	assert_output_contains real
	# the agent answered for /faked and let /real through
	[ ! -e "$BUNDLE/rootfs/faked" ]
	[ -d "$BUNDLE/rootfs/real" ]
	grep -qx 'fake mkdir /faked' "$AGENT_DIR/log"
	agent_ok
}

@test "notify: the agent answers mkdir (noNewPrivileges true)" {
	start_agent -m /faked
	notify_profile '["mkdir", "mkdirat"]'
	update_config '.process.noNewPrivileges = true'
	run_in_container "$FAKE_MKDIR"
	check_faked_mkdir
}

@test "notify: the agent answers mkdir (noNewPrivileges false)" {
	start_agent -m /faked
	notify_profile '["mkdir", "mkdirat"]'
	update_config '.process.noNewPrivileges = false'
	run_in_container "$FAKE_MKDIR"
	check_faked_mkdir
}

@test "notify: the container process state the agent gets (init)" {
	start_agent
	notify_profile '["mkdir", "mkdirat"]'
	update_config '.annotations = {"org.example.key": "value"}'
	set_args sleep 1000
	create_ok
	pid=$(pid_of "$ID")
	wait_for_file "$AGENT_DIR/state-1.json"
	cat "$AGENT_DIR/state-1.json"
	agent_ok
	[ ! -e "$AGENT_DIR/state-2.json" ]
	[ "$(state_field 1 .ociVersion)" != null ]
	[ "$(jq -c .fds "$AGENT_DIR/state-1.json")" = '["seccompFd"]' ]
	[ "$(state_field 1 .pid)" = "$pid" ]
	[ "$(state_field 1 .metadata)" = "meta-$TAG" ]
	[ "$(state_field 1 .state.ociVersion)" != null ]
	[ "$(state_field 1 .state.id)" = "$ID" ]
	[ "$(state_field 1 .state.status)" = creating ]
	[ "$(state_field 1 .state.pid)" = "$pid" ]
	[ "$(state_field 1 .state.bundle)" = "$BUNDLE" ]
	[ "$(state_field 1 '.state.annotations["org.example.key"]')" = value ]
	# the runtime keeps no copy of the listener: only the agent and the init hold the filter
	! ls -l /proc/"$pid"/fd | grep -q 'seccomp notify' || fail "the init kept the listener"
}

@test "notify: exec processes get a listener of their own, with the exec pid" {
	start_agent -m /faked
	notify_profile '["mkdir", "mkdirat"]'
	set_args sleep 1000
	launch
	init=$(pid_of "$ID")
	ocirun exec --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sh -c "$FAKE_MKDIR"
	check_faked_mkdir
	wait_for_file "$AGENT_DIR/state-2.json"
	cat "$AGENT_DIR/state-2.json"
	[ "$(state_field 2 .pid)" = "$(cat "$BATS_TEST_TMPDIR/exec.pid")" ]
	[ "$(state_field 2 .pid)" != "$init" ]
	[ "$(state_field 2 .state.pid)" = "$init" ]
	[ "$(state_field 2 .state.status)" = running ]
	[ "$(state_field 2 .state.id)" = "$ID" ]
	[ "$(state_field 2 .metadata)" = "meta-$TAG" ]
}

@test "notify: an errno chosen by the agent reaches the process" {
	# 123 is ENOMEDIUM, "No medium found": nothing else would make chmod fail so
	start_agent -e chmod=123 -e fchmodat=123
	notify_profile '["chmod", "fchmod", "fchmodat"]'
	run_in_container 'touch /f && chmod 777 /f'
	assert_status nonzero
	assert_output_contains "No medium found"
	grep -q '^errno fchmodat 123$\|^errno chmod 123$' "$AGENT_DIR/log"
	agent_ok
}

@test "notify: syscalls of the runtime's own last steps may be notified" {
	# after the filter is loaded the init still closes the listener, waits for the runtime's
	# answer, opens exec.fifo and execs: the agent lets them through, and the container runs
	start_agent
	notify_profile '["execve", "openat", "open", "read", "close", "fcntl", "recvfrom", "recvmsg"]'
	update_config '.process.noNewPrivileges = false'
	set_args true
	ocirun run "$ID"
	assert_status 0
	grep -qx 'continue execve' "$AGENT_DIR/log"
	agent_ok
}

@test "notify: an abstract socket as listenerPath" {
	AGENT_SOCK=@ocirun-agent-$TAG
	start_agent -m /faked
	notify_profile '["mkdir", "mkdirat"]'
	run_in_container "$FAKE_MKDIR"
	check_faked_mkdir
}

@test "notify: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV and _LOG with a listener" {
	rt features | jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")' ||
		skip "the kernel lacks SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19)"
	start_agent -m /faked
	notify_profile '["mkdir", "mkdirat"]'
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_LOG"]'
	run_in_container "$FAKE_MKDIR"
	check_faked_mkdir
}

@test "notify: once the agent is gone, notified syscalls fail with ENOSYS" {
	start_agent
	notify_profile '["mkdir", "mkdirat"]'
	set_args sh -c 'until [ -e /go ]; do sleep 0.1; done; mkdir /late 2>/out; echo "rc=$?" >>/out'
	launch
	stop_agent
	touch "$BUNDLE/rootfs/go"
	wait_for_file "$BUNDLE/rootfs/out"
	for ((i = 0; i < WAIT_TRIES; i++)); do
		grep -q rc= "$BUNDLE/rootfs/out" && break
		sleep 0.05
	done
	cat "$BUNDLE/rootfs/out"
	grep -q "Function not implemented" "$BUNDLE/rootfs/out"
	grep -q "rc=1" "$BUNDLE/rootfs/out"
	[ ! -e "$BUNDLE/rootfs/late" ]
}

@test "notify: no agent listening fails create, naming the socket, and leaves nothing" {
	notify_profile '["mkdir"]' "$BATS_TEST_TMPDIR/nobody.sock"
	snapshot before
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_output_contains "failed to connect with seccomp agent"
	assert_output_contains "$BATS_TEST_TMPDIR/nobody.sock" # ocirun's wording
	snapshot after
	assert_nothing_left before after

	# the same with exec: the process is not started
	update_config '.linux.seccomp.listenerPath = $p' --arg p "$AGENT_SOCK"
	start_agent
	set_args sleep 1000
	launch
	stop_agent
	ocirun exec "$ID" sh -c 'touch /exec-ran'
	assert_status nonzero
	assert_output_contains "failed to connect with seccomp agent"
	# the command never ran: the process waits for the runtime's word that the agent has it
	[ ! -e "$BUNDLE/rootfs/exec-ran" ]
}

@test "notify: listenerPath without a notify rule is ignored, as runc does" {
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		listenerPath: "/nonexistent/agent.sock", listenerMetadata: "x"}'
	run_in_container 'mkdir /d && echo made'
	assert_status 0
	assert_output_contains made
}

@test "notify: profiles the runtime cannot serve are refused before anything is made" {
	start_agent
	# ocirun's wording; runc says "seccomp listenerPath is not set"
	notify_profile '["mkdir"]' ""
	refused "linux.seccomp.listenerPath: not set"

	# the runtime needs these to hand the listener over (runc refuses "write" likewise)
	notify_profile '["getpid", "sendmsg"]'
	refused 'linux.seccomp.syscalls[0].names[1]' "SCMP_ACT_NOTIFY cannot be used for \"sendmsg\""
	notify_profile '["write"]'
	refused "SCMP_ACT_NOTIFY cannot be used for \"write\""

	update_config '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY"'
	refused "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"
	[ ! -e "$AGENT_DIR/state-1.json" ]
}
