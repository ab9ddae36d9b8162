#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# linux.namespaces: new ones, none, joined by path; hostname and domainname; the network
# namespace's loopback.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
}

teardown() {
	teardown_bundle
}

# remove_ns TYPE: the container shares the host's TYPE namespace.
remove_ns() {
	update_config '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
	# a hostname needs a uts namespace of the container's own
	[ "$1" != uts ] || update_config 'del(.hostname)'
}

@test "the default namespaces are new; cgroup, user and time are the host's" {
	launch
	pid=$(pid_of "$ID")
	for ns in pid net ipc uts mnt; do
		[ "$(ns_of "$pid" "$ns")" != "$(ns_of self "$ns")" ] || fail "$ns is the host's"
	done
	for ns in cgroup user time; do
		[ -e "/proc/self/ns/$ns" ] || continue
		[ "$(ns_of "$pid" "$ns")" = "$(ns_of self "$ns")" ] || fail "$ns is not the host's"
	done
}

@test "a namespace left out of the config is the host's" {
	for type in network ipc uts pid; do
		case $type in network) ns=net ;; *) ns=$type ;; esac
		cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
		remove_ns "$type"
		launch "$ID-$ns"
		pid=$(pid_of "$ID-$ns")
		[ "$(ns_of "$pid" "$ns")" = "$(ns_of self "$ns")" ] || fail "$ns is not the host's"
		[ "$(ns_of "$pid" mnt)" != "$(ns_of self mnt)" ]
		ocirun delete --force "$ID-$ns"
		assert_status 0
		cp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
	done
}

@test "a cgroup namespace when asked: the container sees its cgroup as the root" {
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	launch
	pid=$(pid_of "$ID")
	[ "$(ns_of "$pid" cgroup)" != "$(ns_of self cgroup)" ]

	set_args cat /proc/self/cgroup
	ocirun run "$ID-b"
	assert_status 0
	for line in "${lines[@]}"; do
		[ "${line##*:}" = / ] || fail "cgroup line '$line' is not the namespace root"
	done
}

@test "namespaces joined by path are the other container's" {
	launch "$ID-a"
	a=$(pid_of "$ID-a")
	update_config '.linux.namespaces |= map(
		if .type == "network" then .path = "/proc/\($pid)/ns/net"
		elif .type == "ipc" then .path = "/proc/\($pid)/ns/ipc"
		elif .type == "uts" then .path = "/proc/\($pid)/ns/uts"
		else . end)
		| del(.hostname)' --arg pid "$a"
	launch "$ID-b"
	b=$(pid_of "$ID-b")
	for ns in net ipc uts; do
		[ "$(ns_of "$b" "$ns")" = "$(ns_of "$a" "$ns")" ] || fail "$ns was not joined"
	done
	for ns in pid mnt; do
		[ "$(ns_of "$b" "$ns")" != "$(ns_of "$a" "$ns")" ] || fail "$ns is shared but should not be"
		[ "$(ns_of "$b" "$ns")" != "$(ns_of self "$ns")" ] || fail "$ns is the host's"
	done
}

@test "hostname is set in the container's uts namespace only" {
	host_name=$(hostname)
	update_config '.hostname = "inside-host"'
	run_in_container 'hostname'
	assert_status 0
	[ "$output" = inside-host ]
	[ "$(hostname)" = "$host_name" ]
}

# runc 1.1 predates the domainname field (runtime-spec 1.1): fails with OCIRUN=runc.
@test "domainname is set in the container's uts namespace only" {
	host_domain=$(cat /proc/sys/kernel/domainname)
	update_config '.domainname = "inside.example"'
	run_in_container 'cat /proc/sys/kernel/domainname'
	assert_status 0
	[ "$output" = inside.example ]
	[ "$(cat /proc/sys/kernel/domainname)" = "$host_domain" ]
}

@test "a new network namespace has only the loopback, and it is up" {
	run_in_container 'ls /sys/class/net; ip -o link show lo; ip -o addr show lo'
	assert_status 0
	[ "${lines[0]}" = lo ]
	[[ "${lines[1]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	[[ "$output" == *"inet 127.0.0.1/8"* ]]
}

@test "the container's pid namespace: its process is pid 1 and sees no host process" {
	run_in_container 'echo $$; ls -d /proc/[0-9]* | wc -l'
	assert_status 0
	[ "${lines[0]}" = 1 ]
	# sh itself and the ls (and maybe wc) of the pipeline
	[ "${lines[1]}" -le 3 ]
}

@test "a time namespace with timeOffsets shifts the container's boottime and monotonic clocks" {
	[ -e /proc/self/ns/time ] || skip "this kernel has no time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 864000}, "monotonic": {"secs": 86400}}'
	launch
	pid=$(pid_of "$ID")
	[ "$(ns_of "$pid" time)" != "$(ns_of self time)" ] || fail "the time namespace is the host's"
	grep -Eq '^monotonic +86400 +0$' "/proc/$pid/timens_offsets" || fail "$(cat "/proc/$pid/timens_offsets")"
	grep -Eq '^boottime +864000 +0$' "/proc/$pid/timens_offsets" || fail "$(cat "/proc/$pid/timens_offsets")"
	# /proc/uptime inside counts from the shifted boot: at least ten days
	run_in_container 'cut -d. -f1 /proc/uptime'
	assert_status 0
	[ "$output" -ge 864000 ] || fail "uptime inside is $output"
}
