#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A PID 1 for containers: ocirun-init through `run --init` / `create --init`, and the same
# tests for other inits as the comparison. $INIT_UNDER_TEST is the init binary (default: the
# built ocirun-init); meson also runs this file with Debian's tini-static and catatonit.
# Where another init has no such option, the test skips and names the option; where it has
# the feature but behaves otherwise (found by running the test), the test skips with
# "DIFFERS: ..." saying how; run with INIT_DIFFERENCES=fail to see those tests fail instead.
#
# The init is put in front by `--init-path $INIT_UNDER_TEST` (PID 1, args "INIT -- ARGS"), or,
# for options --init does not pass (-g, -s, -p), bound by the test at /dev/init-under-test.

load helpers

INIT_UNDER_TEST=${INIT_UNDER_TEST:-$BUILD_ROOT/src/ocirun-init}
INIT_NAME=${INIT_NAME:-$(basename "$INIT_UNDER_TEST")}
BOUND_INIT=/dev/init-under-test

setup() {
	setup_bundle
	[ -x "$INIT_UNDER_TEST" ] || fail "INIT_UNDER_TEST=$INIT_UNDER_TEST is not an executable"
}

teardown() {
	teardown_bundle
}

# How the init is asked to be a subreaper: catatonit has no -s, it always is one when not PID 1.
SUBREAPER_FLAG=-s
[ "$INIT_NAME" != catatonit ] || SUBREAPER_FLAG=

# differs TOOL WHAT: for that init, the test is skipped as a known difference ("DIFFERS: ..."),
# reported in the TAP output and in the comparison's note rather than failed.
differs() {
	[ "$INIT_NAME" != "$1" ] || [ "${INIT_DIFFERENCES:-skip}" = fail ] || skip "DIFFERS: $1 $2"
}

# requires_option FLAG: skips when the init under test has no such option.
requires_option() {
	case "$INIT_NAME:$1" in
	catatonit:-p) skip "catatonit has no -p (parent-death signal)" ;;
	esac
}

# bind_init: mounts the init under test read-only at $BOUND_INIT, for running it by hand.
bind_init() {
	update_config '.mounts += [{destination: $dest, type: "bind", source: $src,
		options: ["bind", "ro", "nosuid", "nodev"]}]' --arg dest "$BOUND_INIT" --arg src "$INIT_UNDER_TEST"
}

# script NAME: writes stdin to /NAME in the rootfs, executable, with "#!/bin/sh" in front.
script() {
	{
		echo '#!/bin/sh'
		cat
	} >"$BUNDLE/rootfs/$1"
	chmod 0755 "$BUNDLE/rootfs/$1"
}

# orphan_script: /orphan.sh N, a process that is orphaned as soon as it runs (started as
# "(/orphan.sh N &)"; spawn_orphan below) and says who its parent is once it has changed.
orphan_script() {
	script orphan.sh <<'EOF'
parent() { while read -r key value; do [ "$key" != PPid: ] || echo "$value"; done </proc/$$/status; }
first=$(parent)
: >/dev/orphan-up.$1
while [ "$(parent)" = "$first" ]; do sleep 0.05; done
echo "orphan PPid: $(parent)"
EOF
}

# SPAWN_ORPHAN N: shell text that starts /orphan.sh N through a subshell that exits as soon as
# the orphan has read its first parent (so it cannot read the reaper already).
spawn_orphan() {
	echo "(/orphan.sh $1 & while [ ! -e /dev/orphan-up.$1 ]; do sleep 0.05; done)"
}

# wait_for_output TEXT: polls until the background call's stdout holds TEXT.
wait_for_output() {
	local i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		grep -qF -- "$1" "$BG_STDOUT" && return 0
		sleep 0.05
	done
	fail "'$1' did not appear on stdout: $(cat "$BG_STDOUT" "$BG_STDERR")"
}

# started_bg ARGS...: `run ARGS... $ID` in the background; returns when the process printed
# "ready", and sets $INIT_PID (the container's PID 1, seen from the host).
started_bg() {
	ocirun_bg run --bundle "$BUNDLE" "$@" "$ID"
	wait_for_output ready
	INIT_PID=$(pid_of "$ID")
}

