#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# linux.seccomp: the filter is in place in the container's process (/proc/PID/status), refuses
# what the profile refuses with the configured errno, lets the rest through, and a broken
# profile is refused before anything is made.
#
# ocirun-specific: the texts of the refusals (JSON paths) are ocirun's; runc words them
# differently, and accepts an argument index of 6 until the filter is loaded.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
	# a writable root, so that a refused mkdir is refused by the filter and nothing else
	update_config '.root.readonly = false'
}

teardown() {
	teardown_bundle
}

# seccomp PROFILE-JSON: sets linux.seccomp.
seccomp() {
	update_config '.linux.seccomp = $p' --argjson p "$1"
}

DENY_MKDIR='{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]
}'

# What busybox and the runtime's last steps in the init (after the filter is loaded: the sync
# socket, exec.fifo, closing fds, execve) need, and more: the allow list of a default-deny
# profile. Names this libseccomp does not know are skipped.
ALLOWED='[
	"access", "arch_prctl", "brk", "capget", "capset", "chdir", "clock_gettime", "clock_nanosleep",
	"clone", "clone3", "close", "close_range", "dup", "dup2", "dup3", "epoll_create1", "epoll_ctl",
	"epoll_pwait", "epoll_wait", "execve", "execveat", "exit", "exit_group", "faccessat",
	"faccessat2", "fchdir", "fchmod", "fchown", "fcntl", "fstat", "fstatfs", "futex", "getcwd",
	"getdents64", "getegid", "geteuid", "getgid", "getgroups", "getpgrp", "getpid", "getppid",
	"getrandom", "getresgid", "getresuid", "getrlimit", "getsid", "gettid", "gettimeofday",
	"getuid", "ioctl", "kill", "lseek", "lstat", "madvise", "mmap", "mprotect", "munmap",
	"nanosleep", "newfstatat", "open", "openat", "openat2", "pipe", "pipe2", "poll", "ppoll",
	"prctl", "pread64", "prlimit64", "pselect6", "read", "readlink", "readlinkat", "readv",
	"recvfrom", "recvmsg", "rseq", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	"rt_sigsuspend", "sched_getaffinity", "sched_yield", "select", "send", "sendmsg", "sendto",
	"set_robust_list", "set_tid_address", "setgid", "setgroups", "setpgid", "setresgid",
	"setresuid", "setsid", "setuid", "sigaltstack", "stat", "statfs", "statx", "sysinfo",
	"tgkill", "umask", "uname", "vfork", "wait4", "waitid", "write", "writev"
]'

@test "seccomp: a denied mkdir fails with EPERM; the filter is in place" {
	# without the profile the same mkdir works
	run_in_container 'mkdir /tmp/control && echo made'
	assert_status 0
	[ "$output" = made ]

	seccomp "$DENY_MKDIR"
	run_in_container 'mkdir /tmp/x; echo "rc=$?"; [ ! -e /tmp/x ] && echo absent'
	assert_status 0
	assert_output_contains "Operation not permitted"
	assert_output_contains "rc=1"
	assert_output_contains "absent"
	[ ! -e "$BUNDLE/rootfs/tmp/x" ]

	set_args sleep 1000
	launch
	pid=$(pid_of "$ID")
	[ "$(proc_status "$pid" Seccomp)" = 2 ]
	# one filter more than the runtime itself runs under (none, on a plain host)
	want=$(($(proc_status $$ Seccomp_filters || echo 0) + 1))
	[ "$(proc_status "$pid" Seccomp_filters)" = "$want" ]
}

@test "seccomp: errnoRet is the errno the process sees" {
	seccomp '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]
	}'
	run_in_container 'mkdir /tmp/x'
	assert_status nonzero
	assert_output_contains "Function not implemented"
}

