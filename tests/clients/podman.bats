#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Podman (rootful, through conmon) runs its containers on $CLIENT_RUNTIME (default: the built
# ocirun). Everything Podman keeps lives in one private directory: storage, run root, tmp dir
# (exit files, events), volumes, and a containers.conf that names the runtime by its basename,
# lists that name in runtime_supports_json (so Podman passes --log-format=json --log) and sets
# the engine up for this host:
#   cgroup_manager cgroupfs   there is no systemd here
#   netns none                no network tools needed; no traffic leaves the host
#   default_ulimits           rootful Podman asks for nofile and nproc 1048576, above this
#                             host's hard limits: every runtime fails setrlimit then (runc too)
# The image localhost/busybox is imported from a tarball of contrib/make-bundle.sh's rootfs.

# Single quotes keep $ for the container's shell.
# shellcheck disable=SC2016

load helpers

setup_file() {
	requires_client podman conmon jq
	make_cl_tmp ocirun-podman
	mkdir -p "$CL_TMP/tmp"
	cat >"$CL_TMP/storage.conf" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$CL_TMP/storage"
		runroot = "$CL_TMP/run"
	EOF
	write_containers_conf "$CL_TMP/containers.conf" "$RUNTIME_NAME"
	# The same engine settings, with the runtime under a name that is not in
	# runtime_supports_json: Podman then passes no --log and relies on stderr alone.
	write_containers_conf "$CL_TMP/containers-nojson.conf" nojson
	export CONTAINERS_CONF=$CL_TMP/containers.conf
	export CONTAINERS_STORAGE_CONF=$CL_TMP/storage.conf
	make_rootfs_tar "$CL_TMP/busybox.tar"
	bounded podman import --quiet \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'CMD ["sh"]' "$CL_TMP/busybox.tar" "$IMAGE" >/dev/null
}

# write_containers_conf FILE NAME: a containers.conf that makes $CLIENT_RUNTIME, called NAME,
# Podman's runtime.
write_containers_conf() {
	cat >"$1" <<-EOF
		[containers]
		netns = "none"
		log_driver = "k8s-file"
		default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		tmp_dir = "$CL_TMP/tmp"
		runtime = "$2"
		runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "ocijail", "ocirun"]

		[engine.runtimes]
		$2 = ["$CLIENT_RUNTIME"]
	EOF
}

teardown_file() {
	[ -n "${CL_TMP:-}" ] || return 0
	tmux_stop
	bounded podman pod rm -af -t 0 >/dev/null 2>&1 || true
	bounded podman rm -af -t 0 >/dev/null 2>&1 || true
	bounded podman rmi -af >/dev/null 2>&1 || true
	stop_leftovers
	remove_cl_tmp
}

teardown() {
	tmux_stop
	bounded podman rm -af -t 0 >/dev/null 2>&1 || true
}

# stop_leftovers: conmon monitors and `podman container cleanup` exit commands that still name
# this file's directory are ours: give them a moment, then kill them by pid.
stop_leftovers() {
	local i pid found
	for ((i = 0; i < 50; i++)); do
		found=
		for pid in $(pgrep -f "$CL_TMP" || true); do
			[ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] || found+=" $pid"
		done
		[ -n "$found" ] || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -9 $found 2>/dev/null || true
}

pm() {
	bounded podman "$@"
}

# run_dir NAME: the directory where Podman keeps the container's pidfile and oci-log.
run_dir() {
	local id
	id=$(pm inspect -f '{{.Id}}' "$1") || return 1
	echo "$CL_TMP/run/overlay-containers/$id/userdata"
}

@test "podman info names the runtime under test" {
	run pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
	assert_status 0
	[ "$output" = "$RUNTIME_NAME $CLIENT_RUNTIME" ] || fail "podman info says: $output"
}

@test "run --rm: output and exit status 0" {
	run pm run --rm "$IMAGE" echo hi
	assert_status 0
	[ "$output" = hi ] || fail "output: $output"
}

@test "run --rm: the exit status of the process is passed through" {
	run pm run --rm "$IMAGE" sh -c 'exit 3'
	assert_status 3
}

@test "run with --runtime naming the binary by path" {
	run pm --runtime "$CLIENT_RUNTIME" run --rm "$IMAGE" echo by-path
	assert_status 0
	[ "$output" = by-path ] || fail "output: $output"
}

