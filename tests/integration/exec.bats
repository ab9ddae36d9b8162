#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# exec: a new process in a running container, as containerd (--process, --detach, --pid-file),
# conmon and CRI-O (foreground, exit status passed through) and people (flags) call it. Checked
# from the host: /proc/PID/ns/*, /proc/PID/cgroup, /proc/PID/status of the exec'd process.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
	EXEC_PID_FILE=$BATS_TEST_TMPDIR/exec.pid
}

teardown() {
	[ -z "${RECEIVER_PID:-}" ] || kill "$RECEIVER_PID" 2>/dev/null || true
	teardown_bundle
}

# exec_detached ARGS...: `exec --detach --pid-file` of ARGS (options, then the ID and command);
# checks the pid file (digits only, no newline) and sets EXEC_PID.
exec_detached() {
	ocirun exec --detach --pid-file "$EXEC_PID_FILE" "$@"
	assert_status 0
	[[ "$(cat "$EXEC_PID_FILE")" =~ ^[0-9]+$ ]] || fail "pid file holds '$(cat "$EXEC_PID_FILE")'"
	[ "$(wc -c <"$EXEC_PID_FILE")" -eq "$(tr -d '\n' <"$EXEC_PID_FILE" | wc -c)" ] ||
		fail "pid file ends with a newline"
	EXEC_PID=$(cat "$EXEC_PID_FILE")
}

# cap_bit MASK N: 1 when capability N is in the hex MASK of /proc/PID/status.
cap_bit() {
	echo $(((0x$1 >> $2) & 1))
}

# exe_is_ocirun PID: the process runs the runtime's binary, or the sealed form the runtime
# re-executes from (CVE-2019-5736): the memfd copy, whose link reads "/memfd:ocirun (deleted)",
# or the binary inside its private read-only overlay, whose link is its bare name.
exe_is_ocirun() {
	local exe
	exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	[ "$exe" = "$(readlink -f "$OCIRUN")" ] || [[ "$exe" == "/memfd:ocirun"* ]] ||
		[ "$exe" = "/$(basename "$(readlink -f "$OCIRUN")")" ]
}

