#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# cgroups: where the container goes (linux.cgroupsPath), the limits it gets (read back from the
# host's control files), pause/resume, ps, update, events, kill --all, and that delete (also of
# a failed create) leaves no cgroup directory in any hierarchy. The host may be v1, hybrid or v2;
# a check that needs what the host lacks is skipped with the reason.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
	CG_PARENT=ocirun-it
	CG_PATH=/$CG_PARENT/$ID
	update_config '.linux.cgroupsPath = $p' --arg p "$CG_PATH"
	cg_mode
}

teardown() {
	teardown_bundle
	# A test that failed may have left its cgroups (the leak checks ran before this).
	local d
	for d in /sys/fs/cgroup/*/"$CG_PARENT"/"$ID" /sys/fs/cgroup/"$CG_PARENT"/"$ID"; do
		[ ! -d "$d" ] || find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	rmdir /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT" 2>/dev/null || true
}

# ------------------------------------------------------------------------------------------------
# the host's layout

# cg_mode: sets CG_MODE to v1, hybrid or v2.
cg_mode() {
	case $(stat -f -c %T /sys/fs/cgroup) in
	cgroup2fs) CG_MODE=v2 ;;
	*)
		if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
			CG_MODE=hybrid
		else
			CG_MODE=v1
		fi
		;;
	esac
}

# cg_mounts: "NAME MOUNTPOINT" for every cgroup hierarchy mounted on the host (NAME as in
# /proc/PID/cgroup: "memory", "cpu,cpuacct", "name=systemd", "" for cgroup2).
cg_mounts() {
	awk '{
		for (i = 7; $i != "-"; i++) ;
		fs = $(i + 1); opts = $(i + 3)
		if (fs == "cgroup2") { print "-", $5; next }
		if (fs != "cgroup") next
		n = split(opts, o, ","); name = ""
		for (j = 1; j <= n; j++)
			if (o[j] !~ /^(rw|ro|relatime|noatime|nosuid|nodev|noexec|xattr|nsdelegate|clone_children|noprefix|cpuset_v2_mode|release_agent=.*|memory_recursiveprot|favordynmods|memory_localevents)$/)
				name = name (name == "" ? "" : ",") o[j]
		print name, $5
	}' /proc/self/mountinfo
}

# cg_dir CONTROLLER PID: the directory of PID's cgroup that holds CONTROLLER's files
# ("unified" for the cgroup2 hierarchy).
cg_dir() {
	local ctl=$1 pid=$2 name mnt path
	if [ "$CG_MODE" = v2 ] || [ "$ctl" = unified ]; then
		mnt=$(cg_mounts | awk '$1 == "-" { print $2; exit }')
		path=$(awk -F: '$1 == "0" && $2 == "" { print $3 }' "/proc/$pid/cgroup")
		echo "$mnt$path"
		return
	fi
	while read -r name mnt; do
		[ "$name" != - ] || continue
		if [[ ",$name," == *",$ctl,"* ]]; then
			path=$(awk -F: -v n="$name" '$2 == n { print $3 }' "/proc/$pid/cgroup")
			echo "$mnt$path"
			return
		fi
	done < <(cg_mounts)
}

# cg_file CONTROLLER FILE PID: the content of that control file (first line).
cg_file() {
	head -n1 "$(cg_dir "$1" "$3")/$2"
}

# requires_controller CONTROLLER FILE: skips unless the host's hierarchy has FILE (v1: the
# controller mounted; v2: available in cgroup.controllers).
requires_controller() {
	local ctl=$1
	if [ "$CG_MODE" = v2 ]; then
		grep -qw "$ctl" /sys/fs/cgroup/cgroup.controllers || skip "no $ctl controller on this cgroup2 host"
	else
		cg_mounts | awk -v c="$ctl" '{ n = split($1, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) f = 1 } END { exit !f }' ||
			skip "no $ctl hierarchy mounted on this host"
	fi
}

# requires_command CMD: skips when the runtime has no such command yet.
requires_command() {
	rt_noroot "$1" --help >/dev/null 2>&1 || skip "the runtime has no '$1' command"
}

# all_cgroup_dirs: every hierarchy's directory for $CG_PATH (whether it exists or not).
all_cgroup_dirs() {
	local name mnt
	while read -r name mnt; do
		echo "$mnt$CG_PATH"
	done < <(cg_mounts)
}

assert_no_cgroup_dirs() {
	local d left=0
	for d in $(all_cgroup_dirs); do
		if [ -d "$d" ]; then
			echo "left behind: $d"
			left=1
		fi
	done
	[ "$left" -eq 0 ] || fail "cgroup directories left behind"
}

# ------------------------------------------------------------------------------------------------
# placement

@test "cgroupsPath: the init is in the configured cgroup in every hierarchy" {
	create_ok
	pid=$(pid_of "$ID")
	n=0
	while IFS=: read -r _ name path; do
		[ "$path" = "$CG_PATH" ] || fail "hierarchy '$name': $path, want $CG_PATH"
		n=$((n + 1))
	done <"/proc/$pid/cgroup"
	[ "$n" -gt 0 ]
	# every mounted hierarchy has the directory
	for d in $(all_cgroup_dirs); do
		[ -d "$d" ] || fail "$d missing"
	done
}

@test "cgroupsPath: the init is in every configured cgroup before the hooks and the process run" {
	# The init joins its memory cgroup only after the mounts that need no cgroup, so that they
	# are charged like the runtime's own memory (docs/architecture.md), but before anything
	# else: the createRuntime hook (run by the runtime when the init asks for the hooks) reads
	# the init's /proc/PID/cgroup, the createContainer hook (the init's child) its own.
	local jq
	jq=$(command -v jq)
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
		("pid=$(" + $jq + " .pid) && cat /proc/$pid/cgroup >" + $d + "/init")]}] |
		.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
		("cat /proc/self/cgroup >" + $d + "/hook")]}]' --arg jq "$jq" --arg d "$BATS_TEST_TMPDIR"
	create_ok
	for f in init hook; do
		n=0
		while IFS=: read -r _ name path; do
			[ "$path" = "$CG_PATH" ] || fail "$f: hierarchy '$name': $path, want $CG_PATH"
			n=$((n + 1))
		done <"$BATS_TEST_TMPDIR/$f"
		[ "$n" -gt 0 ] || fail "$f: no /proc/PID/cgroup read"
		[ "$n" -eq "$(grep -c . "/proc/$(pid_of "$ID")/cgroup")" ]
	done
}

@test "cgroupsPath: on cgroup v1 and hybrid the init joins by itself, and no pid is written to a cgroup.procs" {
	# Writing another process's pid to cgroup.procs takes the kernel's global threadgroup lock,
	# which waits for an RCU grace period after an idle moment; the init moves itself into each
	# v1 hierarchy through its "tasks" file instead, and is born in the cgroup2 directory.
	[ "$CG_MODE" != v2 ] || skip "cgroup v2: the init is born in its cgroup, tested in the vm-cgroup2 lane"
	requires strace
	local trace=$BATS_TEST_TMPDIR/trace cgroups=$BATS_TEST_TMPDIR/cgroups pid tracer
	# strace -f follows the init, which outlives create: read what is needed, then delete it.
	# (LeakSanitizer cannot work under ptrace: the sanitizer lane's build must not try.)
	rt_env env ASAN_OPTIONS=detect_leaks=0 strace -f -qq -y -e trace=clone3,write -o "$trace" "$OCIRUN" --root "$ROOT" \
		create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 3>&- &
	tracer=$!
	wait_for_status "$ID" created
	pid=$(pid_of "$ID")
	cp "/proc/$pid/cgroup" "$cgroups"
	rt delete --force "$ID"
	wait "$tracer"
	cat "$trace"
	! grep -q "cgroup.procs>, \"$pid\"" "$trace" || fail "the runtime wrote the init's pid to a cgroup.procs"
	# every v1 hierarchy of the container, joined by the init ("0" to its tasks file)
	while IFS=: read -r _ name path; do
		[ -n "$name" ] || continue
		grep -q "^$pid  *write([0-9]*</sys/fs/cgroup/[^>]*$path/tasks>, \"0\"" "$trace" ||
			fail "hierarchy '$name': the init did not join $path itself"
	done <"$cgroups"
	if [ "$CG_MODE" = hybrid ]; then
		grep -q 'clone3({flags=[^}]*CLONE_INTO_CGROUP' "$trace" || fail "the init was not born in the cgroup2 directory"
		[ "$(awk -F: '$1 == 0 { print $3 }' "$cgroups")" = "$CG_PATH" ]
	fi
}

@test "cgroupsPath: empty puts the container under the runtime's own cgroup, named by its id" {
	update_config 'del(.linux.cgroupsPath)'
	create_ok
	pid=$(pid_of "$ID")
	# the runtime runs in this shell's cgroups (rt does not move it)
	while IFS=: read -r _ name path; do
		own=$(awk -F: -v n="$name" '$2 == n { print $3 }' /proc/self/cgroup)
		if [ "$CG_MODE" = v2 ] && [ -z "$name" ] && [ "$own" != / ]; then
			own=${own%/*} # v2: next to the caller's cgroup (runc)
		fi
		[ "$path" = "${own%/}/$ID" ] || fail "hierarchy '$name': $path, want ${own%/}/$ID"
	done <"/proc/$pid/cgroup"
	ocirun delete --force "$ID"
	assert_status 0
	while IFS=: read -r _ name path; do
		own=$(awk -F: -v n="$name" '$2 == n { print $3 }' /proc/self/cgroup)
		mnt=$(cg_mounts | awk -v n="${name:--}" '$1 == n { print $2; exit }')
		[ -z "$mnt" ] || [ ! -d "$mnt${own%/}/$ID" ] || fail "$mnt${own%/}/$ID left behind"
	done </proc/self/cgroup
}

@test "cgroupsPath: relative paths go under the runtime's own cgroup" {
	update_config '.linux.cgroupsPath = $p' --arg p "ocirun-rel/$ID"
	create_ok
	pid=$(pid_of "$ID")
	line=$(grep -m1 ':memory:\|^0::' "/proc/$pid/cgroup")
	[[ "$line" == *"/ocirun-rel/$ID" ]] || fail "$line"
	ocirun delete --force "$ID"
	assert_status 0
	rmdir /sys/fs/cgroup/*/process_api/*/ocirun-rel /sys/fs/cgroup/*/ocirun-rel 2>/dev/null || true
}