@test "without --log (name not in runtime_supports_json) the error comes from stderr" {
	# shellcheck disable=SC2030,SC2031
	export CONTAINERS_CONF=$CL_TMP/containers-nojson.conf
	run pm info --format '{{.Host.OCIRuntime.Name}}'
	[ "$output" = nojson ] || fail "podman info says: $output"
	run pm run --rm "$IMAGE" echo hi
	assert_status 0
	[ "$output" = hi ] || fail "output: $output"
	run -127 pm run --rm "$IMAGE" /nonexistent
	assert_status 127
	assert_output_contains 'no such file or directory'
	run pm create --name nolog "$IMAGE" true
	assert_status 0
	run pm init nolog
	assert_status 0
	[ ! -e "$(run_dir nolog)/oci-log" ] || fail "Podman passed --log to a runtime not in the list"
}

@test "stdout and stderr reach the container log, and nothing else does" {
	run pm run --name logs "$IMAGE" sh -c 'echo out; echo err >&2'
	assert_status 0
	run pm logs logs
	assert_status 0
	[ "$output" = "$(printf 'out\nerr')" ] || fail "podman logs: $output"
}

@test "stdin is passed with -i" {
	run bash -c 'echo piped | timeout '"$CL_TIMEOUT"' podman run --rm -i '"$IMAGE"' cat'
	assert_status 0
	[ "$output" = piped ] || fail "output: $output"
}

@test "run -d, ps, stop (SIGTERM then SIGKILL), rm" {
	run pm run -d --name sl "$IMAGE" sleep 1000
	assert_status 0
	run pm ps --format '{{.Names}} {{.Status}}'
	assert_status 0
	[[ "$output" == *"sl Up"* ]] || fail "podman ps: $output"
	# sleep is pid 1 of its pid namespace and has no handler: SIGTERM does nothing, so stop
	# falls back to SIGKILL after the timeout.
	run pm stop -t 1 sl
	assert_status 0
	run pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' sl
	[ "$output" = "exited 137" ] || fail "after stop: $output"
	run pm rm sl
	assert_status 0
	run pm ps -a --format '{{.Names}}'
	[[ "$output" != *sl* ]] || fail "still listed: $output"
}

@test "stop delivers SIGTERM to a process that handles it" {
	run pm run -d --name term "$IMAGE" sh -c 'trap "exit 7" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
	assert_status 0
	local pid
	pid=$(pm inspect -f '{{.State.Pid}}' term)
	wait_for "the trap to be set" test -e "/proc/$pid/root/tmp/ready"
	run pm stop -t 30 term
	assert_status 0
	run pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' term
	[ "$output" = "exited 7" ] || fail "after stop: $output"
}

@test "kill, and stop of a container that has already exited" {
	run pm run -d --name k "$IMAGE" sleep 1000
	assert_status 0
	run pm kill k
	assert_status 0
	run pm wait k
	[ "$output" = 137 ] || fail "podman wait: $output"
	run pm stop k
	assert_status 0
	run pm rm -f k
	assert_status 0
}

@test "pause and unpause" {
	run pm run -d --name p "$IMAGE" sleep 1000
	assert_status 0
	run pm pause p
	assert_status 0
	run pm inspect -f '{{.State.Status}}' p
	[ "$output" = paused ] || fail "after pause: $output"
	run pm unpause p
	assert_status 0
	run pm inspect -f '{{.State.Status}}' p
	[ "$output" = running ] || fail "after unpause: $output"
}

@test "top and rm -f of a running container" {
	run pm run -d --name t "$IMAGE" sleep 1000
	assert_status 0
	run pm top t
	assert_status 0
	[[ "$output" == *"sleep 1000"* ]] || fail "podman top: $output"
	run pm rm -f -t 0 t
	assert_status 0
}

@test "create, start -a twice, restart, wait" {
	run pm create --name cs "$IMAGE" sh -c 'echo started; exit 9'
	assert_status 0
	run pm start -a cs
	assert_status 9
	[ "$output" = started ] || fail "output: $output"
	run pm start -a cs
	assert_status 9
	run pm restart cs
	assert_status 0
	run pm wait cs
	[ "$output" = 9 ] || fail "podman wait: $output"
}

@test "a missing executable gives 127 and the runtime's message" {
	run -127 pm run --rm "$IMAGE" /nonexistent
	assert_status 127
	assert_output_contains '/nonexistent'
	assert_output_contains 'no such file or directory'
	run -127 pm run --rm "$IMAGE" nonexistent
	assert_status 127
	assert_output_contains 'executable file not found in $PATH'
}