# runtime_pids: the runtime processes of this test (the tag is in the runtime's environment).
runtime_pids() {
	local f pid
	for f in /proc/[0-9]*/environ; do
		pid=${f#/proc/}
		pid=${pid%/environ}
		exe_is_ocirun "$pid" || continue
		grep -qzxF "OCIRUN_TEST_TAG=$TAG" "$f" 2>/dev/null && echo "$pid"
	done
}

# wait_for_output FILE TEXT: polls until FILE contains TEXT.
wait_for_output() {
	local i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		grep -qF "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "$1 never held '$2': $(cat "$1" 2>/dev/null)"
}

# userns_config: a user namespace mapping container 0 to host 100000 (as userns.bats).
userns_config() {
	requires userns
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	local dir=$BUNDLE
	while [ "$dir" != "$(dirname "$BATS_RUN_TMPDIR")" ]; do
		chmod o+x "$dir"
		dir=$(dirname "$dir")
	done
}

# ------------------------------------------------------------------------------------------------
# where the process runs

@test "exec: the process is in every namespace of the container's init and in its cgroup" {
	launch
	init=$(pid_of "$ID")
	exec_detached "$ID" sleep 1000
	[ "$EXEC_PID" != "$init" ]
	for ns in user pid net ipc uts mnt cgroup time; do
		[ -e "/proc/self/ns/$ns" ] || continue
		[ "$(ns_of "$EXEC_PID" "$ns")" = "$(ns_of "$init" "$ns")" ] || fail "$ns namespace differs"
	done
	[ "$(cat "/proc/$EXEC_PID/cgroup")" = "$(cat "/proc/$init/cgroup")" ]
	# the container's root: it sees the init as its pid 1 and the bundle's rootfs as /
	[ "$(readlink "/proc/$EXEC_PID/root")" = "$(readlink "/proc/$init/root")" ]
	ocirun exec "$ID" cat /proc/1/comm
	assert_status 0
	[ "$output" = sleep ]
}

@test "exec: at the container's pids limit the process joins all the same" {
	# A process moved into a cgroup is not counted against pids.max, one forked there is: the
	# exec process moves itself (cgroup v1) or, where it cannot be cloned into the cgroup2
	# directory (clone3 fails with EAGAIN), the runtime writes its pid.
	update_config '.linux.resources.pids = {"limit": 1}'
	launch
	init=$(pid_of "$ID")
	exec_detached "$ID" sleep 1000
	[ "$(cat "/proc/$EXEC_PID/cgroup")" = "$(cat "/proc/$init/cgroup")" ]
	# the limit holds for what the container forks itself
	ocirun exec "$ID" sh -c 'sleep 1 & echo forked'
	[ "$status" -ne 0 ] || [[ "$output" != *forked* ]] || fail "a fork over pids.max worked: $output"
}

@test "exec: a container with a user namespace: joined, and root is the mapped uid" {
	userns_config
	launch
	init=$(pid_of "$ID")
	exec_detached "$ID" sleep 1000
	[ "$(ns_of "$EXEC_PID" user)" = "$(ns_of "$init" user)" ]
	[ "$(ns_of "$EXEC_PID" user)" != "$(ns_of self user)" ]
	[ "$(ns_of "$EXEC_PID" mnt)" = "$(ns_of "$init" mnt)" ]
	# cloned into no cgroup2 directory from inside the user namespace: the runtime writes the pid
	[ "$(cat "/proc/$EXEC_PID/cgroup")" = "$(cat "/proc/$init/cgroup")" ]
	[ "$(proc_status "$EXEC_PID" Uid)" = "$(printf '100000\t100000\t100000\t100000')" ]
	exec_detached --user 1000:1000 "$ID" sleep 1000
	[ "$(proc_status "$EXEC_PID" Uid)" = "$(printf '101000\t101000\t101000\t101000')" ]
	[ "$(proc_status "$EXEC_PID" Gid)" = "$(printf '101000\t101000\t101000\t101000')" ]
}

@test "exec: a namespace joined by path from outside the container's user namespace is joined too" {
	# setns(pidfd) joins the user namespace and the rest in one call; the network namespace,
	# owned by the host's user namespace, is checked against the runtime's own rights.
	launch "$ID-net"
	netns_owner=$(pid_of "$ID-net")
	userns_config
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/\($pid)/ns/net" else . end)' \
		--arg pid "$netns_owner"
	launch
	init=$(pid_of "$ID")
	[ "$(ns_of "$init" net)" = "$(ns_of "$netns_owner" net)" ]
	exec_detached "$ID" sleep 1000
	for ns in user pid net ipc uts mnt; do
		[ "$(ns_of "$EXEC_PID" "$ns")" = "$(ns_of "$init" "$ns")" ] || fail "$ns namespace differs"
	done
	[ "$(cat "/proc/$EXEC_PID/cgroup")" = "$(cat "/proc/$init/cgroup")" ]
}

# no_pidfd_setns_helper: writes a script that runs its arguments under a seccomp filter failing
# setns(2) with EINVAL when asked for the mount and uts namespaces at once, as a kernel before
# 5.8 answers setns(pidfd, flags); one namespace a call (setns of an fd) still works.
no_pidfd_setns_helper() {
	NO_PIDFD_SETNS=$BATS_TEST_TMPDIR/no-pidfd-setns
	cat >"$NO_PIDFD_SETNS" <<'PY'
#!/usr/bin/python3
import ctypes, os, struct, sys
both = 0x00020000 | 0x04000000  # CLONE_NEWNS | CLONE_NEWUTS
prog = [  # classic BPF over struct seccomp_data (x86_64: setns is 308)
    (0x20, 0, 0, 0),                 # A = nr
    (0x15, 0, 3, 308),               # setns? else allow
    (0x20, 0, 0, 24),                # A = low word of args[1], the flags
    (0x54, 0, 0, both),              # A &= both
    (0x15, 1, 0, both),              # both set: EINVAL
    (0x06, 0, 0, 0x7fff0000),        # SECCOMP_RET_ALLOW
    (0x06, 0, 0, 0x00050000 | 22),   # SECCOMP_RET_ERRNO | EINVAL
]
buf = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in prog))
fprog = struct.pack("HxxxxxxQ", len(prog), ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(22, 2, ctypes.c_char_p(fprog), 0, 0) < 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
    sys.exit("seccomp: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
PY
	chmod 755 "$NO_PIDFD_SETNS"
}

@test "exec: without setns(pidfd) (EINVAL, Linux before 5.8) the namespaces are joined one by one" {
	requires python3
	[ "$(uname -m)" = x86_64 ] || skip "the setns syscall number used here is x86_64's"
	no_pidfd_setns_helper
	userns_config
	launch
	init=$(pid_of "$ID")
	status=0
	rt_env "$NO_PIDFD_SETNS" "$OCIRUN" --root "$ROOT" exec --detach --pid-file "$EXEC_PID_FILE" "$ID" \
		sleep 1000 </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" || status=$?
	[ "$status" -eq 0 ] || fail "exec: $(cat "$BATS_TEST_TMPDIR/err")"
	EXEC_PID=$(cat "$EXEC_PID_FILE")
	for ns in user pid net ipc uts mnt cgroup; do
		[ "$(ns_of "$EXEC_PID" "$ns")" = "$(ns_of "$init" "$ns")" ] || fail "$ns namespace differs"
	done
	[ "$(proc_status "$EXEC_PID" Uid)" = "$(printf '100000\t100000\t100000\t100000')" ]
	# the filter does what it says: setns(pidfd, mnt|uts) fails with EINVAL under it
	run "$NO_PIDFD_SETNS" /usr/bin/python3 -c 'import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
print(libc.setns(os.pidfd_open(int(sys.argv[1])), 0x04020000), ctypes.get_errno())' "$init"
	[ "$output" = "-1 22" ] || fail "the filter let setns(pidfd) through: $output"
}

@test "exec: a --no-pivot container and one without a mount namespace: the process is in its root" {
	ocirun run --detach --no-pivot --bundle "$BUNDLE" "$ID"
	assert_status 0
	ocirun exec "$ID" sh -c 'test -x /bin/busybox && test -f /etc/passwd && ls /'
	assert_status 0
	# busybox's rootfs, not the host's /
	assert_output_contains linuxrc

	update_config '.linux.namespaces |= map(select(.type != "mount")) | .mounts = []
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []'
	ocirun run --detach --bundle "$BUNDLE" "$ID-nomnt"
	assert_status 0
	ocirun exec "$ID-nomnt" sh -c 'ls /; pwd'
	assert_status 0
	assert_output_contains linuxrc
	[ "${lines[-1]}" = / ]
}

@test "exec: into a created container (its init still waits for start)" {
	create_ok
	ocirun exec "$ID" sh -c 'echo from exec'
	assert_status 0
	[ "$output" = "from exec" ]
	[ "$(status_of "$ID")" = created ]
}

# ------------------------------------------------------------------------------------------------
# the foreground: status, stdio, signals

@test "exec: the process's exit status is passed through; a signal gives 128+N" {
	launch
	ocirun exec "$ID" sh -c 'exit 7'
	assert_status 7
	ocirun exec "$ID" false
	assert_status 1
	ocirun exec "$ID" sh -c 'kill -9 $$'
	assert_status 137
	ocirun exec "$ID" sh -c 'kill -TERM $$'
	assert_status 143
}

@test "exec: stdout and stderr are the runtime's own" {
	launch
	ocirun exec "$ID" sh -c 'echo to-stdout; echo to-stderr >&2'
	assert_status 0
	[ "$(cat "$CTR_STDOUT")" = to-stdout ]
	[ "$(cat "$CTR_STDERR")" = to-stderr ]
}

@test "exec: stdin is the runtime's own" {
	launch
	run rt exec "$ID" sh -c 'read line; echo "got $line"' <<<"hello" 3>&-
	[ "$status" -eq 0 ]
	[ "$output" = "got hello" ]
}

@test "exec: in the foreground, signals sent to the runtime reach the process" {
	launch
	ocirun_bg exec "$ID" sh -c 'trap "echo got TERM; exit 9" TERM; echo ready; while :; do sleep 0.1; done'
	wait_for_output "$BG_STDOUT" ready
	pids=$(runtime_pids)
	[ "$(wc -w <<<"$pids")" -eq 1 ] || fail "runtime processes: '$pids'"
	kill -TERM "$pids"
	ocirun_wait
	assert_status 9
	assert_output_contains "got TERM"
}

# ------------------------------------------------------------------------------------------------
# --detach and --pid-file

@test "exec --detach --pid-file: the pid is the process, in digits only" {
	launch
	exec_detached "$ID" sleep 1000
	proc_alive "$EXEC_PID"
	[[ "$(readlink "/proc/$EXEC_PID/exe")" == */bin/busybox ]]
	[ "$(proc_cmdline "$EXEC_PID")" = "sleep 1000" ]
	[ "$(pid_of "$ID")" != "$EXEC_PID" ]
}

@test "exec --detach: the process is a descendant of the caller, which reaps it (a subreaper)" {
	requires python3
	launch
	# PR_SET_CHILD_SUBREAPER is 36, as containerd's shim and conmon set it
	run rt_env python3 -c '
import ctypes, os, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(36, 1, 0, 0, 0) == 0
ocirun, root, cid, pidfile = sys.argv[1:5]
rc = subprocess.run([ocirun, "--root", root, "exec", "--detach", "--pid-file", pidfile, cid,
                     "sh", "-c", "sleep 0.3; exit 5"]).returncode
pid = int(open(pidfile).read())
with open("/proc/%d/stat" % pid) as f:
    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
_, st = os.waitpid(pid, 0)
print(rc, ppid == os.getpid(), os.waitstatus_to_exitcode(st))
' "$OCIRUN" "$ROOT" "$ID" "$EXEC_PID_FILE" 3>&-
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "0 True 5" ]
}

