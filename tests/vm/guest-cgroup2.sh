#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the VM of run-cgroup2.sh (the host's root, read-only, with tmpfs on /tmp and /run
# and a pure cgroup2 hierarchy on /sys/fs/cgroup). Prints TAP between VM-TAP-BEGIN and
# VM-TAP-END: the library's own lifecycle test, then containers made by $OCIRUN whose cgroup
# files are read back (memory.max, cpu.weight, cpu.max, pids.max, io.weight, the freezer, the
# eBPF device filter, update, delete), the init born in its cgroup by clone3 and the fallback
# where clone3 is refused, then the cgroups.bats suite when bats is there.
set -u

OCIRUN=${OCIRUN:?}
BUILD_ROOT=${BUILD_ROOT:-}
SRC_ROOT=${SRC_ROOT:?}
ROOT=/run/ocirun-vm
CG=/sys/fs/cgroup
. "$(dirname "${BASH_SOURCE[0]}")/guest-tap.sh"

rt() {
	"$OCIRUN" --root "$ROOT" "$@"
}
state_of() {
	rt state "$1" 2>/dev/null | jq -r "$2"
}

echo "VM-TAP-BEGIN"
echo "# up $(cut -d' ' -f1 /proc/uptime) s"
echo "# kernel $(uname -r), $(nproc) cpus; /sys/fs/cgroup is $(stat -f -c %T $CG)"
echo "# controllers: $(cat $CG/cgroup.controllers)"
check "a pure cgroup2 hierarchy on /sys/fs/cgroup" [ "$(stat -f -c %T $CG)" = cgroup2fs ]
check "no cgroup v1 hierarchy is mounted" bash -c '! grep -q " - cgroup " /proc/self/mountinfo'

# ---- the library on v2 (the unit test that makes real cgroups) -----------------------------
unit=$BUILD_ROOT/tests/unit/runtime/test_cgroup_host
if [ -x "$unit" ]; then
	out=$("$unit" 2>&1)
	rc=$?
	sed 's/^/#   /' <<<"$out"
	check "test_cgroup_host on cgroup v2 ($(grep -c '^ok' <<<"$out") checks passed)" [ "$rc" -eq 0 ]
else
	skip "test_cgroup_host on cgroup v2" "not built at $unit"
fi

# ---- containers -----------------------------------------------------------------------------
mkdir -p /tmp/vm "$ROOT"
bundle=/tmp/vm/bundle
if ! "$SRC_ROOT/contrib/make-bundle.sh" "$bundle" sleep 1000 >/tmp/vm/make-bundle.log 2>&1; then
	not_ok "make a busybox bundle in tmpfs"
	sed 's/^/#   /' /tmp/vm/make-bundle.log
	echo "1..$n"
	echo "VM-TAP-END"
	exit 1