@test "a file that cannot be executed gives 126 and permission denied" {
	run pm run --rm "$IMAGE" /etc/passwd
	assert_status 126
	assert_output_contains 'permission denied'
}

@test "the runtime's --log file holds exactly the one error record Podman reads" {
	run pm create --name bad "$IMAGE" /nonexistent
	assert_status 0
	run pm init bad
	[ "$status" -ne 0 ] || fail "podman init succeeded"
	local log
	log="$(run_dir bad)/oci-log"
	[ -f "$log" ] || fail "no $log: Podman did not pass --log (runtime_supports_json?)"
	run jq -s 'length' "$log"
	[ "$output" = 1 ] || fail "oci-log holds $output JSON values: $(cat "$log")"
	run jq -r '.level + " " + .msg' "$log"
	[[ "$output" == "error "*"no such file or directory"* ]] || fail "oci-log: $(cat "$log")"
}

@test "a successful start leaves the --log file empty" {
	run pm run --name good "$IMAGE" true
	assert_status 0
	local log
	log="$(run_dir good)/oci-log"
	[ -f "$log" ] || fail "no $log: Podman did not pass --log (runtime_supports_json?)"
	[ ! -s "$log" ] || fail "oci-log after success: $(cat "$log")"
}

@test "run -t through conmon's console socket (stdin not a terminal)" {
	run bash -c "timeout $CL_TIMEOUT podman run --rm -t $IMAGE sh -c 'tty; exit 5' </dev/null"
	assert_status 5
	[[ "$output" == /dev/pts/* ]] || fail "output: $output"
}

@test "run -it in a real terminal: window size, input, exit status" {
	requires_tmux
	tmux_run it 100 30 "timeout --foreground $CL_TIMEOUT podman run --rm -it $IMAGE sh"
	tmux_wait_screen it '/ #'
	tmux_keys it 'stty size; echo $((6*7))' Enter
	tmux_wait_screen it 42
	tmux_keys it 'exit 6' Enter
	tmux_wait_screen it '[exit 6]'
	[[ "$(tmux_screen it)" == *"30 100"* ]] || fail "stty size: $(tmux_screen it)"
}

@test "exec into a running container: output, status, user, cwd, env" {
	requires_exec
	run pm run -d --name ex "$IMAGE" sleep 1000
	assert_status 0
	run pm exec ex echo hi
	assert_status 0
	[ "$output" = hi ] || fail "exec output: $output"
	run pm exec ex sh -c 'exit 5'
	assert_status 5
	run pm exec -u 1000:1000 -w /tmp -e FOO=bar ex sh -c 'echo $(id -u):$(id -g) $(pwd) $FOO'
	assert_status 0
	[ "$output" = "1000:1000 /tmp bar" ] || fail "exec output: $output"
	run -127 pm exec ex /nonexistent
	assert_status 127
	# runc: chdir to cwd ("/nonexistent") set in config.json failed: no such file or directory.
	# exec does not create a missing working directory (create does).
	run -127 pm exec -w /nonexistent ex true
	assert_status 127
	assert_output_contains 'no such file or directory'
}

@test "exec -t gets a terminal" {
	requires_exec
	run pm run -d --name ext "$IMAGE" sleep 1000
	assert_status 0
	run bash -c "timeout $CL_TIMEOUT podman exec -t ext tty </dev/null"
	assert_status 0
	[[ "$output" == /dev/pts/* ]] || fail "output: $output"
}

@test "exec -it in a real terminal" {
	requires_exec
	requires_tmux
	run pm run -d --name exi "$IMAGE" sleep 1000
	assert_status 0
	tmux_run ex 90 25 "timeout --foreground $CL_TIMEOUT podman exec -it exi sh"
	tmux_wait_screen ex '/ #'
	tmux_keys ex 'stty size; echo $((6*7))' Enter
	tmux_wait_screen ex 42
	tmux_keys ex 'exit 4' Enter
	tmux_wait_screen ex '[exit 4]'
	[[ "$(tmux_screen ex)" == *"25 90"* ]] || fail "stty size: $(tmux_screen ex)"
}

@test "healthcheck runs through exec" {
	requires_exec
	run pm run -d --name hc --health-cmd 'test -e /tmp' "$IMAGE" sleep 1000
	assert_status 0
	run pm healthcheck run hc
	assert_status 0
}

@test "--memory, --pids-limit and --cpus are in the container's cgroup" {
	run pm run --rm --memory 64m --pids-limit 77 --cpus 0.5 "$IMAGE" sh -c '
		if [ -e /sys/fs/cgroup/memory.max ]; then
			cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
			cut -d" " -f1 /sys/fs/cgroup/cpu.max
		else
			cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max \
				/sys/fs/cgroup/cpu/cpu.cfs_quota_us
		fi'
	assert_status 0
	[ "$output" = "$(printf '67108864\n77\n50000')" ] || fail "limits read back: $output"
}

@test "--read-only, --cap-drop all, the default seccomp profile" {
	run pm run --rm --read-only "$IMAGE" touch /x
	assert_status 1
	assert_output_contains 'Read-only file system'
	run pm run --rm --cap-drop all "$IMAGE" grep CapEff /proc/self/status
	assert_status 0
	[[ "$output" == *0000000000000000 ]] || fail "$output"
	run pm run --rm "$IMAGE" grep '^Seccomp:' /proc/self/status
	assert_status 0
	[[ "$output" == *2 ]] || fail "not in seccomp filter mode: $output"
}

@test "--init puts catatonit in front as pid 1" {
	run pm run --rm --init "$IMAGE" cat /proc/1/cmdline
	assert_status 0
	[[ "$output" == /run/podman-init* ]] || fail "pid 1: $output"
}

@test "--init --init-path ocirun-init: pid 1, the status passed on, stop's SIGTERM forwarded" {
	local init=$BUILD_ROOT/src/ocirun-init
	[ -x "$init" ] || skip "ocirun-init is not built at $init"
	run pm run --rm --init --init-path "$init" "$IMAGE" sh -c 'tr "\0" " " </proc/1/cmdline; exit 7'
	assert_status 7
	[[ "$output" == "/run/podman-init -- sh -c "* ]] || fail "pid 1: $output"
	# sleep has no handler, but it is not pid 1 here: the init forwards SIGTERM and sleep dies
	# of it (143); without forwarding, stop would fall back to SIGKILL (137).
	run pm run -d --name withinit --init --init-path "$init" "$IMAGE" sleep 1000
	assert_status 0
	run pm stop -t 60 withinit
	assert_status 0
	run pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' withinit
	[ "$output" = "exited 143" ] || fail "after stop: $output"
	run pm rm withinit
	assert_status 0
}

@test "OCI hooks from --hooks-dir run with the container's state" {
	mkdir -p "$CL_TMP/hooks.d"
	cat >"$CL_TMP/hooks.d/state.json" <<-EOF
		{"version": "1.0.0",
		 "hook": {"path": "/bin/sh", "args": ["sh", "-c", "cat >$CL_TMP/hook-state.json"]},
		 "when": {"always": true}, "stages": ["prestart"]}
	EOF
	run pm --hooks-dir "$CL_TMP/hooks.d" run --name hk "$IMAGE" true
	assert_status 0
	run jq -r '.id + " " + (.pid > 0 | tostring)' "$CL_TMP/hook-state.json"
	[ "$output" = "$(pm inspect -f '{{.Id}}' hk) true" ] || fail "hook state: $(cat "$CL_TMP/hook-state.json")"
}

@test "--device (Podman sends fileMode with the file type bits)" {
	run pm run --rm --device /dev/null:/dev/mynull "$IMAGE" sh -c 'test -c /dev/mynull && echo x >/dev/mynull'
	assert_status 0
}

@test "--privileged" {
	run pm run --rm --privileged "$IMAGE" grep CapEff /proc/self/status
	assert_status 0
	[[ "$output" != *0000000000000000 ]] || fail "$output"
}

@test "--uidmap runs the container in a user namespace" {
	run pm run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" cat /proc/self/uid_map
	assert_status 0
	local inside outside count
	read -r inside outside count <<<"$output"
	[ "$inside $outside $count" = "0 100000 65536" ] || fail "uid_map: $output"
}

@test "a pod: containers join the infra container's namespaces" {
	run pm pod create --name pod1
	assert_status 0
	run pm run -d --pod pod1 --name pc1 "$IMAGE" sleep 1000
	assert_status 0
	run pm run --rm --pod pod1 "$IMAGE" hostname
	assert_status 0
	[ "$output" = pod1 ] || fail "hostname in the pod: $output"
	run pm pod rm -f -t 0 pod1
	assert_status 0
}
