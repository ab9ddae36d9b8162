#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# containerd (Debian's 1.6, its runc v2 shim and ctr) runs its containers on $CLIENT_RUNTIME
# (default: the built ocirun) through `ctr run --runc-binary`. The file starts a containerd of its
# own: config, root, state, sockets and the runtime's state root (--runc-root) all in one private
# directory; the CRI plugin is disabled (no CNI needed), the snapshotter is the default
# (overlayfs). The image is an OCI layout made here from contrib/make-bundle.sh's rootfs and
# loaded with `ctr images import`. teardown_file kills every task, stops containerd and any shim
# still serving it, and removes the directory.

# Single quotes keep $ for the container's shell.
# shellcheck disable=SC2016

load helpers

NS=ocirun-clients

setup_file() {
	requires_client containerd ctr containerd-shim-runc-v2 jq
	make_cl_tmp ocirun-ctrd
	cat >"$CL_TMP/config.toml" <<-EOF
		version = 2
		root = "$CL_TMP/root"
		state = "$CL_TMP/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]

		[grpc]
		  address = "$CL_TMP/containerd.sock"

		[ttrpc]
		  address = "$CL_TMP/containerd.sock.ttrpc"

		[debug]
		  level = "debug"
	EOF
	# fd 3 is bats' own: a daemon that kept it would make bats wait for it forever.
	containerd --config "$CL_TMP/config.toml" >"$CL_TMP/containerd.log" 2>&1 3>&- &
	echo $! >"$CL_TMP/containerd.pid"
	export CONTAINERD_ADDRESS=$CL_TMP/containerd.sock
	export CONTAINERD_NAMESPACE=$NS
	wait_for "containerd to answer on $CONTAINERD_ADDRESS" ctr version >/dev/null 2>&1
	make_rootfs_tar "$CL_TMP/busybox.tar"
	make_oci_archive "$CL_TMP/busybox.tar" "$CL_TMP/busybox-oci.tar"
	bounded ctr images import "$CL_TMP/busybox-oci.tar" >/dev/null
}

teardown_file() {
	[ -n "${CL_TMP:-}" ] || return 0
	tmux_stop
	if [ -S "$CL_TMP/containerd.sock" ]; then
		remove_all_containers
		bounded ctr images rm "$IMAGE" >/dev/null 2>&1 || true
	fi
	stop_containerd
	remove_cl_tmp
	# The containers' cgroups were /<namespace>/<id>; the runtime removed the leaves.
	rmdir /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/"$NS" 2>/dev/null || true
	# The shim's own cleanup calls may use the default root /run/containerd/runc/<namespace>.
	rmdir "/run/containerd/runc/$NS" 2>/dev/null || true
}

teardown() {
	tmux_stop
	remove_all_containers
}

# remove_all_containers: kills and deletes every task and container of the namespace.
remove_all_containers() {
	local id
	for id in $(ctr task ls -q 2>/dev/null); do
		bounded ctr task kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
	done
	for id in $(ctr task ls -q 2>/dev/null); do
		bounded ctr task delete -f "$id" >/dev/null 2>&1 || true
	done
	for id in $(ctr containers ls -q 2>/dev/null); do
		bounded ctr containers rm "$id" >/dev/null 2>&1 || true
	done
}

