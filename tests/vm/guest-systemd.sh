#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the VM of run-systemd.sh as a systemd service (systemd is PID 1, cgroup2 in its
# unified mode; the host's root read-only, tmpfs on /tmp and /run). Prints TAP between
# VM-TAP-BEGIN and VM-TAP-END: containers made with --systemd-cgroup, checked from outside
# through systemd (systemctl status/show) and the cgroup files; pause/resume, update, ps, exec,
# kill --all; later commands without --systemd-cgroup; delete stops the scope and leaves no
# cgroup; a name that is taken is refused without harm to its owner.
set -u

OCIRUN=${OCIRUN:?}
SRC_ROOT=${SRC_ROOT:?}
ROOT=/run/ocirun-vm
CG=/sys/fs/cgroup
. "$(dirname "${BASH_SOURCE[0]}")/guest-tap.sh"

# show UNIT: its properties, read once into $props (systemctl is slow under emulation).
show() {
	props=$(systemctl show "$1" 2>&1)
}
# prop PROPERTY WANT: the last `show` gave PROPERTY=WANT.
prop() {
	local got
	got=$(sed -n "s/^$1=//p" <<<"$props")
	[ "$got" = "$2" ] && return 0
	echo "#   $1: '$got', want '$2'"
	return 1
}
# gone UNIT: systemd no longer has the unit loaded, and no hierarchy has a directory of it.
gone() {
	local state dirs
	state=$(systemctl show -p LoadState --value "$1" 2>&1)
	dirs=$(find $CG -type d -name "$1" 2>&1)
	[ "$state" = not-found ] && [ -z "$dirs" ] && return 0
	echo "#   $1: LoadState '$state'; left: ${dirs:-no directory}"
	return 1
}
# f CONTROLLER FILE: FILE of the container's cgroup ($rel) in CONTROLLER's hierarchy ("unified"
# is the cgroup2 one; on v2 every controller is there).
f() {
	if [ "$mode" = v2 ]; then echo "$CG$rel/$2"; else echo "$CG/$1$rel/$2"; fi
}
rt() {
	"$OCIRUN" --root "$ROOT" "$@"
}
sd() {
	"$OCIRUN" --root "$ROOT" --systemd-cgroup "$@"
}
state_of() {
	rt state "$1" 2>/dev/null | jq -r "$2"
}
wait_stopped() {
	for _ in $(seq 1 100); do
		[ "$(state_of "$1" .status)" = stopped ] && return 0
		sleep 0.1
	done
	return 1
}
finish() {
	echo "# up $(cut -d' ' -f1 /proc/uptime) s"
	echo "1..$n"
	echo "VM-TAP-END"
	[ "$failed" -eq 0 ]
	exit
}

echo "VM-TAP-BEGIN"
echo "# up $(cut -d' ' -f1 /proc/uptime) s (systemd reached the test service)"
echo "# kernel $(uname -r), $(nproc) cpus; $(systemctl --version | head -n1)"
check "systemd is PID 1" [ "$(cat /proc/1/comm)" = systemd ]
if [ "$(stat -f -c %T $CG)" = cgroup2fs ]; then
	mode=v2
	ok "systemd runs in unified mode (/sys/fs/cgroup is cgroup2)"
elif [ "$(stat -f -c %T $CG/unified 2>/dev/null)" = cgroup2fs ]; then
	mode=hybrid
	ok "systemd runs in hybrid mode (v1 controllers, cgroup2 on /sys/fs/cgroup/unified)"
else
	mode=v1
	not_ok "a cgroup mode this lane knows (v2 or hybrid)"
	finish
fi
check "this test runs in its own service's cgroup" \
	grep -qx '0::/system.slice/ocirun-vm-test.service' /proc/self/cgroup

# The host made the bundle (making it here takes minutes under emulation); its rootfs is used
# where it is, read-only, and its config is copied to tmpfs to be changed test by test.
mkdir -p /tmp/vm/bundle "$ROOT"
bundle=/tmp/vm/bundle
cfg=$bundle/config.json
if ! base=$(jq --arg r "${VM_BUNDLE:?}/rootfs" '.root.path = $r' "$VM_BUNDLE/config.json"); then
	not_ok "the host's bundle at $VM_BUNDLE"
	finish
