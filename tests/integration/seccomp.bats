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

# refused PATTERN...: create fails, naming each PATTERN, with one line on stderr and nothing left.
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