@test "seccomp: argument conditions select the calls refused" {
	# kill refused for SIGUSR1 (10) only; the shell's kill builtin makes the syscall itself
	seccomp '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
		              "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]
	}'
	run_in_container 'kill -0 $$ && echo signal-0-sent; kill -USR1 $$ || echo usr1-refused'
	assert_status 0
	assert_output_contains "signal-0-sent"
	assert_output_contains "usr1-refused"
	assert_output_contains "Operation not permitted"
}

@test "seccomp: a default-deny profile with an allow list runs true" {
	seccomp "$(jq -n --argjson allowed "$ALLOWED" '{
		defaultAction: "SCMP_ACT_ERRNO",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: ($allowed + ["not_a_syscall_of_any_kernel"]), action: "SCMP_ACT_ALLOW"}]
	}')"
	set_args true
	ocirun run "$ID"
	assert_status 0

	# and what is not listed is refused
	run_in_container 'mkdir /tmp/x || echo refused'
	assert_status 0
	assert_output_contains "refused"
	[ ! -e "$BUNDLE/rootfs/tmp/x" ]
}

@test "seccomp: the filter is loaded without noNewPrivileges too" {
	update_config '.process.noNewPrivileges = false'
	seccomp "$DENY_MKDIR"
	launch
	pid=$(pid_of "$ID")
	[ "$(proc_status "$pid" NoNewPrivs)" = 0 ]
	[ "$(proc_status "$pid" Seccomp)" = 2 ]
	run_in_container 'mkdir /tmp/x'
	assert_status nonzero
	assert_output_contains "Operation not permitted"
}

@test "seccomp: an unknown action is refused and nothing is left behind" {
	seccomp '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_FOO"}]
	}'
	refused "linux.seccomp.syscalls[0].action" '"SCMP_ACT_FOO"'
}

@test "seccomp: an unknown operator, a bad argument index, notify without listenerPath" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"],
		"action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]}]}'
	refused "linux.seccomp.syscalls[0].args[0].op" '"SCMP_CMP_FOO"'

	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"],
		"action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}'
	refused "config.json: linux.seccomp.syscalls[0].args[0].index: 6 is out of range (0-5)"

	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	refused "config.json: linux.seccomp.listenerPath: not set, and linux.seccomp.syscalls[0] uses SCMP_ACT_NOTIFY"
}

@test "seccomp: unknown syscall names are skipped" {
	seccomp '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["no_such_syscall_anywhere", "mkdir", "mkdirat"],
		              "action": "SCMP_ACT_ERRNO"}]
	}'
	run_in_container 'mkdir /tmp/x'
	assert_status nonzero
	assert_output_contains "Operation not permitted"
}

@test "seccomp: a profile loaded before the identity switch may refuse close_range" {
	# Without noNewPrivileges the filter is loaded early, so the init's own fd cleanup runs
	# under it; a profile without close_range (like the runtime-tools default) must still work.
	update_config '.process.noNewPrivileges = false'
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["close_range"], "action": "SCMP_ACT_ERRNO"}]}'
	run_in_container 'echo ran'
	assert_status 0
	[ "$output" = ran ]
}

@test "seccomp: features lists SCMP_ACT_NOTIFY and the flags this kernel takes" {
	ocirun features
	assert_status 0
	jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")' <<<"$output"
	for f in SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW \
		SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; do
		jq -e --arg f "$f" '.linux.seccomp.knownFlags | index($f)' <<<"$output"
	done
	# every kernel since 4.17 takes LOG and SPEC_ALLOW; supported is a subset of known
	jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG")' <<<"$output"
	jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_SPEC_ALLOW")' <<<"$output"
	jq -e '.linux.seccomp | (.supportedFlags - .knownFlags) == []' <<<"$output"
}

@test "seccomp: SECCOMP_FILTER_FLAG_LOG and SPEC_ALLOW load; an unknown flag names its path" {
	seccomp "$(jq -n --argjson p "$DENY_MKDIR" \
		'$p + {flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]}')"
	run_in_container 'mkdir /tmp/x'
	assert_status nonzero
	assert_output_contains "Operation not permitted"

	seccomp "$(jq -n --argjson p "$DENY_MKDIR" '$p + {flags: ["SECCOMP_FILTER_FLAG_FOO"]}')"
	refused "linux.seccomp.flags[0]" '"SECCOMP_FILTER_FLAG_FOO"'
}