fi
ok "the host's bundle, its rootfs read-only at $VM_BUNDLE/rootfs"
# configure JQ-FILTER: the bundle's config is the base one changed by the filter.
configure() {
	jq "$1" <<<"$base" >"$cfg"
}

# ---- system.slice:ocirun:ID with limits -----------------------------------------------------
id=sd1
unit=ocirun-$id.scope
rel=/system.slice/$unit
configure '.linux.cgroupsPath = "system.slice:ocirun:sd1" |
	.linux.resources.memory = {"limit": 67108864} |
	.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"} |
	.linux.resources.pids = {"limit": 64}'
if (cd "$bundle" && sd create $id </dev/null >/tmp/vm/create.out 2>&1); then
	ok "--systemd-cgroup create with cgroupsPath system.slice:ocirun:$id"
	pid=$(state_of $id .pid)
	check "$unit is active" [ "$(systemctl is-active $unit)" = active ]
	status=$(systemctl status --no-pager $unit 2>&1)
	sed 's/^/#   /' <<<"$status"
	check "systemctl status $unit shows the init ($pid)" grep -Eq "[^0-9]$pid[^0-9]" <<<"$status"
	check "the init is in 0::/system.slice/$unit" grep -qx "0::/system.slice/$unit" "/proc/$pid/cgroup"
	if [ $mode = hybrid ]; then
		check "... and in name=systemd, memory, pids, freezer, cpuset" bash -c 'for c in name=systemd memory pids freezer cpuset; do
			grep -Eq "^[0-9]+:([a-z_,]*,)?$c(,[a-z_,]*)?:$2\$" "/proc/$1/cgroup" || exit 1; done' _ "$pid" "$rel"
	fi
	show $unit
	check "$unit is delegated" prop Delegate yes
	check "$unit is in system.slice" prop Slice system.slice
	check "$unit says whose it is" prop Description "ocirun container $id"
	check "unit DevicePolicy strict (the config denies all, then allows some)" prop DevicePolicy strict
	check "unit DeviceAllow has /dev/null (runc's defaults)" \
		bash -c 'grep -q "^DeviceAllow=.*/dev/char/1:3 rwm" <<<"$1"' _ "$props"
	if [ $mode = v2 ]; then
		check "unit MemoryMax" prop MemoryMax 67108864
	else
		check "unit MemoryLimit" prop MemoryLimit 67108864
		check "unit CPUShares" prop CPUShares 512
	fi
	check "unit TasksMax" prop TasksMax 64
	check "unit CPUQuotaPerSecUSec (50000/100000)" prop CPUQuotaPerSecUSec 500ms
	check "unit CPUQuotaPeriodUSec" prop CPUQuotaPeriodUSec 100ms
	check "unit AllowedCPUs" prop AllowedCPUs 0
	if [ $mode = v2 ]; then
		weight=$(sed -n 's/^CPUWeight=//p' <<<"$props")
		check "unit CPUWeight from shares 512 ($weight) is cpu.weight" is "$(f cpu cpu.weight)" "$weight"
		check "memory.max" is "$(f memory memory.max)" 67108864
		check "cpu.max" is "$(f cpu cpu.max)" "50000 100000"
	else
		check "cpu.shares" is "$(f cpu,cpuacct cpu.shares)" 512
		check "memory.limit_in_bytes" is "$(f memory memory.limit_in_bytes)" 67108864
		check "cpu.cfs_quota_us" is "$(f cpu,cpuacct cpu.cfs_quota_us)" 50000
		check "cpu.cfs_period_us" is "$(f cpu,cpuacct cpu.cfs_period_us)" 100000
	fi
	check "pids.max" is "$(f pids pids.max)" 64
	check "cpuset.cpus" is "$(f cpuset cpuset.cpus)" 0
	check "state.json records the unit" grep -q "\"systemd-unit\": *\"$unit\"" "$ROOT/$id/state.json"
	check "start (no --systemd-cgroup)" rt start $id
	check "state running" [ "$(state_of $id .status)" = running ]
	if [ $mode = v2 ]; then
		freezer=$(f unified cgroup.freeze) frozen=1 thawed=0
	else
		freezer=$(f freezer freezer.state) frozen=FROZEN thawed=THAWED
	fi
	if rt pause $id 2>/tmp/vm/err; then
		check "pause: state paused, ${freezer#"$CG/"} $frozen" \
			bash -c '[ "$1" = paused ] && [ "$(cat "$2")" = "$3" ]' _ "$(state_of $id .status)" "$freezer" $frozen
		check "resume: running, $thawed" \
			bash -c '"$1" --root "$2" resume "$3" && [ "$(cat "$4")" = "$5" ]' _ "$OCIRUN" "$ROOT" $id "$freezer" $thawed
	else
		not_ok "pause: $(cat /tmp/vm/err)"
	fi
	if rt update --memory 128m --pids-limit 100 --cpu-quota 20000 $id 2>/tmp/vm/err; then
		show $unit
		check "update: unit TasksMax" prop TasksMax 100
		check "update: unit CPUQuotaPerSecUSec" prop CPUQuotaPerSecUSec 200ms
		check "update: pids.max" is "$(f pids pids.max)" 100
		if [ $mode = v2 ]; then
			check "update: unit MemoryMax" prop MemoryMax 134217728
			check "update: memory.max" is "$(f memory memory.max)" 134217728
			check "update: cpu.max" is "$(f cpu cpu.max)" "20000 100000"
		else
			check "update: unit MemoryLimit" prop MemoryLimit 134217728
			check "update: memory.limit_in_bytes" is "$(f memory memory.limit_in_bytes)" 134217728
			check "update: cpu.cfs_quota_us" is "$(f cpu,cpuacct cpu.cfs_quota_us)" 20000
		fi
	else
		not_ok "update: $(cat /tmp/vm/err)"
	fi
	if [ $mode != v2 ]; then
		# systemd rewrites the v1 devices cgroup when it realizes the unit again (update did)
		check "devices.list still holds the container's rules, not 'a *:* rwm'" \
			bash -c 'grep -q "^c 1:3 rwm$" "$1" && ! grep -q "^a " "$1"' _ "$(f devices devices.list)"
	fi
	check "exec -d a second process" rt exec -d $id sleep 999
	pids=$(rt ps --format json $id 2>&1)
	check "ps lists two processes, the init first among them ($pids)" \
		bash -c 'jq -e "length == 2 and index($1) != null" <<<"$2" >/dev/null' _ "$pid" "$pids"
	check "the exec'd process is in the scope too" \
		bash -c '[ "$(wc -l <"$1")" = 2 ]' _ "$(f unified cgroup.procs)"
	# A second container that asks for the same unit: refused, and the first is untouched.
	configure '.linux.cgroupsPath = "system.slice:ocirun:sd1"'
	out=$(cd "$bundle" && sd create sd1b </dev/null 2>&1)
	echo "$out" | sed 's/^/#   /'
	check "a taken unit name is refused, saying so" grep -q "already exists" <<<"$out"
	check "... leaving no state for the refused one" [ ! -e "$ROOT/sd1b" ]
	check "... and the owner's scope active with its two processes" \
		bash -c '[ "$(systemctl is-active "$1")" = active ] && [ "$(wc -l <"$2")" = 2 ]' _ $unit "$(f unified cgroup.procs)"
	check "kill --all KILL (no --systemd-cgroup)" rt kill --all $id KILL
	check "the container stops" wait_stopped $id
	check "state works without --systemd-cgroup" [ "$(state_of $id .status)" = stopped ]
	check "delete without --systemd-cgroup" rt delete $id
	check "delete: $unit gone, no cgroup of it in any hierarchy" gone $unit
