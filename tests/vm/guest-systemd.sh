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
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
# check DESCRIPTION CMD...: one TAP line for CMD's status.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# is FILE WANT: FILE's first line is WANT (shown when not).
is() {
	local got
	got=$(head -n1 "$1" 2>&1)
	[ "$got" = "$2" ] && return 0
	echo "#   $1: '$got', want '$2'"
	return 1
}
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
# gone UNIT DIR: systemd no longer has the unit loaded, and DIR does not exist.
gone() {
	local state
	state=$(systemctl show -p LoadState --value "$1" 2>&1)
	[ "$state" = not-found ] && [ ! -e "$2" ] && return 0
	echo "#   $1: LoadState '$state'; $2 $([ -e "$2" ] && echo exists || echo absent)"
	return 1
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
check "systemd runs in unified mode (/sys/fs/cgroup is cgroup2)" \
	[ "$(stat -f -c %T $CG)" = cgroup2fs ]
check "this test runs in its own service's cgroup" \
	grep -qx '0::/system.slice/ocirun-vm-test.service' /proc/self/cgroup

mkdir -p /tmp/vm "$ROOT"
bundle=/tmp/vm/bundle
if ! "$SRC_ROOT/contrib/make-bundle.sh" "$bundle" sleep 1000 >/tmp/vm/make-bundle.log 2>&1; then
	not_ok "make a busybox bundle in tmpfs"
	sed 's/^/#   /' /tmp/vm/make-bundle.log
	finish
fi
ok "busybox bundle made in tmpfs"
cfg=$bundle/config.json
base=$(cat "$cfg")
# configure JQ-FILTER: the bundle's config is the base one changed by the filter.
configure() {
	jq "$1" <<<"$base" >"$cfg"
}

# ---- system.slice:ocirun:ID with limits -----------------------------------------------------
id=sd1
unit=ocirun-$id.scope
d=$CG/system.slice/$unit
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
	show $unit
	check "$unit is delegated" prop Delegate yes
	check "$unit is in system.slice" prop Slice system.slice
	check "unit MemoryMax" prop MemoryMax 67108864
	check "unit TasksMax" prop TasksMax 64
	check "unit CPUQuotaPerSecUSec (50000/100000)" prop CPUQuotaPerSecUSec 500ms
	check "unit CPUQuotaPeriodUSec" prop CPUQuotaPeriodUSec 100ms
	check "unit AllowedCPUs" prop AllowedCPUs 0
	weight=$(sed -n 's/^CPUWeight=//p' <<<"$props")
	check "unit CPUWeight from shares 512 ($weight) is cpu.weight" is "$d/cpu.weight" "$weight"
	check "memory.max" is "$d/memory.max" 67108864
	check "pids.max" is "$d/pids.max" 64
	check "cpu.max" is "$d/cpu.max" "50000 100000"
	check "cpuset.cpus" is "$d/cpuset.cpus" 0
	check "state.json records the unit" grep -q "\"systemd-unit\": *\"$unit\"" "$ROOT/$id/state.json"
	check "start (no --systemd-cgroup)" rt start $id
	check "state running" [ "$(state_of $id .status)" = running ]
	if rt pause $id 2>/tmp/vm/err; then
		check "pause: state paused, cgroup.freeze 1" \
			bash -c '[ "$1" = paused ] && [ "$(cat "$2/cgroup.freeze")" = 1 ]' _ "$(state_of $id .status)" "$d"
		check "resume: running, cgroup.freeze 0" \
			bash -c '"$1" --root "$2" resume "$3" && [ "$(cat "$4/cgroup.freeze")" = 0 ]' _ "$OCIRUN" "$ROOT" $id "$d"
	else
		not_ok "pause: $(cat /tmp/vm/err)"
	fi
	if rt update --memory 128m --pids-limit 100 --cpu-quota 20000 $id 2>/tmp/vm/err; then
		show $unit
		check "update: unit MemoryMax" prop MemoryMax 134217728
		check "update: unit TasksMax" prop TasksMax 100
		check "update: unit CPUQuotaPerSecUSec" prop CPUQuotaPerSecUSec 200ms
		check "update: memory.max" is "$d/memory.max" 134217728
		check "update: pids.max" is "$d/pids.max" 100
		check "update: cpu.max" is "$d/cpu.max" "20000 100000"
	else
		not_ok "update: $(cat /tmp/vm/err)"
	fi
	check "exec -d a second process" rt exec -d $id sleep 999
	pids=$(rt ps --format json $id 2>&1)
	check "ps lists two processes, the init first among them ($pids)" \
		jq -e "length == 2 and index($pid) != null" <<<"$pids"
	check "the exec'd process is in the scope too" \
		bash -c '[ "$(wc -l <"$1/cgroup.procs")" = 2 ]' _ "$d"
	# A second container that asks for the same unit: refused, and the first is untouched.
	configure '.linux.cgroupsPath = "system.slice:ocirun:sd1"'
	out=$(cd "$bundle" && sd create sd1b </dev/null 2>&1)
	echo "$out" | sed 's/^/#   /'
	check "a taken unit name is refused, saying so" grep -q "already exists" <<<"$out"
	check "... leaving no state for the refused one" [ ! -e "$ROOT/sd1b" ]
	check "... and the owner's scope active with its two processes" \
		bash -c '[ "$(systemctl is-active "$1")" = active ] && [ "$(wc -l <"$2/cgroup.procs")" = 2 ]' _ $unit "$d"
	check "kill --all KILL (no --systemd-cgroup)" rt kill --all $id KILL
	check "the container stops" wait_stopped $id
	check "state works without --systemd-cgroup" [ "$(state_of $id .status)" = stopped ]
	check "delete without --systemd-cgroup" rt delete $id
	check "delete: $unit gone, no $d" gone $unit "$d"
else
	not_ok "--systemd-cgroup create with cgroupsPath system.slice:ocirun:$id"
	sed 's/^/#   /' /tmp/vm/create.out
fi

# ---- a slice of our own, made by systemd as needed -----------------------------------------------
id=sd2
unit=ocirunvm-$id.scope
d=$CG/ocirunvm.slice/ocirunvm-test.slice/$unit
configure '.linux.cgroupsPath = "ocirunvm-test.slice:ocirunvm:sd2" |
	.linux.resources.memory = {"limit": 33554432}'
if (cd "$bundle" && sd run -d $id </dev/null >/tmp/vm/create.out 2>&1); then
	ok "--systemd-cgroup run -d in ocirunvm-test.slice"
	pid=$(state_of $id .pid)
	check "the init is in 0::/ocirunvm.slice/ocirunvm-test.slice/$unit" \
		grep -qx "0::/ocirunvm.slice/ocirunvm-test.slice/$unit" "/proc/$pid/cgroup"
	show $unit
	check "$unit is in ocirunvm-test.slice" prop Slice ocirunvm-test.slice
	check "unit MemoryMax" prop MemoryMax 33554432
	check "memory.max" is "$d/memory.max" 33554432
	check "systemd made ocirunvm-test.slice" [ "$(systemctl is-active ocirunvm-test.slice)" = active ]
	check "delete --force while running (no --systemd-cgroup)" rt delete --force $id
	check "delete --force: $unit gone, no $d" gone $unit "$d"
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
check "run: ocirun-$id.scope gone, no cgroup" gone "ocirun-$id.scope" "$CG/system.slice/ocirun-$id.scope"
check "run: no state left" [ ! -e "$ROOT/$id" ]

# ---- nothing left ------------------------------------------------------------------------------
left=$(systemctl list-units --all --no-legend 'ocirun-sd*' 'ocirunvm*' 2>&1)
check "no ocirun unit left (${left:-none})" [ -z "$left" ]
check "no ocirun cgroup left" \
	bash -c '[ -z "$(find /sys/fs/cgroup -name "ocirun*-sd*" -o -name "ocirunvm*")" ]'
check "no state left" bash -c '[ -z "$(ls -A "$1")" ]' _ "$ROOT"

finish