@test "cgroupsPath: '..' that climbs out of the hierarchy is refused, nothing is made" {
	update_config '.linux.cgroupsPath = "/ocirun-it/../../../../etc"'
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_output_contains "escapes its hierarchy"
	[ ! -d "$ROOT/$ID" ]
	for d in /sys/fs/cgroup/*/etc /sys/fs/cgroup/etc; do
		[ ! -d "$d" ] || fail "$d made"
	done
}

@test "cgroupsPath: the hierarchy's root is refused" {
	update_config '.linux.cgroupsPath = "/"'
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_output_contains "names no cgroup"
}

# ------------------------------------------------------------------------------------------------
# resources, read back from the host

@test "resources: memory limit, reservation, swappiness" {
	requires_controller memory
	update_config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swappiness": 20}'
	create_ok
	pid=$(pid_of "$ID")
	if [ "$CG_MODE" = v2 ]; then
		[ "$(cg_file memory memory.max "$pid")" = 67108864 ]
		[ "$(cg_file memory memory.low "$pid")" = 33554432 ]
	else
		[ "$(cg_file memory memory.limit_in_bytes "$pid")" = 67108864 ]
		[ "$(cg_file memory memory.soft_limit_in_bytes "$pid")" = 33554432 ]
		[ "$(cg_file memory memory.swappiness "$pid")" = 20 ]
	fi
}

@test "resources: memory swap (memory+swap on v1, swap alone on v2)" {
	requires_controller memory
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 67108864}'
	create_ok
	pid=$(pid_of "$ID")
	if [ "$CG_MODE" = v2 ]; then
		[ -e "$(cg_dir memory "$pid")/memory.swap.max" ] || skip "no swap accounting"
		[ "$(cg_file memory memory.swap.max "$pid")" = 33554432 ]
	else
		[ -e "$(cg_dir memory "$pid")/memory.memsw.limit_in_bytes" ] || skip "no swap accounting"
		[ "$(cg_file memory memory.memsw.limit_in_bytes "$pid")" = 67108864 ]
	fi
}

@test "resources: cpu shares, quota and period" {
	requires_controller cpu
	update_config '.linux.resources.cpu = {"shares": 512, "quota": 25000, "period": 50000}'
	create_ok
	pid=$(pid_of "$ID")
	if [ "$CG_MODE" = v2 ]; then
		[ "$(cg_file cpu cpu.weight "$pid")" = 59 ]
		[ "$(cg_file cpu cpu.max "$pid")" = "25000 50000" ]
	else
		[ "$(cg_file cpu cpu.shares "$pid")" = 512 ]
		[ "$(cg_file cpu cpu.cfs_quota_us "$pid")" = 25000 ]
		[ "$(cg_file cpu cpu.cfs_period_us "$pid")" = 50000 ]
	fi
}

@test "resources: cpuset cpus and mems" {
	requires_controller cpuset
	update_config '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
	create_ok
	start_ok
	pid=$(pid_of "$ID")
	[ "$(cg_file cpuset cpuset.cpus "$pid")" = 0 ]
	[ "$(cg_file cpuset cpuset.mems "$pid")" = 0 ]
	[ "$(proc_status "$pid" Cpus_allowed_list)" = 0 ]
}

@test "resources: pids limit is enforced" {
	requires_controller pids
	update_config '.linux.resources.pids = {"limit": 10}'
	create_ok
	[ "$(cg_file pids pids.max "$(pid_of "$ID")")" = 10 ]
	ocirun delete --force "$ID"
	# the shell and nine children fit; the tenth fork fails
	set_args sh -c 'n=0; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 100 & n=$((n+1)); done; echo forked=$n'
	ocirun run "$ID-run"
	echo "$output"
	[[ "$output" != *forked=12* ]] || fail "12 children in a cgroup limited to 10 pids"
	assert_output_contains "Resource temporarily unavailable"
}

@test "resources: blkio weight" {
	requires_controller "$([ "$CG_MODE" = v2 ] && echo io || echo blkio)"
	update_config '.linux.resources.blockIO = {"weight": 300}'
	create_ok
	pid=$(pid_of "$ID")
	if [ "$CG_MODE" = v2 ]; then
		d=$(cg_dir io "$pid")
		if [ -e "$d/io.bfq.weight" ]; then
			[ "$(cg_file io io.bfq.weight "$pid")" = "default 300" ]
		elif [ -e "$d/io.weight" ]; then
			[ "$(cg_file io io.weight "$pid")" = "default 2930" ]
		else
			skip "no io.weight or io.bfq.weight (no proportional I/O scheduler)"
		fi
	else
		d=$(cg_dir blkio "$pid")
		if [ -e "$d/blkio.weight" ]; then
			[ "$(cg_file blkio blkio.weight "$pid")" = 300 ]
		elif [ -e "$d/blkio.bfq.weight" ]; then
			[ "$(cg_file blkio blkio.bfq.weight "$pid")" = 300 ]
		else
			skip "neither blkio.weight (CFQ) nor blkio.bfq.weight (BFQ) on this host"
		fi
	fi
}

@test "resources: a value the host cannot take fails create, naming the file, leaving nothing" {
	requires_controller cpuset
	update_config '.linux.resources.cpu = {"cpus": "9999"}'
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_output_contains 'cgroup: write cpuset.cpus "9999"'
	assert_one_error_line
	[ ! -d "$ROOT/$ID" ]
	assert_no_cgroup_dirs
}

@test "resources: unified on a v1 host is refused; on v2 written as-is" {
	update_config '.linux.resources.unified = {"pids.max": "7"}'
	if [ "$CG_MODE" = v2 ]; then
		requires_controller pids
		create_ok
		[ "$(cg_file pids pids.max "$(pid_of "$ID")")" = 7 ]
	else
		ocirun create --bundle "$BUNDLE" "$ID"
		assert_status nonzero
		assert_output_contains "cannot use unified on cgroup v1"
		assert_no_cgroup_dirs
	fi
}

@test "devices: the rules and runc's defaults in devices.list; a denied device cannot be opened" {
	# /dev/kmsg exists in the container but no rule allows it
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 5, "access": "r"}]'
	set_args sh -c 'head -c 4 /dev/zero | wc -c; echo x > /dev/null && echo null-ok; head -c1 /dev/kmsg && echo kmsg-opened; true'
	if [ "$CG_MODE" != v2 ]; then
		requires_controller devices
	fi
	ocirun run "$ID"
	assert_status 0
	assert_output_contains 4
	assert_output_contains null-ok
	[[ "$output" != *kmsg-opened* ]] || fail "/dev/kmsg could be opened"
	assert_output_contains "Operation not permitted"
}

@test "devices: devices.list on v1 holds the configured rules" {
	[ "$CG_MODE" != v2 ] || skip "cgroup v2 has no devices.list (the rules are an eBPF program)"
	requires_controller devices
	update_config '.linux.resources.devices += [{"allow": true, "type": "b", "major": 7, "minor": 0, "access": "r"}]'
	create_ok
	list=$(cat "$(cg_dir devices "$(pid_of "$ID")")/devices.list")
	echo "$list"
	grep -qx 'b 7:0 r' <<<"$list"
	grep -qx 'c 1:3 rwm' <<<"$list"
	grep -qx 'c 136:\* rwm' <<<"$list"
	! grep -q '^a ' <<<"$list"
}

# ------------------------------------------------------------------------------------------------
# pause / resume

@test "pause: state says paused and the freezer holds every process; resume thaws" {
	requires_command pause
	launch
	pid=$(pid_of "$ID")
	ocirun pause "$ID"
	assert_status 0
	[ "$(status_of "$ID")" = paused ]
	if [ "$CG_MODE" = v2 ] || ! requires_controller_quiet freezer; then
		[ "$(cg_file unified cgroup.freeze "$pid")" = 1 ]
		grep -qx 'frozen 1' "$(cg_dir unified "$pid")/cgroup.events"
	else
		[ "$(cg_file freezer freezer.state "$pid")" = FROZEN ]
	fi
	ocirun resume "$ID"
	assert_status 0
	[ "$(status_of "$ID")" = running ]
	if [ "$CG_MODE" = v2 ] || ! requires_controller_quiet freezer; then
		[ "$(cg_file unified cgroup.freeze "$pid")" = 0 ]
	else
		[ "$(cg_file freezer freezer.state "$pid")" = THAWED ]
	fi
}

# requires_controller_quiet CONTROLLER: like requires_controller, as a test instead of a skip.
requires_controller_quiet() {
	cg_mounts | awk -v c="$1" '{ n = split($1, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) f = 1 } END { exit !f }'
}

@test "pause: a stopped container is not running; resume of a running one is not paused" {
	requires_command pause
	launch
	ocirun resume "$ID"
	assert_status nonzero
	assert_output_contains "container not paused"
	ocirun kill "$ID" KILL
	wait_for_status "$ID" stopped
	ocirun pause "$ID"
	assert_status nonzero
	assert_output_contains "container not running"
}

@test "pause: delete --force of a paused container kills it and removes its cgroups" {
	requires_command pause
	launch
	pid=$(pid_of "$ID")
	ocirun pause "$ID"
	assert_status 0
	ocirun delete --force "$ID"
	assert_status 0
	wait_until_dead "$pid"
	assert_no_cgroup_dirs
}

# ------------------------------------------------------------------------------------------------
# ps

@test "pause: a created container that is paused says paused and cannot be started until resumed" {
	requires_command pause
	create_ok
	ocirun pause "$ID"
	assert_status 0
	[ "$(status_of "$ID")" = paused ]
	ocirun start "$ID"
	assert_status nonzero
	assert_output_contains "cannot start a paused container"
	ocirun resume "$ID"
	assert_status 0
	[ "$(status_of "$ID")" = created ]
	start_ok
	[ "$(status_of "$ID")" = running ]
}

@test "ps --format json: the host pids of the container's processes" {
	requires_command ps
	set_args sh -c 'sleep 1000 & exec sleep 1001'
	launch
	pid=$(pid_of "$ID")
	for ((i = 0; i < WAIT_TRIES; i++)); do
		ocirun ps --format json "$ID"
		[ "$(jq length <<<"$output")" -lt 2 ] || break
		sleep 0.05
	done
	assert_status 0
	[ -z "$stderr" ]
	jq -e --argjson p "$pid" 'type == "array" and length == 2 and (map(type == "number") | all) and index($p) != null' <<<"$output"
}

@test "ps: the table is ps -ef filtered to the container, header first" {
	requires_command ps
	requires ps
	launch
	pid=$(pid_of "$ID")
	ocirun ps "$ID"
	assert_status 0
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(awk '{ print $2 }' <<<"${lines[1]}")" = "$pid" ]
	# ps options after the id
	ocirun ps "$ID" -o pid,comm
	assert_status 0
	[ "$(squeeze "${lines[1]}")" = "$pid sleep" ]
}

# ------------------------------------------------------------------------------------------------
# update

@test "update --memory changes memory.limit_in_bytes (memory.max on v2)" {
	requires_command update
	requires_controller memory
	update_config '.linux.resources.memory = {"limit": 67108864}'
	launch
	pid=$(pid_of "$ID")
	ocirun update --memory 128m "$ID"
	assert_status 0
	file=$([ "$CG_MODE" = v2 ] && echo memory.max || echo memory.limit_in_bytes)
	[ "$(cg_file memory "$file" "$pid")" = 134217728 ]
	# zero and absent leave it alone
	ocirun update --memory 0 --pids-limit 0 "$ID"
	assert_status 0
	[ "$(cg_file memory "$file" "$pid")" = 134217728 ]
}

@test "update: cpu and pids flags, and --resources from stdin and from a file" {
	requires_command update
	requires_controller cpu
	requires_controller pids
	launch
	pid=$(pid_of "$ID")
	ocirun update --cpu-share 256 --cpu-quota 10000 --cpu-period 100000 --pids-limit 50 "$ID"
	assert_status 0
	[ "$(cg_file pids pids.max "$pid")" = 50 ]
	if [ "$CG_MODE" = v2 ]; then
		[ "$(cg_file cpu cpu.max "$pid")" = "10000 100000" ]
	else
		[ "$(cg_file cpu cpu.shares "$pid")" = 256 ]
		[ "$(cg_file cpu cpu.cfs_quota_us "$pid")" = 10000 ]
	fi
	status=0
	rt update --resources - "$ID" <<<'{"pids": {"limit": 77}, "cpu": {"quota": 20000}}' || status=$?
	[ "$status" -eq 0 ]
	[ "$(cg_file pids pids.max "$pid")" = 77 ]
	if [ "$CG_MODE" != v2 ]; then
		[ "$(cg_file cpu cpu.cfs_quota_us "$pid")" = 20000 ]
		[ "$(cg_file cpu cpu.shares "$pid")" = 256 ]
	fi
	# the same document from a file, as CRI-O and containerd write it
	echo '{"pids": {"limit": 66}}' >"$BATS_TEST_TMPDIR/resources.json"
	ocirun update --resources "$BATS_TEST_TMPDIR/resources.json" "$ID"
	assert_status 0
	[ "$(cg_file pids pids.max "$pid")" = 66 ]
	ocirun update -r "$BATS_TEST_TMPDIR/missing.json" "$ID"
	assert_status nonzero
	assert_output_contains "missing.json"
}

@test "update: a bad value and a stopped container are errors" {
	requires_command update
	launch
	ocirun update --memory lots "$ID"
	assert_status nonzero
	assert_output_contains "invalid value for --memory"
	ocirun kill "$ID" KILL
	wait_for_status "$ID" stopped
	ocirun update --pids-limit 5 "$ID"
	assert_status nonzero
	assert_output_contains "container not running"
}

# ------------------------------------------------------------------------------------------------
# events

@test "events --stats: one stats line in runc's shape" {
	requires_command events
	launch
	ocirun events --stats "$ID"
	assert_status 0
	[ "${#lines[@]}" -eq 1 ]
	jq -e --arg id "$ID" '.type == "stats" and .id == $id and
		(.data | has("cpu") and has("memory") and has("pids") and has("blkio") and has("hugetlb")) and
		.data.pids.current == 1' <<<"$output"
}

@test "events: stats every --interval until the container is deleted" {
	requires_command events
	launch
	ocirun_bg events --interval 100ms "$ID"
	sleep 1
	ocirun delete --force "$ID"
	assert_status 0
	ocirun_wait
	assert_status 0
	n=$(grep -c '"type":"stats"' "$BG_STDOUT")
	[ "$n" -ge 3 ] || fail "only $n stats lines"
}

@test "events: an OOM kill is reported" {
	requires_command events
	requires_controller memory
	update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	set_args sh -c 'sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1000'
	create_ok
	ocirun_bg events --interval 1s "$ID"
	sleep 0.3
	start_ok
	for ((i = 0; i < WAIT_TRIES; i++)); do
		grep -q '"type":"oom"' "$BG_STDOUT" && break
		sleep 0.05
	done
	ocirun delete --force "$ID"
	ocirun_wait
	grep -q "{\"type\":\"oom\",\"id\":\"$ID\"}" "$BG_STDOUT" || fail "no oom event"
}

# ------------------------------------------------------------------------------------------------
# kill --all, delete

@test "kill --all: every process of the cgroup gets the signal" {
	# Without a pid namespace the children outlive the init: only the cgroup finds them.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 1000 & sleep 1001 & exec sleep 1002'
	launch
	pid=$(pid_of "$ID")
	d=$(cg_dir pids "$pid")
	[ -n "$d" ] || d=$(cg_dir memory "$pid")
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ "$(wc -l <"$d/cgroup.procs")" -lt 3 ] || break
		sleep 0.05
	done
	mapfile -t pids <"$d/cgroup.procs"
	[ "${#pids[@]}" -eq 3 ]
	ocirun kill --all "$ID" KILL
	assert_status 0
	for p in "${pids[@]}"; do
		wait_until_dead "$p"
	done
	ocirun delete "$ID"
	assert_status 0
	assert_no_cgroup_dirs
}

@test "delete: every cgroup directory is removed, in every hierarchy" {
	launch
	[ -n "$(all_cgroup_dirs)" ]
	for d in $(all_cgroup_dirs); do
		[ -d "$d" ] || fail "$d missing before delete"
	done
	ocirun kill "$ID" KILL
	wait_for_status "$ID" stopped
	ocirun delete "$ID"
	assert_status 0
	assert_no_cgroup_dirs
}

@test "delete: cgroups the container made below its own go too" {
	requires_controller pids
	launch
	pid=$(pid_of "$ID")
	d=$(cg_dir pids "$pid")
	mkdir -p "$d/child/grandchild"
	ocirun delete --force "$ID"
	assert_status 0
	assert_no_cgroup_dirs
}

@test "delete: a process left in the cgroup after the init exited is killed, then the cgroups go" {
	# Without a pid namespace a child outlives the init: rmdir of the cgroup is refused (EBUSY)
	# until delete has found the child in cgroup.procs and killed it.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 1000 & exit 0'
	create_ok "$ID"
	ocirun start "$ID"
	assert_status 0
	wait_for_status "$ID" stopped
	d=$(all_cgroup_dirs | head -n1)
	mapfile -t pids <"$d/cgroup.procs"
	[ "${#pids[@]}" -eq 1 ] || fail "expected the child alone in $d, found: ${pids[*]}"
	ocirun delete "$ID"
	assert_status 0
	wait_until_dead "${pids[0]}"
	assert_no_cgroup_dirs
	[ ! -d "$ROOT/$ID" ] || fail "state directory left"
}

@test "create that fails after the cgroups were made leaves no cgroup behind" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent-ocirun", "options": ["bind"]}]'
	ocirun create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	[ ! -d "$ROOT/$ID" ]
	assert_no_cgroup_dirs
}

@test "a mount that fails while the runtime moves the init into its cgroups: create says what failed" {
	# The init mounts while the runtime writes its pid into cgroup.procs (after an idle moment
	# the first write on cgroup v1 waits for an RCU grace period): an init that failed first
	# has exited by the time the runtime writes or sends to it; one that fails later exits
	# without reading SYNC_PREPARED, which resets the connection. Either way its error is the
	# one told. Half the attempts after an idle moment, half back to back.
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent-ocirun", "options": ["bind"]}]'
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ $((i % 2)) = 0 ] || sleep 0.2
		ocirun create --bundle "$BUNDLE" "$ID"
		assert_status nonzero
		assert_output_contains 'mount "/nonexistent-ocirun" on "/mnt"'
		[ ! -d "$ROOT/$ID" ]
		assert_no_cgroup_dirs
	done
}

@test "soak: ${SOAK_CYCLES:-200} create/start/kill/delete cycles leave no cgroup, mount, process or state" {
	snapshot before
	local i id n=${SOAK_CYCLES:-200}
	for ((i = 0; i < n; i++)); do
		id=$ID-$i
		update_config '.linux.cgroupsPath = $p' --arg p "/$CG_PARENT/$id"
		rt create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" ||
			fail "cycle $i: create: $(cat "$BATS_TEST_TMPDIR/err")"
		rt start "$id" || fail "cycle $i: start"
		rt kill "$id" KILL || fail "cycle $i: kill"
		rt delete --force "$id" || fail "cycle $i: delete"
	done
	snapshot after
	assert_nothing_left before after
	# and no directory under the parent in any hierarchy
	for d in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
		[ ! -d "$d" ] || [ -z "$(find "$d" -mindepth 1 -type d -name "$ID-*")" ] || fail "left in $d"
	done
}

@test "kill --all of a paused container: it stays paused, except for SIGKILL" {
	requires_command pause
	launch
	pid=$(pid_of "$ID")
	ocirun pause "$ID"
	assert_status 0
	ocirun kill --all "$ID" TERM
	assert_status 0
	[ "$(status_of "$ID")" = paused ]
	proc_alive "$pid"
	ocirun kill --all "$ID" KILL
	assert_status 0
	wait_until_dead "$pid"
	wait_for_status "$ID" stopped
}

# ------------------------------------------------------------------------------------------------
# --systemd-cgroup where systemd is not running (the driver itself is proven in the qemu lane
# tests/vm/run-systemd.sh, which boots systemd as PID 1)

@test "--systemd-cgroup without systemd: a clear error, nothing left behind" {
	[ ! -d /run/systemd/system ] || skip "systemd runs on this host (the vm lane tests the driver)"
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:ocirun:$ID"
	snapshot before
	ocirun --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_one_error_line
	if [[ "$stderr" == *"built without libsystemd"* ]]; then
		assert_output_contains "rebuild with libsystemd-dev"
	else
		assert_output_contains "systemd is not running on this host (no /run/systemd/system)"
	fi
	[ ! -d "$ROOT/$ID" ] || fail "state directory left"
	for d in /sys/fs/cgroup/*/system.slice/ocirun-"$ID".scope /sys/fs/cgroup/system.slice/ocirun-"$ID".scope; do
		[ ! -e "$d" ] || fail "$d made"
	done
	snapshot after
	assert_nothing_left before after
}