else
	not_ok "--systemd-cgroup create with cgroupsPath system.slice:ocirun:$id"
	sed 's/^/#   /' /tmp/vm/create.out
fi

# ---- a slice of our own, made by systemd as needed -----------------------------------------------
id=sd2
unit=ocirunvm-$id.scope
rel=/ocirunvm.slice/ocirunvm-test.slice/$unit
configure '.linux.cgroupsPath = "ocirunvm-test.slice:ocirunvm:sd2" |
	.linux.resources.memory = {"limit": 33554432}'
if (cd "$bundle" && sd run -d $id </dev/null >/tmp/vm/create.out 2>&1); then
	ok "--systemd-cgroup run -d in ocirunvm-test.slice"
	pid=$(state_of $id .pid)
	check "the init is in 0::/ocirunvm.slice/ocirunvm-test.slice/$unit" \
		grep -qx "0::/ocirunvm.slice/ocirunvm-test.slice/$unit" "/proc/$pid/cgroup"
	show $unit
	check "$unit is in ocirunvm-test.slice" prop Slice ocirunvm-test.slice
	if [ $mode = v2 ]; then
		check "unit MemoryMax" prop MemoryMax 33554432
	else
		check "unit MemoryLimit" prop MemoryLimit 33554432
	fi
	if [ $mode = v2 ]; then
		check "memory.max" is "$(f memory memory.max)" 33554432
	else
		check "memory.limit_in_bytes" is "$(f memory memory.limit_in_bytes)" 33554432
	fi
	check "systemd made ocirunvm-test.slice" [ "$(systemctl is-active ocirunvm-test.slice)" = active ]
	check "delete --force while running (no --systemd-cgroup)" rt delete --force $id
	check "delete --force: $unit gone, no cgroup of it in any hierarchy" gone $unit
	check "the process is gone" bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"