fi
ok "busybox bundle made in tmpfs"
cfg=$bundle/config.json
jq '.linux.cgroupsPath = "/ocirun-vm/c1" |
	.linux.resources.memory = {"limit": 67108864, "swap": 67108864} |
	.linux.resources.cpu = {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0"} |
	.linux.resources.pids = {"limit": 20} |
	.linux.resources.blockIO = {"weight": 300} |
	.linux.resources.unified = {"memory.high": "50331648"}' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"

d=$CG/ocirun-vm/c1
# The container's init keeps the create's stdout and stderr: a file, never a pipe we wait on.
if (cd "$bundle" && rt create c1 </dev/null >/tmp/vm/create.out 2>&1); then
	ok "create with memory, cpu, cpuset, pids, io and unified resources"
	pid=$(state_of c1 .pid)
	check "the init is in 0::/ocirun-vm/c1" grep -qx '0::/ocirun-vm/c1' "/proc/$pid/cgroup"
	check "memory.max" is "$d/memory.max" 67108864
	if [ -e "$d/memory.swap.max" ]; then
		check "memory.swap.max (memory+swap 64M - memory 64M)" is "$d/memory.swap.max" 0
	else
		skip "memory.swap.max" "no swap accounting in this kernel"
	fi
	check "memory.high from unified" is "$d/memory.high" 50331648
	check "cpu.weight from shares 512" is "$d/cpu.weight" 59
	check "cpu.max" is "$d/cpu.max" "20000 100000"
	check "cpuset.cpus" is "$d/cpuset.cpus" 0
	check "pids.max" is "$d/pids.max" 20
	if [ -e "$d/io.bfq.weight" ]; then
		check "io.bfq.weight" is "$d/io.bfq.weight" "default 300"
	elif [ -e "$d/io.weight" ]; then
		check "io.weight from blkio weight 300" is "$d/io.weight" "default 2930"
	else
		skip "io.weight" "no io.weight or io.bfq.weight"
	fi
	if rt start c1 && [ "$(state_of c1 .status)" = running ]; then
		ok "start"
	else
		not_ok "start"
	fi
	if rt pause c1 2>/tmp/vm/err; then
		check "pause: state paused" [ "$(state_of c1 .status)" = paused ]
		check "pause: cgroup.freeze 1" is "$d/cgroup.freeze" 1
		check "pause: cgroup.events frozen 1" grep -qx 'frozen 1' "$d/cgroup.events"
		check "resume" rt resume c1
		check "resume: running, cgroup.freeze 0" bash -c "[ \"\$(\"$OCIRUN\" --root $ROOT state c1 | jq -r .status)\" = running ] && [ \"\$(cat $d/cgroup.freeze)\" = 0 ]"
	else
		not_ok "pause: $(cat /tmp/vm/err)"
	fi
	check "ps --format json lists the init" bash -c "\"$OCIRUN\" --root $ROOT ps --format json c1 | jq -e 'index($pid) != null' >/dev/null"
	# exec: the process is cloned into the container's cgroup (clone3 with CLONE_INTO_CGROUP);
	# at pids.max that clone fails (EAGAIN) and the runtime writes the pid instead, which
	# pids.max does not limit. strace, when there, shows which way was taken (foreground
	# commands only: strace -f waits for every process it follows).
	trace=()
	command -v strace >/dev/null && trace=(strace -f -qq -e trace=clone3 -o /tmp/vm/exec.trace)
	out=$("${trace[@]}" "$OCIRUN" --root $ROOT exec c1 cat /proc/self/cgroup 2>&1)
	check "exec: the process is in 0::/ocirun-vm/c1" grep -qx '0::/ocirun-vm/c1' <<<"$out"
	if [ ${#trace[@]} -gt 0 ]; then
		check "exec: born there (clone3 CLONE_INTO_CGROUP)" grep -q 'CLONE_INTO_CGROUP.*= [0-9]' /tmp/vm/exec.trace
	else
		skip "exec: born there (clone3 CLONE_INTO_CGROUP)" "no strace"
	fi
	if rt exec -d --pid-file /tmp/vm/exec.pid c1 sleep 999; then
		epid=$(cat /tmp/vm/exec.pid)
		echo 2 >"$d/pids.max"
		out=$("${trace[@]}" "$OCIRUN" --root $ROOT exec c1 cat /proc/self/cgroup 2>&1)
		check "exec at pids.max (2 of 2): joins all the same" grep -qx '0::/ocirun-vm/c1' <<<"$out"
		if [ ${#trace[@]} -gt 0 ]; then
			check "exec at pids.max: clone3 into the cgroup failed (EAGAIN), the pid was written" grep -q 'CLONE_INTO_CGROUP.*EAGAIN' /tmp/vm/exec.trace
		fi
		echo 20 >"$d/pids.max"
		kill -9 "$epid"
		for _ in $(seq 50); do grep -qx "$epid" "$d/cgroup.procs" || break; sleep 0.1; done
	else
		not_ok "exec -d into c1"
	fi
	if rt update --memory 128m --pids-limit 30 c1; then
		check "update: memory.max" is "$d/memory.max" 134217728
		check "update: pids.max" is "$d/pids.max" 30
	else
		not_ok "update --memory 128m --pids-limit 30"
	fi
	stats=$(rt events --stats c1 2>&1)
	check "events --stats" bash -c 'jq -e ".type == \"stats\" and .data.pids.current == 1 and .data.memory.usage.limit == 134217728" >/dev/null <<<"$1"' _ "$stats"
	check "kill --all" rt kill --all c1 KILL
	for _ in $(seq 1 100); do [ "$(state_of c1 .status)" = stopped ] && break; sleep 0.1; done
	check "delete" rt delete c1
	check "delete removed $d" [ ! -d "$d" ]
else
	not_ok "create with memory, cpu, cpuset, pids, io and unified resources"
	sed 's/^/#   /' /tmp/vm/create.out
fi
rmdir "$CG/ocirun-vm" 2>/dev/null

# The device rules: an eBPF program, since v2 has no devices.allow.
jq '.linux.cgroupsPath = "/ocirun-vm/c2" | del(.linux.resources) |
	.linux.resources.devices = [{"allow": false, "access": "rwm"}] |
	.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}] |
	.process.args = ["sh", "-c", "echo x > /dev/null && echo null-ok; head -c1 /dev/kmsg && echo kmsg-opened; true"]' \
	"$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
out=$(cd "$bundle" && rt run c2 </dev/null 2>&1)
echo "$out" | sed 's/^/#   /'
check "devices: /dev/null allowed by the default rules" grep -q null-ok <<<"$out"
check "devices: /dev/kmsg denied by the eBPF filter" bash -c '! grep -q kmsg-opened <<<"$1" && grep -q "Operation not permitted" <<<"$1"' _ "$out"
rt delete --force c2 >/dev/null 2>&1
check "nothing left under /sys/fs/cgroup/ocirun-vm" bash -c "[ ! -d $CG/ocirun-vm ] || [ -z \"\$(find $CG/ocirun-vm -mindepth 1 -type d)\" ]"
rmdir "$CG/ocirun-vm" 2>/dev/null

# ---- the init born in its cgroup ---------------------------------------------------------------
# On v2 the init is cloned with clone3 CLONE_INTO_CGROUP: no write of cgroup.procs, no migration.
# Where clone3 is refused (no-clone3.py answers it ENOSYS by seccomp, as an older kernel or an
# engine's profile would) the init is cloned the old way and moved by writing its pid. strace
# follows the runtime alone (no -f: it would wait for the init, which waits for start).
jq '.linux.cgroupsPath = "/ocirun-vm/c3" | del(.linux.resources) | del(.linux.devices) |
	.process.args = ["sleep", "1000"]' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
if command -v strace >/dev/null; then
	if (cd "$bundle" && strace -qq -e trace=clone3 -o /tmp/vm/clone3.trace "$OCIRUN" --root "$ROOT" \
		create c3 </dev/null >/tmp/vm/c3.out 2>&1); then
		pid=$(state_of c3 .pid)
		sed 's/^/#   /' /tmp/vm/clone3.trace | grep CLONE_INTO_CGROUP
		check "clone3: the init is in 0::/ocirun-vm/c3" grep -qx '0::/ocirun-vm/c3' "/proc/$pid/cgroup"
		check "clone3: it was born there (clone3 with CLONE_INTO_CGROUP returned its pid)" \
			grep -q "CLONE_INTO_CGROUP.*= $pid\$" /tmp/vm/clone3.trace
	else
		not_ok "clone3: create c3"
		sed 's/^/#   /' /tmp/vm/c3.out
	fi
	rt delete --force c3 >/dev/null 2>&1
else
	skip "clone3: the init born in its cgroup" "strace not installed"
fi
jq '.linux.cgroupsPath = "/ocirun-vm/c4"' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
if (cd "$bundle" && python3 "$SRC_ROOT/tests/vm/no-clone3.py" "$OCIRUN" --root "$ROOT" create c4 \
	</dev/null >/tmp/vm/c4.out 2>&1); then
	pid=$(state_of c4 .pid)
	check "clone3 refused (ENOSYS): create falls back, the init is in 0::/ocirun-vm/c4" \
		grep -qx '0::/ocirun-vm/c4' "/proc/$pid/cgroup"
	check "clone3 refused: start, and the container runs" \
		bash -c "\"$OCIRUN\" --root $ROOT start c4 && [ \"\$(\"$OCIRUN\" --root $ROOT state c4 | jq -r .status)\" = running ]"
else
	not_ok "clone3 refused (ENOSYS): create falls back to cloning and moving the init"
	sed 's/^/#   /' /tmp/vm/c4.out
fi
rt delete --force c4 >/dev/null 2>&1
rmdir "$CG/ocirun-vm" 2>/dev/null

# ---- the cgroups bats suite -------------------------------------------------------------------
# Under software emulation a bats test takes about ten seconds (the first one forty, making the
# template bundle): the tests that the checks above do not already cover fit the lane's budget.
VM_BATS_FILTER=${VM_BATS_FILTER:-configured cgroup in every|resources: memory limit|cpu shares|pids limit|unified on|denied device|state says paused|in every hierarchy\$}
if [ "${VM_BATS:-1}" = 0 ]; then
	skip "cgroups.bats" "VM_BATS=0"
elif command -v bats >/dev/null; then
	echo "# up $(cut -d' ' -f1 /proc/uptime) s: cgroups.bats -f '$VM_BATS_FILTER'"
	out=$(cd /tmp && SOAK_CYCLES=${SOAK_CYCLES:-10} OCIRUN=$OCIRUN BUILD_ROOT=$BUILD_ROOT TMPDIR=/tmp \
		timeout "${VM_BATS_TIMEOUT:-400}" bats --tap -f "$VM_BATS_FILTER" \
		"$SRC_ROOT/tests/integration/cgroups.bats" 2>&1)
	rc=$?
	sed 's/^/#   /' <<<"$out"
	passed=$(grep -Ec '^ok [0-9]+' <<<"$out")
	skipped=$(grep -Ec '^ok [0-9]+ .*# [Ss][Kk][Ii][Pp]' <<<"$out")
	failed_b=$(grep -Ec '^not ok' <<<"$out")
	check "cgroups.bats on cgroup v2: $((passed - skipped)) passed, $failed_b failed, $skipped skipped" [ "$rc" -eq 0 ]
else
	skip "cgroups.bats" "bats not installed"
fi

echo "# up $(cut -d' ' -f1 /proc/uptime) s"
echo "1..$n"
echo "VM-TAP-END"
[ "$failed" -eq 0 ]