@test "--systemd-cgroup: cgroupsPath must be slice:prefix:name, a scope, refused before anything" {
	update_config '.linux.cgroupsPath = $p' --arg p "/ocirun-it/$ID"
	ocirun --systemd-cgroup create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_output_contains 'expected cgroupsPath to be of format "slice:prefix:name"'
	[ ! -d "$ROOT/$ID" ]
	update_config '.linux.cgroupsPath = "system.slice:ocirun:x-y.slice"'
	ocirun --systemd-cgroup create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_output_contains 'names a slice'
	[ ! -d "$ROOT/$ID" ]
	update_config '.linux.cgroupsPath = "a--b.slice:ocirun:x"'
	ocirun --systemd-cgroup create --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_output_contains 'invalid slice name "a--b.slice"'
	[ ! -d "$ROOT/$ID" ]
}

@test "--systemd-cgroup where /run/systemd/system exists but no bus answers: a clear error" {
	requires unshare
	[ ! -S /run/systemd/private ] && [ ! -S /run/dbus/system_bus_socket ] ||
		skip "a systemd or D-Bus socket exists on this host"
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:ocirun:$ID"
	# A mount namespace of its own, where /run/systemd says systemd runs (and nothing listens).
	run unshare -m sh -c 'mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system &&
		exec "$@"' _ "$OCIRUN" --root "$ROOT" --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ] || fail "expected a failure"
	if [[ "$output" != *"built without libsystemd"* ]]; then
		assert_output_contains "--systemd-cgroup: cannot connect to systemd (its private socket or the system bus)"
	fi
	[ ! -d "$ROOT/$ID" ] || fail "state directory left"
	[ -z "$(test_pids)" ] || fail "processes left: $(test_pids)"
}