else
	not_ok "--systemd-cgroup run -d in ocirunvm-test.slice"
	sed 's/^/#   /' /tmp/vm/create.out
fi
systemctl stop ocirunvm.slice 2>/dev/null

# ---- the default: system.slice/ocirun-ID.scope; run in the foreground -------------------------
id=sd3
configure 'del(.linux.cgroupsPath) | del(.linux.resources.memory) |
	.process.args = ["sh", "-c", "cat /proc/self/cgroup; exit 3"] |
	.linux.namespaces = [.linux.namespaces[] | select(.type != "cgroup")]'
out=$(cd "$bundle" && sd run $id </dev/null 2>&1)
rc=$?
echo "$out" | sed 's/^/#   /'
check "run without cgroupsPath: the process sees /system.slice/ocirun-$id.scope" \
	grep -qx "0::/system.slice/ocirun-$id.scope" <<<"$out"
check "run: its exit status (3)" [ "$rc" -eq 3 ]
check "run: ocirun-$id.scope gone, no cgroup of it in any hierarchy" gone "ocirun-$id.scope"
check "run: no state left" [ ! -e "$ROOT/$id" ]

# ---- a failure after the scope was started -------------------------------------------------------
id=sd4
configure '.linux.cgroupsPath = "system.slice:ocirun:sd4" | .linux.resources.cpu = {"cpus": "63"}'
out=$(cd "$bundle" && sd create $id </dev/null 2>&1)
echo "$out" | sed 's/^/#   /'
check "a CPU the machine lacks fails create, naming cpuset.cpus" grep -q "cpuset.cpus" <<<"$out"
check "... and the scope is stopped, no cgroup of it left" gone "ocirun-$id.scope"
check "... no state, no process left" \
	bash -c '[ ! -e "$1/sd4" ] && ! grep -qs . "$2/system.slice/ocirun-sd4.scope/cgroup.procs"' _ "$ROOT" "$CG"

# ---- nothing left ------------------------------------------------------------------------------
left=$(systemctl list-units --all --no-legend 'ocirun-sd*' 'ocirunvm*' 2>&1)
check "no ocirun unit left (${left:-none})" [ -z "$left" ]
check "no ocirun scope's cgroup left" \
	bash -c '[ -z "$(find /sys/fs/cgroup -name "ocirun*-sd*")" ]'
check "no state left" bash -c '[ -z "$(ls -A "$1")" ]' _ "$ROOT"

finish
