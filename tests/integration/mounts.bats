#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mounts, root.readonly, masked and read-only paths, /dev, --no-pivot. Checked from the host in
# /proc/PID/mountinfo of a running container and, where it is the only way, from inside.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
	HOSTDIR=$BATS_TEST_TMPDIR/hostdir
	mkdir "$HOSTDIR"
	echo from-host >"$HOSTDIR/file"
}

teardown() {
	teardown_bundle
}

# add_mount DEST TYPE SOURCE [OPTION...]
add_mount() {
	local dest=$1 type=$2 source=$3 options
	shift 3
	options=$(jq -cn '$ARGS.positional' --args -- "$@")
	update_config '.mounts += [{"destination": $d, "type": $t, "source": $s, "options": $o}]' \
		--arg d "$dest" --arg t "$type" --arg s "$source" --argjson o "$options"
}

# has_opt OPTS WORD: the comma-separated OPTS contain WORD.
has_opt() {
	[[ ",$1," == *",$2,"* ]] || fail "'$2' not in '$1'"
}

@test "bind mount: the host dir's files are visible and writable" {
	add_mount /mnt bind "$HOSTDIR" bind
	run_in_container 'cat /mnt/file && echo from-container >/mnt/new'
	assert_status 0
	[ "$output" = from-host ]
	[ "$(cat "$HOSTDIR/new")" = from-container ]
}

@test "bind mount with ro: read-only in mountinfo and to writes" {
	add_mount /mnt bind "$HOSTDIR" bind ro
	launch
	line=$(mountinfo_line "$(pid_of "$ID")" /mnt)
	[ -n "$line" ]
	has_opt "$(mount_opts "$line")" ro

	run_in_container 'cat /mnt/file; touch /mnt/new'
	assert_status nonzero
	assert_output_contains "Read-only file system"
	[ ! -e "$HOSTDIR/new" ]
}

@test "rbind brings the mounts below the source along; bind does not" {
	mkdir "$HOSTDIR/sub"
	mount -t tmpfs tmpfs "$HOSTDIR/sub"
	echo in-submount >"$HOSTDIR/sub/file"
	add_mount /rbind bind "$HOSTDIR" rbind
	add_mount /bind bind "$HOSTDIR" bind
	run_in_container 'cat /rbind/sub/file; ls -A /bind/sub | wc -l'
	assert_status 0
	[ "${lines[0]}" = in-submount ]
	[ "${lines[1]}" = 0 ]
}

@test "tmpfs: size, mode and flags reach the mount" {
	add_mount /scratch tmpfs tmpfs size=1m mode=700 nosuid nodev noexec
	launch
	line=$(mountinfo_line "$(pid_of "$ID")" /scratch)
	[ "$(mount_fstype "$line")" = tmpfs ]
	opts=$(mount_opts "$line")
	for o in nosuid nodev noexec; do has_opt "$opts" "$o"; done
	super=$(sed 's/.* - //' <<<"$line" | awk '{ print $3 }')
	has_opt "$super" size=1024k
	has_opt "$super" mode=700
}

@test "a mount destination missing from the image is created inside the rootfs" {
	add_mount /new/deep/dir tmpfs tmpfs
	launch
	[ "$(mount_fstype "$(mountinfo_line "$(pid_of "$ID")" /new/deep/dir)")" = tmpfs ]
	[ -d "$BUNDLE/rootfs/new/deep/dir" ]
}

@test "the container's mounts do not show on the host" {
	add_mount /mnt bind "$HOSTDIR" rbind
	before=$(host_mounts_under "$BUNDLE" "$HOSTDIR")
	launch
	[ "$(host_mounts_under "$BUNDLE" "$HOSTDIR")" = "$before" ]
	[ -z "$(find "$HOSTDIR" -mindepth 1 ! -name file)" ]
}

@test "root.readonly: / is read-only; without it / is writable" {
	launch
	has_opt "$(mount_opts "$(mountinfo_line "$(pid_of "$ID")" /)")" ro
	run_in_container 'touch /newfile'
	assert_status nonzero
	assert_output_contains "Read-only file system"

	update_config '.root.readonly = false'
	run_in_container 'touch /newfile'
	assert_status 0
	[ -f "$BUNDLE/rootfs/newfile" ]
}

@test "masked paths: the default files read empty, directories are empty and read-only" {
	launch
	pid=$(pid_of "$ID")
	line=$(mountinfo_line "$pid" /sys/firmware)
	[ "$(mount_fstype "$line")" = tmpfs ]
	has_opt "$(mount_opts "$line")" ro
	[ -n "$(mountinfo_line "$pid" /proc/kcore)" ] || [ ! -e /proc/kcore ]
	[ -n "$(mountinfo_line "$pid" /proc/keys)" ]

	run_in_container 'wc -c </proc/keys; ls -A /sys/firmware | wc -l; stat -c %t:%T /proc/keys'
	assert_status 0
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = 1:3 ]
}