# stop_containerd: SIGTERM, then SIGKILL after 10 s; then the shims that still serve this
# containerd (their command line names its socket) and anything left in the runtime's state root.
stop_containerd() {
	local pid i root id
	pid=$(cat "$CL_TMP/containerd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	for pid in $(pgrep -f -- "-address $CL_TMP/containerd.sock" || true); do
		kill -9 "$pid" 2>/dev/null || true
	done
	root=$CL_TMP/runc-root/$NS
	if [ -d "$root" ]; then
		for id in $("$CLIENT_RUNTIME" --root "$root" list -q 2>/dev/null); do
			"$CLIENT_RUNTIME" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
}

# The runtime options of every `ctr run`.
rt_opts() {
	echo --runtime io.containerd.runc.v2 --runc-binary "$CLIENT_RUNTIME" \
		--runc-root "$CL_TMP/runc-root"
}

# crun ARGS...: `ctr run` with the runtime under test, bounded.
crun_() {
	# shellcheck disable=SC2046
	bounded ctr run $(rt_opts) "$@"
}

# task_status ID: RUNNING, PAUSED, STOPPED ... as ctr task ls shows it.
task_status() {
	ctr task ls | awk -v id="$1" '$1 == id { print $3 }'
}

task_pid() {
	ctr task ls | awk -v id="$1" '$1 == id { print $2 }'
}

bundle_of() {
	echo "$CL_TMP/state/io.containerd.runtime.v2.task/$NS/$1"
}

@test "run --rm: output and exit status 0" {
	run crun_ --rm "$IMAGE" t1 echo hi
	assert_status 0
	[ "$output" = hi ] || fail "output: $output"
}

@test "run --rm: the exit status of the process is passed through" {
	run crun_ --rm "$IMAGE" t2 sh -c 'exit 3'
	assert_status 3
}

@test "run -d, kill (SIGTERM ignored by pid 1, then SIGKILL), delete" {
	run crun_ -d "$IMAGE" d1 sleep 1000
	assert_status 0
	[ "$(task_status d1)" = RUNNING ] || fail "status: $(task_status d1)"
	local pid
	pid=$(task_pid d1)
	# The pid containerd got from the pid file is the container's process on the host (start
	# may return just before it has called execve).
	wait_for "pid $pid to be sleep 1000" test "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 "
	run bounded ctr task kill d1
	assert_status 0
	sleep 0.5
	[ "$(task_status d1)" = RUNNING ] || fail "SIGTERM stopped pid 1 without a handler"
	run bounded ctr task kill -s SIGKILL d1
	assert_status 0
	wait_for "d1 to stop" test "$(task_status d1)" = STOPPED
	run bounded ctr task delete d1
	assert_status 0
	assert_output_contains 'exit code 137'
	run bounded ctr containers rm d1
	assert_status 0
}

@test "kill of a stopped task: the runtime's 'container not running' maps to not found" {
	run crun_ -d "$IMAGE" d2 sh -c 'exit 0'
	assert_status 0
	wait_for "d2 to stop" test "$(task_status d2)" = STOPPED
	run bounded ctr task kill -s SIGKILL d2
	[ "$status" -ne 0 ] || fail "kill of a stopped task succeeded"
	assert_output_contains 'process already finished: not found'
	run bounded ctr task kill -a -s SIGKILL d2
	assert_status 0
}

@test "task ps lists the container's processes" {
	run crun_ -d "$IMAGE" d3 sh -c 'sleep 1000 & wait'
	assert_status 0
	local pid
	pid=$(task_pid d3)
	wait_for "the child of d3" pgrep -P "$pid" sleep >/dev/null
	run bounded ctr task ps d3
	assert_status 0
	assert_output_contains "$pid"
	assert_output_contains "$(pgrep -P "$pid" sleep)"
}

@test "task pause and resume" {
	run crun_ -d "$IMAGE" d4 sleep 1000
	assert_status 0
	run bounded ctr task pause d4
	assert_status 0
	[ "$(task_status d4)" = PAUSED ] || fail "status after pause: $(task_status d4)"
	if [ -e "/sys/fs/cgroup/freezer/$NS/d4/freezer.state" ]; then
		[ "$(cat "/sys/fs/cgroup/freezer/$NS/d4/freezer.state")" = FROZEN ] ||
			fail "freezer.state: $(cat "/sys/fs/cgroup/freezer/$NS/d4/freezer.state")"
	fi
	run bounded ctr task resume d4
	assert_status 0
	[ "$(task_status d4)" = RUNNING ] || fail "status after resume: $(task_status d4)"
}

@test "task metrics reads the container's cgroup" {
	run crun_ -d "$IMAGE" d5 sleep 1000
	assert_status 0
	run bounded ctr task metrics d5
	assert_status 0
	assert_output_contains 'memory.usage'
	assert_output_contains 'pids.current'
}

@test "the container is in its cgroup /<namespace>/<id>, with --memory-limit applied" {
	run crun_ -d --memory-limit 67108864 "$IMAGE" d6 sleep 1000
	assert_status 0
	local pid line
	pid=$(task_pid d6)
	line=$(grep -E '(:memory:|^0::)' "/proc/$pid/cgroup" | head -1)
	[[ "$line" == *"/$NS/d6" ]] || fail "cgroup of $pid: $line"
	if [ -e "/sys/fs/cgroup/memory/$NS/d6/memory.limit_in_bytes" ]; then
		[ "$(cat "/sys/fs/cgroup/memory/$NS/d6/memory.limit_in_bytes")" = 67108864 ] ||
			fail "memory.limit_in_bytes: $(cat "/sys/fs/cgroup/memory/$NS/d6/memory.limit_in_bytes")"
	elif [ -e "/sys/fs/cgroup/$NS/d6/memory.max" ]; then
		[ "$(cat "/sys/fs/cgroup/$NS/d6/memory.max")" = 67108864 ] || fail "memory.max"
	else
		fail "no memory cgroup for $NS/d6"
	fi
}

@test "log.json holds only JSON lines and no error after a successful run" {
	run crun_ -d "$IMAGE" d7 sleep 1000
	assert_status 0
	local log
	log=$(bundle_of d7)/log.json
	[ -f "$log" ] || fail "no $log"
	run jq -c . "$log"
	assert_status 0
	run jq -r 'select(.level == "error") | .msg' "$log"
	[ -z "$output" ] || fail "error records: $output"
}

@test "a failing create: the runtime's message reaches ctr" {
	run crun_ --rm "$IMAGE" f1 /nonexistent
	[ "$status" -ne 0 ] || fail "ctr run succeeded"
	assert_output_contains 'OCI runtime create failed'
	assert_output_contains '/nonexistent'
	assert_output_contains 'no such file or directory'
	# Not "unable to retrieve OCI runtime error": log.json was readable JSON.
	[[ "$output" != *"unable to retrieve OCI runtime error"* ]] || fail "$output"
}

@test "--null-io: the process may write to its /dev/null stdout" {
	run crun_ --rm --null-io "$IMAGE" n1 sh -c 'echo x'
	assert_status 0
}

@test "run -t in a real terminal: window size, input, exit status" {
	requires_tmux
	# shellcheck disable=SC2046
	tmux_run tt 90 25 "timeout --foreground $CL_TIMEOUT ctr run --rm -t $(rt_opts) $IMAGE tt1 sh"
	tmux_wait_screen tt '/ #'
	tmux_keys tt 'stty size; echo $((6*7))' Enter
	tmux_wait_screen tt 42
	tmux_keys tt 'exit 6' Enter
	tmux_wait_screen tt '[exit 6]'
	[[ "$(tmux_screen tt)" == *"25 90"* ]] || fail "stty size: $(tmux_screen tt)"
}

@test "run -d -t: the task runs with a terminal it can write to" {
	requires_tmux
	# ctr wants a terminal on its stdin for -t, even with -d.
	# shellcheck disable=SC2046
	tmux_run dt 80 20 "timeout --foreground $CL_TIMEOUT ctr run -d -t $(rt_opts) $IMAGE dt1 sh -c 'tty >/tmp/tty; sleep 1000'"
	tmux_wait_screen dt '[exit 0]'
	local pid
	pid=$(task_pid dt1)
	wait_for "dt1 to write /tmp/tty" test -s "/proc/$pid/root/tmp/tty"
	[[ "$(cat "/proc/$pid/root/tmp/tty")" == /dev/pts/* ]] || fail "tty: $(cat "/proc/$pid/root/tmp/tty")"
}

@test "task exec: output and exit status" {
	requires_exec
	run crun_ -d "$IMAGE" e1 sleep 1000
	assert_status 0
	run bounded ctr task exec --exec-id x1 e1 echo hi
	assert_status 0
	[ "$output" = hi ] || fail "output: $output"
	run bounded ctr task exec --exec-id x2 --cwd /tmp e1 sh -c 'pwd; exit 5'
	assert_status 5
	[ "$output" = /tmp ] || fail "output: $output"
}

@test "task exec --tty in a real terminal" {
	requires_exec
	requires_tmux
	run crun_ -d "$IMAGE" e2 sleep 1000
	assert_status 0
	tmux_run ex 80 20 "timeout --foreground $CL_TIMEOUT ctr task exec -t --exec-id x3 e2 sh"
	tmux_wait_screen ex '/ #'
	tmux_keys ex 'stty size; echo $((6*7))' Enter
	tmux_wait_screen ex 42
	tmux_keys ex 'exit 4' Enter
	tmux_wait_screen ex '[exit 4]'
	[[ "$(tmux_screen ex)" == *"20 80"* ]] || fail "stty size: $(tmux_screen ex)"
}

@test "a failing exec: the runtime's message reaches ctr" {
	requires_exec
	run crun_ -d "$IMAGE" e3 sleep 1000
	assert_status 0
	run bounded ctr task exec --exec-id x4 e3 /nonexistent
	[ "$status" -ne 0 ] || fail "exec of /nonexistent succeeded"
	assert_output_contains 'no such file or directory'
}

@test "--privileged and --device" {
	run crun_ --rm --privileged "$IMAGE" p1 grep CapEff /proc/self/status
	assert_status 0
	[[ "$output" != *0000000000000000 ]] || fail "$output"
	run crun_ --rm --device /dev/null "$IMAGE" p2 sh -c 'test -c /dev/null && echo x >/dev/null'
	assert_status 0
}

@test "--uidmap runs the task in a user namespace" {
	run crun_ --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" u1 cat /proc/self/uid_map
	assert_status 0
	local inside outside count
	read -r inside outside count <<<"$output"
	[ "$inside $outside $count" = "0 100000 65536" ] || fail "uid_map: $output"
}

@test "a killed shim: containerd cleans up with the runtime's delete --force" {
	run crun_ -d "$IMAGE" s1 sleep 1000
	assert_status 0
	local pid shim
	pid=$(task_pid s1)
	shim=$(ps -o ppid= -p "$pid" | tr -d ' ')
	[[ "$(tr '\0' ' ' <"/proc/$shim/cmdline")" == *containerd-shim-runc-v2* ]] ||
		fail "parent of $pid is not the shim"
	kill -9 "$shim"
	wait_for "the container process to be killed" test ! -e "/proc/$pid/cmdline" -o -z "$(cat "/proc/$pid/cmdline" 2>/dev/null)"
	wait_for "the task to go" test -z "$(task_status s1)"
	run "$CLIENT_RUNTIME" --root "$CL_TMP/runc-root/$NS" list -q
	assert_status 0
	[[ "$output" != *s1* ]] || fail "the runtime still lists s1"
	# The killed shim could not remove its socket: containerd names it
	# /run/containerd/s/<sha256 of "<address>/<namespace>/<id>">.
	rm -f "/run/containerd/s/$(printf '%s' "$CONTAINERD_ADDRESS/$NS/s1" | sha256sum | cut -d' ' -f1)"
}