# ns_pids PID: the host pids of every process in PID's pid namespace.
ns_pids() {
	local ns p
	ns=$(ns_of "$1" pid)
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
	done
	return 0
}

# zombie_children PID: the zombies among PID's children.
zombie_children() {
	local p
	for p in $(cat /proc/"$1"/task/*/children); do
		[ "$(proc_state "$p")" != Z ] || echo "$p"
	done
}

@test "init: the init is PID 1 and the process is its child, with the arguments as given" {
	set_args sh -c 'tr "\0" " " </proc/1/cmdline; echo; grep ^PPid: /proc/self/status' -x
	ocirun run --bundle "$BUNDLE" --init-path "$INIT_UNDER_TEST" "$ID"
	assert_status 0
	[[ "${lines[0]}" == "/dev/.ocirun-init -- sh -c "* ]] || fail "pid 1 is: ${lines[0]}"
	[[ "${lines[0]}" == *" -x " ]] || fail "the process's own arguments were not kept"
	[ "$(squeeze "${lines[1]}")" = "PPid: 1" ] || fail "${lines[1]}"
}

@test "init: zombies of a double-forking child are reaped" {
	# Five grandchildren whose parent exits at once: each is reparented to PID 1, says so on
	# stdout, and exits; only PID 1 can reap them.
	orphan_script
	script app.sh <<EOF
for i in 1 2 3 4 5; do $(spawn_orphan '$i'); done
echo ready
exec sleep 1000
EOF
	set_args /app.sh
	started_bg --init-path "$INIT_UNDER_TEST"
	local i orphans
	for ((i = 0; i < WAIT_TRIES; i++)); do
		orphans=$(grep -c "^orphan PPid:" "$BG_STDOUT" || true)
		[ "$orphans" -lt 5 ] || break
		sleep 0.05
	done
	[ "$orphans" -eq 5 ] || fail "only $orphans of 5 orphans reported"
	[ "$(grep -c "^orphan PPid:[[:space:]]*1$" "$BG_STDOUT")" -eq 5 ] ||
		fail "not all reparented to PID 1: $(cat "$BG_STDOUT")"
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ -n "$(zombie_children "$INIT_PID")" ] || break
		sleep 0.05
	done
	[ -z "$(zombie_children "$INIT_PID")" ] || fail "zombies left: $(zombie_children "$INIT_PID")"
	# nothing else is left in the container's /proc: only the init and sleep
	[ "$(ns_pids "$INIT_PID" | wc -l)" -eq 2 ] || fail "processes: $(ns_pids "$INIT_PID")"
	rt kill "$ID" KILL
	ocirun_wait
}

@test "init: SIGTERM to the container reaches the app, which exits as it chooses" {
	set_args sh -c 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done'
	started_bg --init-path "$INIT_UNDER_TEST"
	rt kill "$ID" TERM
	ocirun_wait
	assert_status 3
	assert_output_contains "got TERM"
}

@test "init: an app killed by the forwarded SIGTERM gives 143" {
	set_args sh -c 'echo ready; exec sleep 1000'
	started_bg --init-path "$INIT_UNDER_TEST"
	rt kill "$ID" TERM
	ocirun_wait
	assert_status 143
}

@test "init: the exit status of the process is passed on" {
	set_args sh -c 'exit 42'
	ocirun run --bundle "$BUNDLE" --init-path "$INIT_UNDER_TEST" "$ID"
	assert_status 42
	set_args true
	ocirun run --bundle "$BUNDLE" --init-path "$INIT_UNDER_TEST" "$ID"
	assert_status 0
}

@test "init: a process killed by signal N gives 128+N" {
	set_args sh -c 'kill -KILL $$'
	ocirun run --bundle "$BUNDLE" --init-path "$INIT_UNDER_TEST" "$ID"
	assert_status 137
	set_args sh -c 'kill -USR1 $$'
	ocirun run --bundle "$BUNDLE" --init-path "$INIT_UNDER_TEST" "$ID"
	assert_status 138
}

@test "init: a missing program gives 127" {
	differs catatonit "exits 1, not 127, when the program cannot be executed"
	set_args /no/such/program
	ocirun run --bundle "$BUNDLE" --init-path "$INIT_UNDER_TEST" "$ID"
	assert_status 127
}

@test "init: SIGTSTP is forwarded to the app and does not stop the init" {
	differs catatonit "ignores SIGTSTP (and SIGTTIN, SIGTTOU) instead of forwarding it"
	set_args sh -c 'echo ready; exec sleep 1000'
	started_bg --init-path "$INIT_UNDER_TEST"
	local app i
	app=$(ns_pids "$INIT_PID" | grep -vx "$INIT_PID")
	rt kill "$ID" TSTP
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ "$(proc_state "$app")" != T ] || break
		sleep 0.05
	done
	[ "$(proc_state "$app")" = T ] || fail "the app is '$(proc_state "$app")', not stopped"
	[ "$(proc_state "$INIT_PID")" != T ] || fail "the init itself is stopped"
	rt kill "$ID" CONT
	rt kill "$ID" KILL
	ocirun_wait
}

@test "init: with a terminal the app's process group is the terminal's foreground group" {
	requires python3
	update_config '.process.terminal = true'
	# field 5 of /proc/self/stat is the process group, field 8 the terminal's foreground group
	set_args sh -c 'echo "pgrp $(cut -d " " -f 5 /proc/self/stat) fg $(cut -d " " -f 8 /proc/self/stat)"'
	local sock=$BATS_TEST_TMPDIR/console.sock report=$BATS_TEST_TMPDIR/console.json
	python3 "$CONSOLE_RECEIVER" "$sock" "$report" </dev/null >"$BATS_TEST_TMPDIR/receiver.log" 2>&1 3>&- &
	local receiver=$! i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ -S "$sock" ] && break
		sleep 0.05
	done
	ocirun create --console-socket "$sock" --bundle "$BUNDLE" --init-path "$INIT_UNDER_TEST" "$ID"
	assert_status 0
	ocirun start "$ID"
	assert_status 0
	wait "$receiver"
	local console pgrp fg
	console=$(jq -r .output "$report" | tr -d '\r')
	read -r _ pgrp _ fg <<<"$console"
	[ -n "$pgrp" ] && [ "$pgrp" = "$fg" ] || fail "app not in the foreground group: $console"
	[ "$pgrp" != 1 ] || fail "the app is in the init's process group: $console"
}

@test "init -g: a signal reaches the app's whole process group" {
	bind_init
	# The app's background child is in its process group (sh -c has no job control).
	script app.sh <<'EOF'
sh -c 'trap "echo child got TERM; exit 0" TERM; echo child up; while :; do sleep 0.1; done' &
child=$!
trap 'echo parent got TERM' TERM
echo ready
wait $child
# the child may still be handling its own TERM
i=0
while kill -0 $child 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
EOF
	set_args "$BOUND_INIT" -g -- /app.sh
	started_bg
	wait_for_output "child up"
	rt kill "$ID" TERM
	ocirun_wait
	assert_output_contains "parent got TERM"
	assert_output_contains "child got TERM"
}

@test "init without -g: a signal reaches the app only" {
	bind_init
	script app.sh <<'EOF'
sh -c 'trap "echo child got TERM; exit 0" TERM; echo child up; while :; do sleep 0.1; done' &
child=$!
trap 'echo parent got TERM' TERM
echo ready
wait $child
kill -0 $child && echo child still running
EOF
	set_args "$BOUND_INIT" -- /app.sh
	started_bg
	wait_for_output "child up"
	rt kill "$ID" TERM
	ocirun_wait
	assert_output_contains "parent got TERM"
	assert_output_contains "child still running"
	[[ "$output" != *"child got TERM"* ]] || fail "the child got the signal too"
}

@test "init -s: orphans are reparented to an init that is not PID 1" {
	bind_init
	# sh is PID 1 here; the init runs below it and its grandchild is orphaned.
	orphan_script
	script app.sh <<EOF
$(spawn_orphan 1) >/dev/out
while ! grep -q orphan /dev/out 2>/dev/null; do sleep 0.05; done
EOF
	script pid1.sh <<EOF
$BOUND_INIT $SUBREAPER_FLAG -- /app.sh &
echo init \$!
wait
cat /dev/out
EOF
	set_args /pid1.sh
	ocirun run --bundle "$BUNDLE" "$ID"
	assert_status 0
	local init
	init=$(awk '$1 == "init" { print $2 }' <<<"$output")
	[ -n "$init" ] && [ "$init" != 1 ] || fail "no init pid: $output"
	[ "$(squeeze "$(grep '^orphan' <<<"$output")")" = "orphan PPid: $init" ] ||
		fail "the orphan's parent is not the init ($init): $output"
}

@test "init without -s (not PID 1): orphans go to PID 1, not to the init" {
	differs catatonit "always registers as a subreaper when not PID 1"
	bind_init
	orphan_script
	script app.sh <<EOF
$(spawn_orphan 1) >/dev/out
while ! grep -q orphan /dev/out 2>/dev/null; do sleep 0.05; done
EOF
	script pid1.sh <<EOF
$BOUND_INIT -- /app.sh &
wait
cat /dev/out
EOF
	set_args /pid1.sh
	ocirun run --bundle "$BUNDLE" "$ID"
	assert_status 0
	[ "$(squeeze "$(grep '^orphan' <<<"$output")")" = "orphan PPid: 1" ] ||
		fail "the orphan was not reparented to PID 1: $output"
}

@test "init -p SIGNAL: the init gets SIGNAL when its parent dies, and passes it on" {
	requires_option -p
	bind_init
	# PID 1 sh -> mid sh -> init -p SIGTERM -> sleep. Killing mid must end the sleep.
	script mid.sh <<EOF
$BOUND_INIT -p SIGTERM -- sleep 1000 &
echo \$! >/dev/init.pid
wait
EOF
	script pid1.sh <<'EOF'
/mid.sh &
mid=$!
while [ ! -s /dev/init.pid ]; do sleep 0.05; done
init=$(cat /dev/init.pid)
app=
while [ -z "$app" ] && [ -d /proc/$init ]; do app=$(cat /proc/$init/task/$init/children 2>/dev/null); sleep 0.05; done
[ -n "$app" ] || { echo "the init ended before starting the app"; exit 1; }
echo "app $app under init $init"
kill -KILL $mid
i=0
while [ -d /proc/$app ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -d /proc/$app ] || echo app ended
EOF
	set_args /pid1.sh
	ocirun run --bundle "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "app ended"
}

@test "init: create --init and a config without a tmpfs on /dev" {
	[ "$INIT_NAME" = ocirun-init ] || skip "about ocirun's --init, not the init"
	update_config '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))'
	snapshot before
	ocirun create --bundle "$BUNDLE" --init "$ID"
	assert_status 1
	assert_output_contains "--init: config.json: mounts: no tmpfs on /dev"
	assert_one_error_line
	snapshot after
	assert_nothing_left before after
}

@test "init: --init-path naming a missing file is refused" {
	[ "$INIT_NAME" = ocirun-init ] || skip "about ocirun's --init, not the init"
	ocirun create --bundle "$BUNDLE" --init-path /no/such/init "$ID"
	assert_status 1
	assert_output_contains '--init-path: "/no/such/init": No such file or directory'
}

@test "init: ocirun-init --version, --help and bad usage" {
	[ "$INIT_NAME" = ocirun-init ] || skip "ocirun-init's own command line"
	run "$INIT_UNDER_TEST" --version
	[ "$status" -eq 0 ] && [[ "$output" == "ocirun-init version "* ]] || fail "$output"
	run "$INIT_UNDER_TEST" --help
	[ "$status" -eq 0 ] && [[ "$output" == *"-p SIGNAL"* ]] || fail "$output"
	run "$INIT_UNDER_TEST"
	[ "$status" -eq 1 ] && [[ "$output" == *"no program to run"* ]] || fail "$output"
	run "$INIT_UNDER_TEST" -p NOSUCH true
	[ "$status" -eq 1 ] && [[ "$output" == *'-p: unknown signal "NOSUCH"'* ]] || fail "$output"
}