# ---- the program cache (issue 7): <root>/.seccomp:cache/<sha256 key> --------------------------

CACHE_HEADER=80 # magic 8, version 4, count 4, key 32, checksum 32

# cache_entry: the path of the only entry (fails unless there is exactly one).
cache_entry() {
	local entries=("$ROOT/.seccomp:cache"/*)
	[ "${#entries[@]}" -eq 1 ] && [ -e "${entries[0]}" ] || fail "want one cache entry: ${entries[*]}"
	echo "${entries[0]}"
}

# debug_run CMD: run_in_container with --debug, the log in $output as well.
debug_run() {
	set_args sh -c "$1"
	ocirun --debug run "$ID-run"
}

# default_deny_check: the default-deny profile's behaviour: allowed calls work, mkdir is refused.
default_deny_check() {
	assert_status 0
	assert_output_contains "refused"
	assert_output_contains "ran"
	[ ! -e "$BUNDLE/rootfs/tmp/x" ]
}

@test "seccomp: the program is cached in the state root, private, and gives the same filter" {
	seccomp "$DENY_MKDIR"
	debug_run 'mkdir /tmp/x; echo "rc=$?"'
	assert_output_contains "rc=1"
	assert_output_contains "Operation not permitted"
	assert_output_contains "seccomp cache: no entry"
	[ "$(stat -c '%a %u %F' "$ROOT/.seccomp:cache")" = "700 0 directory" ]
	entry=$(cache_entry)
	[ "$(stat -c '%a %u %F' "$entry")" = "600 0 regular file" ]
	size=$(stat -c %s "$entry")
	[ $(((size - CACHE_HEADER) % 8)) -eq 0 ] && [ "$size" -gt "$CACHE_HEADER" ]
	# the name is the key, which the header holds too
	[ "$(basename "$entry")" = "$(od -An -tx1 -j16 -N32 "$entry" | tr -d ' \n')" ]
	cp "$entry" "$BATS_TEST_TMPDIR/first"

	# used again: the same behaviour, and the entry as it was
	debug_run 'mkdir /tmp/x; echo "rc=$?"; echo ran'
	assert_output_contains "rc=1"
	assert_output_contains "Operation not permitted"
	assert_output_contains ran
	assert_output_contains "seccomp cache: program $(basename "$entry") (10 instructions) loaded" ||
		assert_output_contains "seccomp cache: program $(basename "$entry") ("
	cmp "$entry" "$BATS_TEST_TMPDIR/first"

	# built again from scratch, the program is the same, byte for byte
	rm -rf "$ROOT/.seccomp:cache"
	debug_run 'true'
	assert_output_contains "seccomp cache: no entry"
	cmp "$(cache_entry)" "$BATS_TEST_TMPDIR/first"

	# another profile has another entry; the flags are not part of the key
	seccomp "$(jq -n --argjson p "$DENY_MKDIR" '$p + {defaultErrnoRet: 38}')"
	debug_run 'true'
	[ "$(find "$ROOT/.seccomp:cache" -type f | wc -l)" -eq 2 ]
	seccomp "$(jq -n --argjson p "$DENY_MKDIR" '$p + {flags: ["SECCOMP_FILTER_FLAG_LOG"]}')"
	debug_run 'mkdir /tmp/x'
	assert_output_contains "Operation not permitted"
	assert_output_contains "seccomp cache: program $(basename "$entry")"
	[ "$(find "$ROOT/.seccomp:cache" -type f | wc -l)" -eq 2 ]
	# and the cache is no container
	ocirun list
	assert_status 0
	[[ "$output" != *seccomp* ]]
}

@test "seccomp: a corrupt, truncated, foreign or unsafe cache entry is ignored and rewritten" {
	# another profile's entry, to plant under the name of this one
	seccomp "$DENY_MKDIR"
	debug_run true
	mv "$(cache_entry)" "$BATS_TEST_TMPDIR/other"

	seccomp "$(jq -n --argjson allowed "$ALLOWED" '{
		defaultAction: "SCMP_ACT_ERRNO",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: $allowed, action: "SCMP_ACT_ALLOW"}]
	}')"
	probe='mkdir /tmp/x 2>/dev/null || echo refused; echo ran'
	debug_run "$probe"
	default_deny_check
	entry=$(cache_entry)
	cp "$entry" "$BATS_TEST_TMPDIR/good"

	# expect_rewritten: the damaged entry was refused, the filter still right, the entry good again
	expect_rewritten() {
		debug_run "$probe"
		default_deny_check
		assert_output_contains "is not valid"
		assert_output_contains "ignored"
		cmp "$entry" "$BATS_TEST_TMPDIR/good"
		[ "$(stat -c '%a %u %F' "$entry")" = "600 0 regular file" ]
	}

	# one instruction changed (checksum mismatch)
	printf '\x06' | dd of="$entry" bs=1 seek=$((CACHE_HEADER + 8 * 5)) conv=notrunc status=none
	expect_rewritten
	# truncated in the middle of the instructions
	truncate -s $((CACHE_HEADER + 12)) "$entry"
	expect_rewritten
	# a valid entry of another profile under this name (its key does not match)
	cp "$BATS_TEST_TMPDIR/other" "$entry"
	expect_rewritten
	# readable by others, or not ours: not trusted
	chmod 0644 "$entry"
	expect_rewritten
	chown 65534 "$entry"
	expect_rewritten
	# a symlink (to a good entry) is not followed
	rm "$entry"
	ln -s "$BATS_TEST_TMPDIR/good" "$entry"
	expect_rewritten
	[ ! -L "$entry" ]

	# a cache directory others can write to is not used at all
	chmod 0777 "$ROOT/.seccomp:cache"
	debug_run "$probe"
	default_deny_check
	assert_output_contains "not private"
	chmod 0700 "$ROOT/.seccomp:cache"
}

# kernel_filter PID: the newest seccomp filter PID runs under, as hex bytes (PTRACE_SECCOMP_GET_FILTER).
kernel_filter() {
	"$SECCOMP_AGENT" -d "$1" | head -n1
}

@test "seccomp: the filter in the kernel is the cache entry's program, built fresh or cached" {
	SECCOMP_AGENT=${SECCOMP_AGENT:-$BUILD_ROOT/tests/integration/seccomp_agent}
	[ -x "$SECCOMP_AGENT" ] || skip "no filter dumper at $SECCOMP_AGENT (built only with libseccomp)"
	seccomp "$(jq -n --argjson allowed "$ALLOWED" '{
		defaultAction: "SCMP_ACT_ERRNO",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: ($allowed + ["restart_syscall"]), action: "SCMP_ACT_ALLOW"},
		           {names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 38,
		            args: [{index: 1, value: 10, op: "SCMP_CMP_EQ"}]}]
	}')"
	# sleep resumes its interrupted nanosleep with restart_syscall after the dump's ptrace stop
	set_args sleep 1000

	# built (no entry yet), loaded, stored
	launch "$ID-a"
	fresh=$(kernel_filter "$(pid_of "$ID-a")")
	entry=$(cache_entry)
	stored=$(od -An -v -tx1 -j"$CACHE_HEADER" "$entry" | tr -d ' \n')
	[ -n "$fresh" ]
	[ "$fresh" = "$stored" ] || fail "the kernel's filter differs from the cache entry"

	# loaded from the entry: the same program
	launch "$ID-b"
	[ "$(kernel_filter "$(pid_of "$ID-b")")" = "$fresh" ]

	# and so for an exec process
	ocirun exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID-b" sleep 1000
	assert_status 0
	[ "$(kernel_filter "$(cat "$BATS_TEST_TMPDIR/exec.pid")")" = "$fresh" ]
}