@test "exec --pid-file in a missing directory fails and leaves no process" {
	launch
	ocirun exec --detach --pid-file "$BATS_TEST_TMPDIR/nowhere/pid" "$ID" sleep 1001
	assert_status 255
	assert_output_contains nowhere
	! pgrep -f "sleep 1001" >/dev/null
}

# ------------------------------------------------------------------------------------------------
# --process

@test "exec --process: a process.json as containerd writes it (--detach --pid-file)" {
	launch
	jq '.process | .args = ["sh", "-c", "echo $FROM_JSON; exec sleep 1000"]
		| .env += ["FROM_JSON=yes"] | .cwd = "/tmp" | .oomScoreAdj = 123' \
		"$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/process.json"
	# containerd's order: exec --process F --detach --pid-file P ID
	ocirun exec --process "$BATS_TEST_TMPDIR/process.json" --detach --pid-file "$EXEC_PID_FILE" "$ID"
	assert_status 0
	pid=$(cat "$EXEC_PID_FILE")
	[[ "$pid" =~ ^[0-9]+$ ]]
	# (runc 1.1 leaves the exec'd process the runtime's oom_score_adj)
	[ "$(cat "/proc/$pid/oom_score_adj")" = 123 ]
	[[ "$(readlink "/proc/$pid/cwd")" == */tmp ]]
	grep -qzx 'FROM_JSON=yes' "/proc/$pid/environ"
	# the process writes on the runtime's stdout, which the caller gave it
	wait_for_output "$CTR_STDOUT" yes
	[ "$(proc_cmdline "$pid")" = "sleep 1000" ]
}