@test "masked paths: a file and a directory of the image" {
	echo secret >rootfs/secret-file
	mkdir rootfs/secret-dir
	echo secret >rootfs/secret-dir/file
	update_config '.linux.maskedPaths += ["/secret-file", "/secret-dir", "/no/such/path"]'
	run_in_container 'cat /secret-file; ls -A /secret-dir; echo end; touch /secret-dir/x'
	assert_status nonzero
	[ "${lines[0]}" = end ]
	assert_output_contains "Read-only file system"
}

@test "readonly paths: read-only in mountinfo and to writes" {
	launch
	pid=$(pid_of "$ID")
	for path in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus; do
		[ -e "$path" ] || continue
		line=$(mountinfo_line "$pid" "$path")
		[ -n "$line" ] || fail "$path is not a mount"
		has_opt "$(mount_opts "$line")" ro
	done
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	run_in_container 'echo 1 >/proc/sys/kernel/shm_rmid_forced'
	assert_status nonzero
	assert_output_contains "Read-only file system"
}

@test "/sys and the cgroup filesystems are read-only" {
	launch
	pid=$(pid_of "$ID")
	has_opt "$(mount_opts "$(mountinfo_line "$pid" /sys)")" ro
	n=0
	while read -r line; do
		has_opt "$(mount_opts "$line")" ro
		n=$((n + 1))
	done < <(awk '/ - cgroup2? / && index($5, "/sys/fs/cgroup") == 1' "/proc/$pid/mountinfo")
	[ "$n" -gt 0 ] || fail "no cgroup filesystem below /sys/fs/cgroup"
}

@test "/dev: the standard devices and links, and no host device" {
	set_args sh -c '
		for d in null zero full random urandom tty; do echo "$d $(stat -c "%F %t:%T" /dev/$d)"; done
		for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done
		echo "block devices: $(find /dev -type b | wc -l)"'
	ocirun run "$ID"
	assert_status 0
	expected="null character special file 1:3
zero character special file 1:5
full character special file 1:7
random character special file 1:8
urandom character special file 1:9
tty character special file 5:0
fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2
ptmx -> pts/ptmx
block devices: 0"
	[ "$output" = "$expected" ]
}

@test "/dev: pts, shm and mqueue are mounted with their types" {
	launch
	pid=$(pid_of "$ID")
	[ "$(mount_fstype "$(mountinfo_line "$pid" /dev)")" = tmpfs ]
	[ "$(mount_fstype "$(mountinfo_line "$pid" /dev/pts)")" = devpts ]
	[ "$(mount_fstype "$(mountinfo_line "$pid" /dev/shm)")" = tmpfs ]
	[ "$(mount_fstype "$(mountinfo_line "$pid" /dev/mqueue)")" = mqueue ]
}

@test "linux.devices: a device node with its type, numbers, mode and owner" {
	update_config '.linux.devices = [{"path": "/dev/testnull", "type": "c", "major": 1, "minor": 3,
		"fileMode": 416, "uid": 1000, "gid": 1000}]
		| .process.user = {"uid": 1000, "gid": 1000}
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	run_in_container 'stat -c "%F %t:%T %a %u:%g" /dev/testnull; echo x >/dev/testnull && echo written'
	assert_status 0
	[ "${lines[0]}" = "character special file 1:3 640 1000:1000" ]
	[ "${lines[1]}" = written ]
}

@test "linux.devices: fileMode with the file type bits, as Podman sends it, keeps the permissions" {
	# 8630 = 0o20666: S_IFCHR | 0666 (podman run --device)
	update_config '.linux.devices = [{"path": "/dev/testnull", "type": "c", "major": 1, "minor": 3,
		"fileMode": 8630, "uid": 0, "gid": 0}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	run_in_container 'stat -c "%F %t:%T %a" /dev/testnull'
	assert_status 0
	[ "$output" = "character special file 1:3 666" ]
}

@test "--no-pivot: the container sees its rootfs and not the host's" {
	set_args sh -c 'ls /bin/busybox; ls /usr/bin/jq 2>&1; echo $$'
	ocirun run --no-pivot "$ID"
	assert_status 0
	[ "${lines[0]}" = /bin/busybox ]
	[[ "${lines[1]}" == *"No such file or directory"* ]]
	[ "${lines[2]}" = 1 ]
}
