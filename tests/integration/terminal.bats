#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# process.terminal with --console-socket: the runtime sends the pty master over the socket (one
# message, one fd, a non-empty name) and the container's stdio is the pty's slave.
# console-receiver.py plays the caller (containerd, conmon).

load helpers

setup() {
	requires python3
	setup_bundle
	update_config '.process.terminal = true'
	SOCK=$BATS_TEST_TMPDIR/console.sock
	REPORT=$BATS_TEST_TMPDIR/console.json
}

teardown() {
	[ -z "${RECEIVER_PID:-}" ] || kill "$RECEIVER_PID" 2>/dev/null || true
	teardown_bundle
}

# start_receiver: listens on $SOCK in the background; the report goes to $REPORT.
start_receiver() {
	python3 "$CONSOLE_RECEIVER" "$SOCK" "$REPORT" </dev/null >"$BATS_TEST_TMPDIR/receiver.log" 2>&1 3>&- &
	RECEIVER_PID=$!
	local i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ -S "$SOCK" ] && return 0
		sleep 0.05
	done
	fail "the console receiver did not start: $(cat "$BATS_TEST_TMPDIR/receiver.log")"
}

# run_with_console CMD: runs `sh -c CMD` in a container with a terminal; waits for the receiver,
# which reads the terminal until the container is gone. Sets $console (what the container wrote).
run_with_console() {
	set_args sh -c "$1"
	start_receiver
	ocirun create --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_status 0
	ocirun start "$ID"
	assert_status 0
	wait "$RECEIVER_PID"
	RECEIVER_PID=
	cat "$REPORT"
	jq -e '.error == null' "$REPORT"
	console=$(jq -r .output "$REPORT" | tr -d '\r')
}

@test "the pty master arrives over --console-socket: one fd, a terminal, a name" {
	run_with_console 'echo hello'
	jq -e '.fds == 1 and .isatty == true and (.name | length > 0)' "$REPORT"
	[ "$console" = hello ]
}

@test "the container's stdin, stdout and stderr are the pty's slave, its controlling terminal" {
	run_with_console 'for fd in 0 1 2; do test -t $fd && echo "fd $fd tty"; done
		readlink /proc/self/fd/0
		[ "$(cut -d " " -f 7 /proc/self/stat)" != 0 ] && echo "has a controlling terminal"'
	[ "$(sed -n 1,3p <<<"$console")" = "$(printf 'fd 0 tty\nfd 1 tty\nfd 2 tty')" ]
	[[ "$(sed -n 4p <<<"$console")" == /dev/pts/* ]]
	[ "$(sed -n 5p <<<"$console")" = "has a controlling terminal" ]
}

@test "/dev/console is the container's terminal" {
	run_with_console 'stat -c "%F %t" /dev/console'
	# 0x88 = 136, the first Unix98 pty slave major
	[ "$console" = "character special file 88" ]
}

@test "consoleSize: the terminal starts with the configured size" {
	update_config '.process.consoleSize = {"height": 25, "width": 100}'
	run_with_console 'stty size'
	[ "$console" = "25 100" ]
}

@test "terminal without --console-socket is refused for create" {
	snapshot before
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	snapshot after
	assert_nothing_left before after
}

@test "--console-socket without terminal is refused" {
	update_config '.process.terminal = false'
	start_receiver
	snapshot before
	ocirun create --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	snapshot after
	assert_nothing_left before after
}

@test "a --console-socket path where nothing listens fails create cleanly" {
	snapshot before
	ocirun create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	snapshot after
	assert_nothing_left before after
}