@test "exec --process: CRI-O's foreground exec; the process flags are ignored" {
	launch
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF'
		{"terminal": false, "user": {"uid": 0, "gid": 0}, "cwd": "/etc",
		 "args": ["sh", "-c", "echo $X $(pwd); exit 4"],
		 "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "X=json"]}
	EOF
	ocirun exec --process "$BATS_TEST_TMPDIR/process.json" --env X=flag --cwd / "$ID"
	assert_status 4
	[ "$output" = "json /etc" ]
}

# (runc names neither the file nor the field)
@test "exec --process: a bad process.json is refused with the file and field named" {
	launch
	echo '{"args": ["true"], "cwd": "relative"}' >"$BATS_TEST_TMPDIR/process.json"
	ocirun exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	assert_status 255
	assert_output_contains "process.json"
	assert_output_contains "cwd"
	echo '{"args": ["true"]}' >"$BATS_TEST_TMPDIR/process.json"
	ocirun exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	assert_status 255
	assert_output_contains "cwd: required field missing"
}

# ------------------------------------------------------------------------------------------------
# the process flags

@test "exec --env: added to the config's environment; a later duplicate wins" {
	launch
	# (runc's flag parser refuses -e and --env mixed in one call)
	ocirun exec --env A=1 --env B=two --env A=3 "$ID" env
	assert_status 0
	[ "$(grep -c '^A=' <<<"$output")" -eq 1 ]
	grep -qx 'A=3' <<<"$output"
	grep -qx 'B=two' <<<"$output"
	grep -q '^PATH=' <<<"$output"
	grep -qx "OCIRUN_TEST_TAG=$TAG" <<<"$output"
}

@test "exec --user 1000:1000 --additional-gids: uid, gid and groups" {
	launch
	exec_detached --user 1000:1000 -g 10 -g 20 "$ID" sleep 1000
	[ "$(proc_status "$EXEC_PID" Uid)" = "$(printf '1000\t1000\t1000\t1000')" ]
	[ "$(proc_status "$EXEC_PID" Gid)" = "$(printf '1000\t1000\t1000\t1000')" ]
	[ "$(proc_status "$EXEC_PID" Groups | xargs)" = "10 20" ]
	exec_detached -u 1234 "$ID" sleep 1000
	[ "$(proc_status "$EXEC_PID" Uid | awk '{ print $1 }')" = 1234 ]
	[ "$(proc_status "$EXEC_PID" Gid | awk '{ print $1 }')" = 0 ]
}

@test "exec --user: numbers only; a name is not looked up" {
	launch
	ocirun exec --user nobody "$ID" true
	assert_status 255
	assert_output_contains nobody
	ocirun exec --user 1000:users "$ID" true
	assert_status 255
	ocirun exec --user -1 "$ID" true
	assert_status 255
}

@test "exec --cap: bounding, effective and permitted, never inheritable or ambient" {
	launch
	# CAP_NET_ADMIN is 12, CAP_SYS_PTRACE 19; neither is in the default set
	exec_detached --cap CAP_NET_ADMIN --cap CAP_SYS_PTRACE "$ID" sleep 1000
	for set in CapBnd CapEff CapPrm; do
		[ "$(cap_bit "$(proc_status "$EXEC_PID" "$set")" 12)" = 1 ] || fail "$set lacks CAP_NET_ADMIN"
		[ "$(cap_bit "$(proc_status "$EXEC_PID" "$set")" 19)" = 1 ] || fail "$set lacks CAP_SYS_PTRACE"
	done
	[ "$(proc_status "$EXEC_PID" CapInh)" = 0000000000000000 ]
	[ "$(proc_status "$EXEC_PID" CapAmb)" = 0000000000000000 ]
	# without --cap the config's set
	exec_detached "$ID" sleep 1000
	[ "$(cap_bit "$(proc_status "$EXEC_PID" CapBnd)" 12)" = 0 ]
	# (runc warns and ignores an unknown name; ocirun refuses it, as it does in config.json)
	ocirun exec --cap CAP_NOPE "$ID" true
	assert_status 255
	assert_output_contains 'unknown capability "CAP_NOPE"'
}

@test "exec --cwd: the process starts there; the config's cwd otherwise" {
	launch
	ocirun exec --cwd /etc "$ID" pwd
	assert_status 0
	[ "$output" = /etc ]
	ocirun exec "$ID" pwd
	[ "$output" = / ]
	ocirun exec --cwd relative "$ID" pwd
	assert_status 255
	assert_output_contains "absolute path"
}

@test "exec --cwd: a missing directory is an error, not created (as runc; Podman says 127)" {
	launch
	# /dev is a writable tmpfs: the init would create its cwd there, exec must not
	ocirun exec --cwd /dev/nonexistent "$ID" true
	assert_status 255
	assert_output_contains /dev/nonexistent
	grep -qi 'set in config.json failed: no such file or directory' <<<"$output"
	ocirun exec "$ID" test -e /dev/nonexistent
	assert_status 1
}

@test "exec --no-new-privs: sets no_new_privs when the config does not" {
	update_config '.process.noNewPrivileges = false'
	launch
	exec_detached "$ID" sleep 1000
	[ "$(proc_status "$EXEC_PID" NoNewPrivs)" = 0 ]
	exec_detached --no-new-privs "$ID" sleep 1000
	[ "$(proc_status "$EXEC_PID" NoNewPrivs)" = 1 ]
}

# (--apparmor and --process-label: lsm.bats, and the qemu lane's guest-apparmor.sh)
@test "exec: --cgroup is refused until it is supported" {
	launch
	ocirun exec --cgroup sub "$ID" true
	assert_status 255
}

@test "exec: options stop at the command; the command's own flags are its own" {
	launch
	ocirun exec "$ID" ls -la /
	assert_status 0
	assert_output_contains linuxrc
	ocirun exec "$ID" sh -c 'printf "%s|" "$@"' sh -e -t --cwd /x
	assert_status 0
	[ "$output" = "-e|-t|--cwd|/x|" ]
}

# ------------------------------------------------------------------------------------------------
# terminals

@test "exec --tty --detach --console-socket: the pty master arrives, the process's stdio is the slave" {
	requires python3
	launch
	SOCK=$BATS_TEST_TMPDIR/console.sock
	REPORT=$BATS_TEST_TMPDIR/console.json
	python3 "$CONSOLE_RECEIVER" "$SOCK" "$REPORT" </dev/null >"$BATS_TEST_TMPDIR/receiver.log" 2>&1 3>&- &
	RECEIVER_PID=$!
	wait_for_socket "$SOCK"
	exec_detached --tty --console-socket "$SOCK" "$ID" sh -c 'for fd in 0 1 2; do test -t $fd && echo "fd $fd tty"; done; tty'
	wait "$RECEIVER_PID"
	RECEIVER_PID=
	cat "$REPORT"
	jq -e '.error == null and .fds == 1 and .isatty == true and (.name | length > 0)' "$REPORT"
	console=$(jq -r .output "$REPORT" | tr -d '\r')
	[ "$(sed -n 1,3p <<<"$console")" = "$(printf 'fd 0 tty\nfd 1 tty\nfd 2 tty')" ]
	[[ "$(sed -n 4p <<<"$console")" == /dev/pts/* ]]
}

# wait_for_socket PATH
wait_for_socket() {
	local i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ -S "$1" ] && return 0
		sleep 0.05
	done
	fail "no socket at $1: $(cat "$BATS_TEST_TMPDIR/receiver.log")"
}

@test "exec --tty in the foreground without a console socket: the runtime relays the terminal" {
	requires script
	launch
	run rt_env script -qec "$OCIRUN --root $ROOT exec --tty $ID sh -c 'test -t 0 && test -t 1 && echo tty-ok; tty; exit 3'" /dev/null </dev/null 3>&-
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *tty-ok* ]]
	[[ "$output" == */dev/pts/* ]]
}

@test "exec --tty: refused when detached without a console socket; a socket without --tty too" {
	launch
	ocirun exec --tty --detach "$ID" true
	assert_status 255
	assert_output_contains "cannot allocate tty if"
	ocirun exec --console-socket "$BATS_TEST_TMPDIR/none.sock" "$ID" true
	assert_status 255
	assert_output_contains "cannot use console socket"
}

# ------------------------------------------------------------------------------------------------
# the container's state

@test "exec: a stopped container is refused" {
	set_args true
	create_ok
	ocirun start "$ID"
	wait_for_status "$ID" stopped
	ocirun exec "$ID" true
	assert_status 255
	assert_output_contains "cannot exec in a stopped container"
}

@test "exec: an unknown container does not exist" {
	ocirun exec "$ID-none" true
	assert_status 255
	assert_output_contains "container does not exist"
}

@test "exec: a paused container is refused; with --ignore-paused the process runs once resumed" {
	launch
	ocirun pause "$ID"
	assert_status 0
	ocirun exec "$ID" echo ok
	assert_status 255
	assert_output_contains "cannot exec in a paused container (use --ignore-paused to override)"
	ocirun_bg exec --ignore-paused "$ID" echo ok
	sleep 0.5
	# it waits in the frozen cgroup, without holding the container's lock
	proc_alive "$BG_PID"
	ocirun resume "$ID"
	assert_status 0
	ocirun_wait
	assert_status 0
	[ "$output" = ok ]
}

# ------------------------------------------------------------------------------------------------
# failures and hygiene

@test "exec: a missing command gives Go's text, exit 255, and nothing is left" {
	launch
	snapshot before
	ocirun exec "$ID" nope
	assert_status 255
	# (runc's text log escapes the quotes)
	assert_output_contains 'exec: "nope": executable file not found in $PATH'
	assert_one_error_line
	ocirun exec "$ID" /bin/nope
	assert_status 255
	assert_output_contains 'no such file or directory'
	snapshot after
	assert_nothing_left before after
}

@test "exec: no fd of the caller or the runtime reaches the process" {
	launch
	ocirun_keep_fds exec "$ID" ls /proc/self/fd 3>&- 5<"$BUNDLE/config.json" 7<"$BUNDLE"
	assert_status 0
	# 3 is ls's own directory fd
	[ "$(xargs <<<"$output")" = "0 1 2 3" ]
	exec_detached "$ID" sleep 1000
	[ "$(proc_fds "$EXEC_PID")" = "0 1 2" ]
}

@test "exec --preserve-fds 1: exactly fd 3 is passed on" {
	launch
	echo preserved >"$BATS_TEST_TMPDIR/fd3"
	ocirun_keep_fds exec --preserve-fds 1 "$ID" sh -c 'cat <&3; ls /proc/self/fd' \
		3<"$BATS_TEST_TMPDIR/fd3" 5<"$BUNDLE/config.json"
	assert_status 0
	[ "${lines[0]}" = preserved ]
	[ "$(sed 1d <<<"$output" | xargs)" = "0 1 2 3 4" ]
	ocirun_keep_fds exec --preserve-fds 2 "$ID" true 3<"$BATS_TEST_TMPDIR/fd3" 4<&-
	assert_status 255
	assert_output_contains "fd 4"
}

@test "exec --cwd through a leaked directory fd is refused (CVE-2024-21626)" {
	launch
	ocirun_keep_fds exec --cwd /proc/self/fd/5 "$ID" pwd 3>&- 5<"$BATS_TEST_TMPDIR"
	assert_status 255
	[[ "$output" != *"$BATS_TEST_TMPDIR"* ]] || fail "the process ran in the host's directory"
}

# (ocirun's own: runc's exec helper runs from a memfd copy, not from the binary $OCIRUN names)
@test "exec: the exec process is not dumpable until its execve (CVE-2016-9962)" {
	userns_config
	launch
	init=$(pid_of "$ID")
	# Paused, the container holds the exec process frozen before it runs the command.
	ocirun pause "$ID"
	assert_status 0
	ocirun_bg exec --ignore-paused --detach --pid-file "$EXEC_PID_FILE" "$ID" sleep 1000
	# the exec process: the runtime's binary in the container's pid namespace (the intermediate,
	# which forks it, stays in the host's)
	helper= i=0
	while [ -z "$helper" ] && [ "$i" -lt "$WAIT_TRIES" ]; do
		for pid in $(runtime_pids); do
			[ "$(ns_of "$pid" pid)" != "$(ns_of "$init" pid)" ] || helper=$pid
		done
		[ -n "$helper" ] || sleep 0.05
		i=$((i + 1))
	done
	[ -n "$helper" ] || fail "no runtime process in the container's pid namespace"
	# It is the container's root (host uid 100000), yet its /proc files belong to the host's
	# root: the kernel does that for a process that is not dumpable.
	[ "$(proc_status "$helper" Uid | awk '{ print $1 }')" = 100000 ]
	[ "$(stat -c %u "/proc/$helper/status")" = 0 ]
	[ "$(ns_of "$helper" user)" = "$(ns_of "$init" user)" ]
	ocirun resume "$ID"
	assert_status 0
	ocirun_wait
	assert_status 0
	EXEC_PID=$(cat "$EXEC_PID_FILE")
	[ "$EXEC_PID" = "$helper" ]
	# After execve: the command's binary, and dumpable again.
	[[ "$(readlink "/proc/$EXEC_PID/exe")" == */bin/busybox ]]
	[ "$(stat -c %u "/proc/$EXEC_PID/status")" = 100000 ]
	# paused, the runtime put it into the cgroup (a process joining by itself would freeze first)
	[ "$(cat "/proc/$EXEC_PID/cgroup")" = "$(cat "/proc/$init/cgroup")" ]
}

# keyring_helper: writes a script that runs its arguments from 2 on in a new session keyring
# named $1 (keyctl(2) KEYCTL_JOIN_SESSION_KEYRING through python: keyutils is not always there).
keyring_helper() {
	KEYRING_HELPER=$BATS_TEST_TMPDIR/with-keyring
	cat >"$KEYRING_HELPER" <<'PY'
#!/usr/bin/python3
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.syscall(250, 1, sys.argv[1].encode()) < 0:  # SYS_keyctl (x86_64), KEYCTL_JOIN_SESSION_KEYRING
    sys.exit("keyctl: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[2], sys.argv[2:])
PY
	chmod 755 "$KEYRING_HELPER"
}

@test "exec: a new session keyring unless create had --no-new-keyring, like the init" {
	requires python3
	[ "$(uname -m)" = x86_64 ] || skip "the keyctl syscall number used here is x86_64's"
	[ -r /proc/keys ] || skip "no /proc/keys (CONFIG_KEYS off)"
	keyring_helper
	# /proc/keys shows a process that is not the keys' owner only what it possesses, i.e. what
	# hangs off its session keyring: the caller's named keyring is listed iff it was kept.
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .linux.maskedPaths -= ["/proc/keys"]'
	set_args sh -c 'cat /proc/keys >/dev/shm/init-keys; echo end >>/dev/shm/init-keys; sleep 1000'
	for flag in "" --no-new-keyring; do
		id=$ID${flag:+-kept}
		ring=ocirun-test-$id
		status=0
		rt_env "$KEYRING_HELPER" "$ring" "$OCIRUN" --root "$ROOT" create --bundle "$BUNDLE" $flag "$id" \
			</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" || status=$?
		[ "$status" -eq 0 ] || fail "create $flag: $(cat "$BATS_TEST_TMPDIR/err")"
		start_ok "$id"
		wait_for_file "/proc/$(pid_of "$id")/root/dev/shm/init-keys"
		status=0
		exec_keys=$(rt_env "$KEYRING_HELPER" "$ring" "$OCIRUN" --root "$ROOT" exec "$id" cat /proc/keys </dev/null) || status=$?
		[ "$status" -eq 0 ] || fail "exec failed"
		init_keys=$(cat "/proc/$(pid_of "$id")/root/dev/shm/init-keys")
		if [ -z "$flag" ]; then
			! grep -q "$ring" <<<"$init_keys" || fail "the init kept the caller's session keyring"
			! grep -q "$ring" <<<"$exec_keys" || fail "exec kept the caller's session keyring"
		else
			grep -q "$ring" <<<"$init_keys" || fail "--no-new-keyring: the init has a new keyring"
			grep -q "$ring" <<<"$exec_keys" || fail "--no-new-keyring: exec made a new keyring"
		fi
	done
}
