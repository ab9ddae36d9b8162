#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A user namespace with uid/gid mappings: the maps the kernel shows, the ids the host sees, the
# owner of files the container makes.

load helpers

setup() {
	requires userns
	setup_bundle
	set_args sleep 1000
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	# the container's root (host uid 100000) must be able to reach the rootfs
	local dir=$BUNDLE
	while [ "$dir" != "$(dirname "$BATS_RUN_TMPDIR")" ]; do
		chmod o+x "$dir"
		dir=$(dirname "$dir")
	done
}

teardown() {
	teardown_bundle
}

# map_of PID uid|gid: the map with blanks squeezed, one mapping a line.
map_of() {
	while read -r line; do squeeze "$line"; done <"/proc/$1/$2_map"
}

@test "uid_map and gid_map hold the configured mappings; the user namespace is new" {
	launch
	pid=$(pid_of "$ID")
	[ "$(ns_of "$pid" user)" != "$(ns_of self user)" ]
	[ "$(map_of "$pid" uid)" = "0 100000 65536" ]
	[ "$(map_of "$pid" gid)" = "0 200000 65536" ]
	# the host sees the mapped ids
	[ "$(proc_status "$pid" Uid | awk '{ print $1 }')" = 100000 ]
	[ "$(proc_status "$pid" Gid | awk '{ print $1 }')" = 200000 ]
}

@test "inside, the process is root and sees the same maps" {
	run_in_container 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	assert_status 0
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "$(squeeze "${lines[2]}")" = "0 100000 65536" ]
	[ "$(squeeze "${lines[3]}")" = "0 200000 65536" ]
}

@test "several mappings; process.user is mapped to the host id" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
			{"containerID": 1000, "hostID": 300000, "size": 1}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000},
			{"containerID": 1000, "hostID": 400000, "size": 1}]
		| .process.user = {"uid": 1000, "gid": 1000}'
	launch
	pid=$(pid_of "$ID")
	[ "$(map_of "$pid" uid)" = "$(printf '0 100000 1000\n1000 300000 1')" ]
	[ "$(map_of "$pid" gid)" = "$(printf '0 200000 1000\n1000 400000 1')" ]
	[ "$(proc_status "$pid" Uid | awk '{ print $1 }')" = 300000 ]
	[ "$(proc_status "$pid" Gid | awk '{ print $1 }')" = 400000 ]
}

@test "a file the container makes belongs to the mapped host ids" {
	chown 100000:200000 rootfs/tmp
	update_config '.root.readonly = false'
	run_in_container 'touch /tmp/made-inside; stat -c %u:%g /tmp/made-inside'
	assert_status 0
	[ "$output" = 0:0 ]
	[ "$(stat -c %u:%g rootfs/tmp/made-inside)" = 100000:200000 ]
}

@test "files of unmapped host ids show as the overflow id inside" {
	run_in_container 'stat -c %u:%g /bin/busybox'
	assert_status 0
	[ "$output" = "$(cat /proc/sys/kernel/overflowuid):$(cat /proc/sys/kernel/overflowgid)" ]
}
