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

# idmap_source: a tmpfs owned by host root with one file, in $IDMAP_SRC (tmpfs takes idmapped
# mounts since Linux 6.3; the test skips, saying so, where it does not).
idmap_source() {
	IDMAP_SRC=$BATS_TEST_TMPDIR/idmap-src
	mkdir "$IDMAP_SRC"
	mount -t tmpfs -o mode=0755 tmpfs "$IDMAP_SRC"
	echo host >"$IDMAP_SRC/from-host"
	mkdir -p rootfs/idm rootfs/plain
}

@test "idmapped bind mount: host root's files appear as the container's root, and back" {
	idmap_source
	update_config '.mounts += [{"destination": "/idm", "type": "bind", "source": $src,
			"options": ["bind"],
			"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
			"gidMappings": [{"containerID": 0, "hostID": 200000, "size": 65536}]},
		{"destination": "/plain", "type": "bind", "source": $src, "options": ["bind"]}]
		| .root.readonly = false' --arg src "$IDMAP_SRC"
	run_in_container 'stat -c %u:%g /idm/from-host /plain/from-host; touch /idm/made-inside;
		grep " /idm " /proc/self/mountinfo'
	if [ "$status" -ne 0 ] && [[ "$output" == *"does not support idmapped"* ]]; then
		skip "tmpfs does not take idmapped mounts on this kernel ($(uname -r))"
	fi
	assert_status 0
	[ "${lines[0]}" = 0:0 ]
	# the same files without the idmap: unmapped host root, the overflow ids
	[ "${lines[1]}" = "$(cat /proc/sys/kernel/overflowuid):$(cat /proc/sys/kernel/overflowgid)" ]
	# made by the container's root (host 100000:200000), stored as host root through the idmap
	[ "$(stat -c %u:%g "$IDMAP_SRC/made-inside")" = 0:0 ]
	[[ "${lines[2]}" == *idmapped* ]]
}

@test "\"idmap\" without mappings of its own takes the container's; \"ridmap\" reaches submounts" {
	idmap_source
	mkdir "$IDMAP_SRC/sub"
	mount -t tmpfs tmpfs "$IDMAP_SRC/sub"
	echo host >"$IDMAP_SRC/sub/f"
	update_config '.mounts += [{"destination": "/idm", "type": "bind", "source": $src,
			"options": ["rbind", "ridmap"]}]' --arg src "$IDMAP_SRC"
	run_in_container 'stat -c %u:%g /idm/from-host /idm/sub/f'
	if [ "$status" -ne 0 ] && [[ "$output" == *"does not support idmapped"* ]]; then
		skip "tmpfs does not take idmapped mounts on this kernel ($(uname -r))"
	fi
	assert_status 0
	[ "${lines[0]}" = 0:0 ]
	[ "${lines[1]}" = 0:0 ]
	umount "$IDMAP_SRC/sub"
}

@test "idmapped mounts: a filesystem that cannot, and a mount that is not a bind, are refused" {
	update_config '.mounts += [{"destination": "/idm", "type": "bind", "source": "/proc/sys",
		"options": ["bind", "idmap"]}]'
	set_args true
	ocirun run "$ID"
	assert_status nonzero
	assert_output_contains "does not support idmapped mounts"
	[ -z "$(test_pids)" ]
	update_config '.mounts[-1] = {"destination": "/idm", "type": "tmpfs", "source": "tmpfs",
		"options": ["idmap"]}'
	ocirun run "$ID"
	assert_status nonzero
	assert_output_contains "only supported for bind mounts"
}

@test "features reports idmapped mounts where the kernel has mount_setattr" {
	# mount_setattr came with Linux 5.12
	read -r major minor _ <<<"$(uname -r | tr '.-' '  ')"
	ocirun_noroot features
	assert_status 0
	if [ "$major" -gt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -ge 12 ]; }; then
		[ "$(jq -r '.linux.mountExtensions.idmap.enabled' <<<"$output")" = true ]
		jq -e '.mountOptions | index("idmap") != null and index("ridmap") != null' <<<"$output"
	else
		[ "$(jq -r '.linux.mountExtensions.idmap.enabled' <<<"$output")" = false ]
	fi
}
