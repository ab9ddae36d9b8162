#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The `ocirun check` lane: runs inside the VM of run-cgroup2.sh (VM_GUEST=guest-check.sh), on
# a pure cgroup2 hierarchy. Prints `ocirun check` (table and JSON) into the log, asserts the
# verdicts a v2 host must get, then holds `check --bundle` against `create` on the bundles whose
# verdict depends on the cgroup mode (on the hybrid host the integration suite sees the other
# side). TAP between VM-TAP-BEGIN and VM-TAP-END.
set -u

OCIRUN=${OCIRUN:?}
SRC_ROOT=${SRC_ROOT:?}
ROOT=/run/ocirun-vm-check
CG=/sys/fs/cgroup
. "$(dirname "${BASH_SOURCE[0]}")/guest-tap.sh"

# probe NAME FIELD: a field of the probe called NAME in the JSON output.
probe() {
	jq -r --arg name "$1" ".probes[] | select(.name == \$name) | .$2" /tmp/vmc/host.json
}

echo "VM-TAP-BEGIN"
echo "# up $(cut -d' ' -f1 /proc/uptime) s"
echo "# kernel $(uname -r); /sys/fs/cgroup is $(stat -f -c %T $CG): $(cat $CG/cgroup.controllers)"
mkdir -p /tmp/vmc "$ROOT"

# ---- the host -------------------------------------------------------------------------------
"$OCIRUN" check >/tmp/vmc/host.txt 2>&1
rc=$?
sed 's/^/#   /' /tmp/vmc/host.txt
check "ocirun check exits 0" [ "$rc" -eq 0 ]
"$OCIRUN" check --format json >/tmp/vmc/host.json 2>/tmp/vmc/host.err
check "ocirun check --format json is JSON" bash -c "jq -e '.probes | length > 10' /tmp/vmc/host.json >/dev/null"
sed 's/^/#   /' /tmp/vmc/host.json
check "cgroup mode: ok, v2" [ "$(probe mode verdict)" = ok ] && [[ "$(probe mode reason)" == v2:* ]]
for c in $(cat $CG/cgroup.controllers); do
	grep -qw "$c" <<<"$(probe controllers reason)" || not_ok "controllers: $c is in cgroup.controllers but not in the probe"
done
check "controllers: memory, pids, cpu, io present" bash -c 'for c in memory pids cpu io; do grep -qw $c <<<"$1" || exit 1; done' _ "$(probe controllers reason)"
check "freezer: ok (cgroup.freeze)" [ "$(probe freezer verdict)" = ok ]
check "devices: ok (eBPF)" [ "$(probe devices verdict)" = ok ]
check "namespaces: ok" [ "$(probe kinds verdict)" = ok ]

echo "# up $(cut -d' ' -f1 /proc/uptime) s: bundles"
# ---- bundles whose verdict depends on the cgroup mode -------------------------------------------
bundle=/tmp/vmc/bundle
if ! "$SRC_ROOT/contrib/make-bundle.sh" "$bundle" sleep 1000 >/tmp/vmc/make-bundle.log 2>&1; then
	not_ok "make a busybox bundle in tmpfs"
	sed 's/^/#   /' /tmp/vmc/make-bundle.log
	echo "1..$n"
	echo "VM-TAP-END"
	exit 1
fi
hugetlb=fail
grep -qw hugetlb $CG/cgroup.controllers && [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] && hugetlb=ok
# NAME|EXPECTED|FILTER: the verdicts that differ from the hybrid host's (a create costs about
# twenty seconds under emulation, so four bundles; the integration suite has the other kinds).
cases="unified-memory-high|ok|.linux.resources.unified = {\"memory.high\": \"50331648\"}
unified-bad-key|fail|.linux.resources.unified = {\"nonesuch.max\": \"1\"}
hugetlb-2MB|$hugetlb|.linux.resources.hugepageLimits = [{\"pageSize\": \"2MB\", \"limit\": 2097152}]
net-cls-ignored|ok|.linux.resources.network = {\"classID\": 1048577}"
i=0
disagree=0
while IFS='|' read -r name expected filter; do
	i=$((i + 1))
	b=/tmp/vmc/b-$name
	mkdir -p "$b"
	ln -sfn "$bundle/rootfs" "$b/rootfs"
	jq ".linux.cgroupsPath = \"/ocirun-vm-check/c$i\" | $filter" "$bundle/config.json" >"$b/config.json"
	"$OCIRUN" check --bundle "$b" --format json >/tmp/vmc/$name.json 2>&1
	crc=$?
	verdict=$(jq -r .verdict /tmp/vmc/$name.json)
	jq -r '.findings[] | "#   \(.severity): \(.path): \(.message)"' /tmp/vmc/$name.json
	"$OCIRUN" --root "$ROOT" create --bundle "$b" "c$i" </dev/null >/tmp/vmc/create.out 2>&1
	rc=$?
	sed 's/^/#   create: /' /tmp/vmc/create.out
	"$OCIRUN" --root "$ROOT" delete --force "c$i" >/dev/null 2>&1
	if { [ "$crc" -eq 0 ] && [ "$rc" -eq 0 ]; } || { [ "$crc" -ne 0 ] && [ "$rc" -ne 0 ]; }; then
		check "$name: check says $verdict (want $expected), create exit $rc" [ "$verdict" = "$expected" ]
	else
		disagree=$((disagree + 1))
		not_ok "$name: check says $verdict (exit $crc), create exit $rc: they disagree"
	fi
done <<<"$cases"
echo "# $i bundles, $disagree disagreements"
check "nothing left under $CG/ocirun-vm-check" bash -c "[ ! -d $CG/ocirun-vm-check ] || [ -z \"\$(find $CG/ocirun-vm-check -mindepth 1 -type d)\" ]"
rmdir "$CG/ocirun-vm-check" 2>/dev/null

echo "# up $(cut -d' ' -f1 /proc/uptime) s"
echo "1..$n"
echo "VM-TAP-END"
[ "$failed" -eq 0 ]