# libsystemd is loaded with dlopen only when the systemd driver is used (src/lib/cgroup/sd_bus_lib.c).
@test "--systemd-cgroup where libsystemd cannot be loaded: a clear error, nothing left behind" {
	requires unshare
	lib=$(ldconfig -p | awk '$1 == "libsystemd.so.0" && /x86-64|64bit/ { print $NF; exit }')
	[ -n "$lib" ] || lib=$(ldconfig -p | awk '$1 == "libsystemd.so.0" { print $NF; exit }')
	[ -n "$lib" ] || skip "no libsystemd.so.0 on this host"
	! ldd "$OCIRUN" | grep -q libsystemd || fail "ocirun links libsystemd: it must load it on demand"
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:ocirun:$ID"
	# A mount namespace of its own, where systemd seems to run and the library is an empty file.
	run unshare -m sh -c 'mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system &&
		mount --bind /dev/null "$(readlink -f "$1")" && shift && exec "$@"' _ "$lib" \
		"$OCIRUN" --root "$ROOT" --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ] || fail "expected a failure"
	[[ "$output" != *"built without libsystemd"* ]] || skip "ocirun was built without the systemd driver"
	assert_output_contains "--systemd-cgroup: cannot load libsystemd.so.0 ("
	assert_output_contains "install libsystemd0 or use the cgroupfs driver"
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 1 ] || fail "more than one line: $output"
	[ ! -d "$ROOT/$ID" ] || fail "state directory left"
	[ -z "$(test_pids)" ] || fail "processes left: $(test_pids)"
}
