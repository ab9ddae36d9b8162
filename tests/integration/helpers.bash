# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Helpers shared by every integration suite. Each test gets:
#   $BUNDLE  a fresh busybox bundle (a copy of one template made per bats run by
#            contrib/make-bundle.sh); the test runs with it as its working directory
#   $ROOT    a private state root, passed as --root on every runtime call
#   $ID      a container ID unique on this host (other suites may run at the same time)
#   $TAG     the same unique string; it is put in the environment of every runtime call and of
#            the container's process, so the processes a test started can be found and checked
#
# The runtime under test is $OCIRUN (meson passes the built binary; any runc-compatible runtime
# works, e.g. OCIRUN=/usr/sbin/runc, to check the tests themselves).

INTEGRATION_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$INTEGRATION_DIR/../.." && pwd)
BUILD_ROOT=${BUILD_ROOT:-$SRC_ROOT/build}
OCIRUN=${OCIRUN:-$BUILD_ROOT/src/ocirun}
SHARED_DIR=${SHARED_DIR:-$SRC_ROOT/../shared}
MAKE_BUNDLE=$SRC_ROOT/contrib/make-bundle.sh
# shellcheck disable=SC2034 # used by terminal.bats
CONSOLE_RECEIVER=$INTEGRATION_DIR/console-receiver.py
HOST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# How long the polling helpers wait before they give up (they never assert on time), and how
# long one runtime call may take before it is killed (a hung runtime fails its test, with the
# command shown, instead of hanging the suite).
WAIT_TRIES=${WAIT_TRIES:-200}
RT_TIMEOUT=${RT_TIMEOUT:-120}

# ------------------------------------------------------------------------------------------------
# assertions and skips

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# requires WHAT...: skips the test, with the reason, when the host lacks something.
#   root      euid 0
#   userns    user namespaces can be created
#   python3   the console-socket receiver
#   fixtures  the runtime-spec schema fixtures in ../shared
#   CMD       any other word: a command in $PATH
requires() {
	local what
	for what in "$@"; do
		case $what in
		root)
			[ "$(id -u)" -eq 0 ] || skip "needs root"
			;;
		userns)
			[ -e /proc/self/ns/user ] || skip "needs a kernel with user namespaces"
			[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
				skip "user namespaces are disabled (user.max_user_namespaces = 0)"
			;;
		fixtures)
			[ -d "$SHARED_DIR/runtime-spec/schema/test/config/bad" ] ||
				skip "runtime-spec fixtures not found at $SHARED_DIR/runtime-spec/schema/test/config"
			;;
		*)
			command -v "$what" >/dev/null || skip "needs $what"
			;;
		esac
	done
}

# assert_status WANT: $status (from the last ocirun call) is WANT ("nonzero" for any failure).
assert_status() {
	if [ "$1" = nonzero ]; then
		[ "$status" -ne 0 ] || fail "expected a failure, got exit status 0"
	else
		[ "$status" -eq "$1" ] || fail "expected exit status $1, got $status"
	fi
}

# assert_output_contains TEXT: the last call's stdout+stderr contains TEXT.
assert_output_contains() {
	[[ "$output" == *"$1"* ]] || fail "output does not contain '$1'"
}

# squeeze TEXT: TEXT with runs of blanks made one space and no blanks at either end.
squeeze() {
	awk '{ $1 = $1; print }' <<<"$1"
}

# assert_one_error_line: the last call wrote exactly one non-empty line on stderr.
assert_one_error_line() {
	local n
	n=$(grep -c . <<<"$stderr" || true)
	[ "$n" -eq 1 ] || fail "expected one line on stderr, got $n"
}

# refused PATTERN...: `create` of $BUNDLE fails naming each PATTERN, with one line on stderr,
# and leaves nothing behind.
refused() {
	local p
	snapshot before
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	[ "$status" -lt 126 ] || fail "exit status $status: a crash, not an error"
	assert_one_error_line
	for p in "$@"; do
		assert_output_contains "$p"
	done
	snapshot after
	assert_nothing_left before after
}

# ------------------------------------------------------------------------------------------------
# bundles and per-test setup/teardown

# The template bundle is made once per bats run and copied for each test.
template_bundle() {
	local template=$BATS_RUN_TMPDIR/template
	(
		flock 9
		if [ ! -f "$template/config.json" ]; then
			rm -rf "$template"
			"$MAKE_BUNDLE" "$template" >&2
		fi
	) 9>"$BATS_RUN_TMPDIR/template.lock"
	echo "$template"
}

setup_bundle() {
	requires root jq
	[ -x "$OCIRUN" ] || fail "OCIRUN=$OCIRUN is not an executable: build it first or set OCIRUN"

	TAG=it$$-${BATS_TEST_NUMBER}-$RANDOM
	ID=$TAG
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	ROOT=$BATS_TEST_TMPDIR/state
	IO_SEQ=0

	cp -a "$(template_bundle)" "$BUNDLE"
	cd "$BUNDLE" || return 1
	update_config '.process.env += ["OCIRUN_TEST_TAG=" + $tag]' --arg tag "$TAG"
}

# Removes whatever the test left: containers in $ROOT (delete --force), processes carrying the
# test's tag, and host mounts below the test's temp dir (so that bats can remove it safely).
teardown_bundle() {
	cd / || return 1
	[ -n "${ROOT:-}" ] || return 0
	local id pid mnt
	for id in "$ROOT"/*; do
		[ ! -d "$id" ] || rt delete --force "$(basename "$id")" >/dev/null 2>&1 || true
	done
	for pid in $(test_pids); do
		kill -KILL "$pid" 2>/dev/null || true
	done
	host_mounts_under "$BATS_TEST_TMPDIR" | sort -r | while read -r mnt; do
		umount -l "$mnt" 2>/dev/null || true
	done
	return 0
}

# update_config FILTER [JQ-ARGS...]: applies a jq filter to $BUNDLE/config.json.
# With --args, the positional arguments must come last: update_config FILTER --args A B ...
update_config() {
	local filter=$1
	shift
	jq --from-file /dev/fd/4 "$BUNDLE/config.json" "$@" 4<<<"$filter" >"$BUNDLE/config.json.new" &&
		mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARG...: the container's process.args.
set_args() {
	update_config '.process.args = $ARGS.positional' --args -- "$@"
}

# ------------------------------------------------------------------------------------------------
# calling the runtime

# rt ARGS...: the runtime with the test's root, in a small clean environment (as Podman and
# containerd call it), and without bats' fd 3 (a process that kept it would hang bats).
rt() {
	rt_noroot --root "$ROOT" "$@"
}

# rt_noroot ARGS...: the same without --root.
rt_noroot() {
	rt_env "$OCIRUN" "$@" 3>&-
}

# rt_env CMD...: CMD in the runtime's clean environment, killed if it runs past $RT_TIMEOUT.
rt_env() {
	local status=0 start=$SECONDS
	timeout -k 5 "$RT_TIMEOUT" env -i PATH="$HOST_PATH" OCIRUN_TEST_TAG="$TAG" "$@" || status=$?
	[ $((SECONDS - start)) -lt "$RT_TIMEOUT" ] || echo "test harness: '$*' killed after ${RT_TIMEOUT}s" >&2
	return "$status"
}

# ocirun ARGS...: like bats' `run rt ARGS...`, but stdin is /dev/null and stdout/stderr go to
# files ($CTR_STDOUT, $CTR_STDERR), so a container that outlives the call (create, run --detach)
# holds no pipe of ours; whatever the container prints later is appended there.
# Sets $status, $output (stdout then stderr), $stderr and $lines.
ocirun() {
	_ocirun_start "$@"
	status=0
	rt "$@" </dev/null >"$CTR_STDOUT" 2>"$CTR_STDERR" || status=$?
	_ocirun_finish
}

# ocirun_noroot ARGS...: like ocirun, without the --root option.
ocirun_noroot() {
	_ocirun_start "$@"
	status=0
	rt_noroot "$@" </dev/null >"$CTR_STDOUT" 2>"$CTR_STDERR" || status=$?
	_ocirun_finish
}

# ocirun_keep_fds ARGS...: like ocirun, but fds 3 and up are passed on as the caller redirected
# them (for --preserve-fds); the caller must not leave bats' own fd 3 open.
ocirun_keep_fds() {
	_ocirun_start "$@"
	status=0
	rt_env "$OCIRUN" --root "$ROOT" "$@" </dev/null >"$CTR_STDOUT" 2>"$CTR_STDERR" || status=$?
	_ocirun_finish
}

# ocirun_bg ARGS...: starts the call in the background; ocirun_wait collects it like ocirun.
ocirun_bg() {
	_ocirun_start "$@"
	BG_STDOUT=$CTR_STDOUT BG_STDERR=$CTR_STDERR
	rt "$@" </dev/null >"$CTR_STDOUT" 2>"$CTR_STDERR" &
	BG_PID=$!
}

ocirun_wait() {
	status=0
	wait "$BG_PID" || status=$?
	CTR_STDOUT=$BG_STDOUT CTR_STDERR=$BG_STDERR
	_ocirun_finish
}

_ocirun_start() {
	IO_SEQ=$((IO_SEQ + 1))
	mkdir -p "$BATS_TEST_TMPDIR/io"
	CTR_STDOUT=$BATS_TEST_TMPDIR/io/$IO_SEQ.stdout
	CTR_STDERR=$BATS_TEST_TMPDIR/io/$IO_SEQ.stderr
	echo "\$ ocirun $*"
}

_ocirun_finish() {
	output=$(cat "$CTR_STDOUT" "$CTR_STDERR")
	stderr=$(cat "$CTR_STDERR")
	# shellcheck disable=SC2034 # for the tests, as bats' run sets it
	lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
	# shown by bats when the test fails
	echo "status $status"
	[ -z "$output" ] || printf '%s\n' "$output" | sed 's/^/| /'
}

# ------------------------------------------------------------------------------------------------
# container life cycle

# create_ok [ID [CREATE-FLAGS...]]: creates a container from $BUNDLE and checks it worked.
create_ok() {
	local id=${1:-$ID}
	shift || true
	ocirun create --bundle "$BUNDLE" "$@" "$id"
	assert_status 0
	wait_for_status "$id" created
}

# start_ok [ID]: starts a created container and waits until it is running.
start_ok() {
	local id=${1:-$ID}
	ocirun start "$id"
	assert_status 0
	wait_for_status "$id" running
}

# launch [ID]: create + start, for a container whose process keeps running (e.g. sleep).
launch() {
	create_ok "${1:-$ID}"
	start_ok "${1:-$ID}"
}

# status_of ID: the status field of `state` (empty when state fails).
status_of() {
	rt state "$1" 2>/dev/null | jq -r '.status // empty' 2>/dev/null
}

# pid_of ID: the pid field of `state`.
pid_of() {
	rt state "$1" | jq -r '.pid'
}

# wait_for_status ID STATUS: polls `state` until it reports STATUS (fails after a while).
wait_for_status() {
	local id=$1 want=$2 cur i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		cur=$(status_of "$id")
		[ "$cur" = "$want" ] && return 0
		sleep 0.05
	done
	fail "container $id is '${cur:-unknown}', waited for '$want'"
}

# wait_for_file FILE: polls until FILE exists and is not empty.
wait_for_file() {
	local i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "$1 did not appear"
}

# run_in_container CMD: runs `sh -c CMD` as the process of a container "$ID-run" with
# `ocirun run`; $status and $output are the container's.
run_in_container() {
	set_args sh -c "$1"
	ocirun run "$ID-run"
}

# ------------------------------------------------------------------------------------------------
# looking at processes from the host

# proc_status PID FIELD: a field of /proc/PID/status, e.g. `proc_status 123 CapEff`.
proc_status() {
	awk -v f="$2:" '$1 == f { sub(/^[^:]*:[ \t]*/, ""); print; exit }' "/proc/$1/status"
}

# proc_state PID: the one-letter state (R, S, Z ...), empty when the pid does not exist.
proc_state() {
	sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# proc_starttime PID: field 22 of /proc/PID/stat, to tell a process from a later one with its pid.
proc_starttime() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

# proc_alive PID [STARTTIME]: the process exists, is not a zombie (nothing reaps orphans on some
# hosts) and, when given, has that start time.
proc_alive() {
	local st
	st=$(proc_state "$1")
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ] || return 1
	[ -z "${2:-}" ] || [ "$(proc_starttime "$1")" = "$2" ]
}

# wait_until_dead PID [STARTTIME]
wait_until_dead() {
	local i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		proc_alive "$@" || return 0
		sleep 0.05
	done
	fail "process $1 is still alive"
}

# ns_of PID TYPE: the namespace link, e.g. `ns_of 123 net` -> net:[4026531840]
ns_of() {
	readlink "/proc/$1/ns/$2"
}

# proc_cmdline PID: the command line with spaces between the arguments.
proc_cmdline() {
	tr '\0' ' ' <"/proc/$1/cmdline" | sed 's/ $//'
}

# proc_fds PID: the open fd numbers, sorted, on one line.
proc_fds() {
	ls "/proc/$1/fd" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# mountinfo_line PID MOUNTPOINT: the last line of /proc/PID/mountinfo for that mount point.
mountinfo_line() {
	awk -v m="$2" '$5 == m { line = $0 } END { if (line != "") print line }' "/proc/$1/mountinfo"
}

# mount_opts LINE: the per-mount options (field 6) of a mountinfo line.
mount_opts() {
	awk '{ print $6 }' <<<"$1"
}

# mount_fstype LINE: the filesystem type of a mountinfo line (the field after " - ").
mount_fstype() {
	sed 's/.* - //' <<<"$1" | awk '{ print $1 }'
}

# ------------------------------------------------------------------------------------------------
# what a test leaves behind

# test_pids: the live processes the runtime started for this test: the tag is in the environment
# of the runtime and of every container process; runc's own init carries only its state dir.
test_pids() {
	local file pid
	{
		grep -lszxF "OCIRUN_TEST_TAG=$TAG" /proc/[0-9]*/environ
		grep -lszF "_LIBCONTAINER_STATEDIR=$ROOT/" /proc/[0-9]*/environ
	} | tr '\0' '\n' | sort -u | while read -r file; do
		pid=${file#/proc/}
		pid=${pid%/environ}
		if proc_alive "$pid"; then
			echo "$pid"
		fi
	done
}

# host_mounts_under PATH...: the host's mount points below any of the PATHs.
host_mounts_under() {
	local path
	for path in "$@"; do
		awk -v p="$path" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo
	done
}

# snapshot NAME [PATH...]: writes what the test could leave on the host to $BATS_TEST_TMPDIR/NAME.snap:
# host mounts below the test's temp dir (and the PATHs), the state root's entries, the test's
# processes and cgroup directories named after the test's containers.
snapshot() {
	local name=$1 pid
	shift
	{
		echo "[mounts]"
		host_mounts_under "$BATS_TEST_TMPDIR" "$@" | sort
		echo "[state root]"
		# the seccomp program cache is meant to outlive a failed create
		[ ! -d "$ROOT" ] || find "$ROOT" -mindepth 1 -path "$ROOT/.seccomp:cache" -prune -o -print | sort
		echo "[processes]"
		for pid in $(test_pids); do
			echo "$pid $(proc_cmdline "$pid" 2>/dev/null)"
		done
		echo "[cgroups]"
		find /sys/fs/cgroup -maxdepth 4 -type d -name "*$TAG*" 2>/dev/null | sort
	} >"$BATS_TEST_TMPDIR/$name.snap"
}

# assert_nothing_left BEFORE AFTER: the two snapshots are the same.
assert_nothing_left() {
	diff -u "$BATS_TEST_TMPDIR/$1.snap" "$BATS_TEST_TMPDIR/$2.snap" ||
		fail "something was left behind (see the diff above)"
}
