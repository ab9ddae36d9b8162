#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the VM of run-cgroup2.sh (VM_GUEST=guest-rootless-v2.sh): rootless ocirun on a
# pure cgroup2 host with a delegated subtree, the way systemd delegates one to a user's
# session. The host root is read-only here, so the user is a bare uid (4242) with no passwd
# entry: a single-id mapping, no newuidmap. Prints TAP between VM-TAP-BEGIN and VM-TAP-END.
set -u

OCIRUN=${OCIRUN:?}
SRC_ROOT=${SRC_ROOT:?}

# The VM's init chroots into the host root (/host of its initramfs), and the kernel refuses
# an unprivileged user namespace to a chrooted process. So, first, what switch_root does: in a
# mount namespace of our own, seen from the initramfs (its static busybox), /host is moved onto
# "/" and entered with chroot ".", which makes it the namespace's real root.
if [ -z "${RL_REROOTED:-}" ]; then
	exec nsenter --mount=/proc/1/ns/mnt --root=/proc/1/root /bin/busybox unshare -m \
		/bin/busybox sh -c 'cd /host && mount --move /host / &&
			exec chroot . /usr/bin/env RL_REROOTED=1 /bin/bash "$0"' "$0"
fi
CG=/sys/fs/cgroup
USER_ID=4242
DELEGATED=$CG/rl-user
XDG=/tmp/rl-xdg
. "$(dirname "${BASH_SOURCE[0]}")/guest-tap.sh"

# as_user CMD...: CMD as uid 4242, started in the delegated subtree's "shell" cgroup (where a
# systemd user session would have put it).
as_user() {
	(
		echo "$BASHPID" >"$DELEGATED/shell/cgroup.procs" || exit 99
		exec setpriv --reuid $USER_ID --regid $USER_ID --clear-groups \
			env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR=$XDG "$@"
	)
}
rl() {
	as_user "$OCIRUN" "$@"
}
state_of() {
	rl state "$1" 2>/dev/null | jq -r "$2"
}
finish() {
	echo "# up $(cut -d' ' -f1 /proc/uptime) s"
	echo "1..$n"
	echo "VM-TAP-END"
	[ "$failed" -eq 0 ]
	exit
}

echo "VM-TAP-BEGIN"
echo "# kernel $(uname -r); /sys/fs/cgroup is $(stat -f -c %T $CG); controllers: $(cat $CG/cgroup.controllers)"
check "a pure cgroup2 hierarchy on /sys/fs/cgroup" [ "$(stat -f -c %T $CG)" = cgroup2fs ]
# Debian's kernels have a switch for unprivileged user namespaces; this test wants them on.
if [ -e /proc/sys/kernel/unprivileged_userns_clone ]; then
	echo "# kernel.unprivileged_userns_clone was $(cat /proc/sys/kernel/unprivileged_userns_clone)"
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
fi
echo "# user.max_user_namespaces $(cat /proc/sys/user/max_user_namespaces)"
check "uid $USER_ID can make a user namespace here" \
	setpriv --reuid $USER_ID --regid $USER_ID --clear-groups unshare -U true

# ---- the delegation: a subtree the user owns, controllers available in it --------------------
echo "+memory +pids" >"$CG/cgroup.subtree_control"
mkdir -p "$DELEGATED/shell"
chown -R $USER_ID:$USER_ID "$DELEGATED"
mkdir -p -m 0700 $XDG
chown $USER_ID:$USER_ID $XDG
bundle=/tmp/rl/bundle
mkdir -p /tmp/rl
if ! "$SRC_ROOT/contrib/make-bundle.sh" "$bundle" sleep 1000 >/tmp/rl/make-bundle.log 2>&1; then
	not_ok "make a busybox bundle in tmpfs"
	sed 's/^/#   /' /tmp/rl/make-bundle.log
	finish
fi
chown $USER_ID "$bundle"
cfg=$bundle/config.json
# what `ocirun spec --rootless` gives, with a cgroup in the delegated subtree and limits
jq --argjson u $USER_ID '.process.terminal = false
	| del(.linux.namespaces[] | select(.type == "network"))
	| .linux.namespaces += [{"type": "user"}]
	| .linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}]
	| .linux.gidMappings = [{"containerID": 0, "hostID": $u, "size": 1}]
	| .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "none",
		"source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)
	| .mounts[].options |= (. // [] | map(select(test("^[ug]id=") | not)))
	| .linux.cgroupsPath = "/rl-user/ctr"
	| .linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 30},
		"devices": [{"allow": false, "access": "rwm"}]}' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"

d=$DELEGATED/ctr
if (cd "$bundle" && rl run -d rl1 </dev/null >/tmp/rl/run.out 2>&1); then
	ok "rootless run -d with memory and pids limits in the delegated subtree"
	pid=$(state_of rl1 .pid)
	check "the init runs as uid $USER_ID on the host" bash -c "[ \"\$(stat -c %u /proc/$pid)\" = $USER_ID ]"
	check "the init is in 0::/rl-user/ctr" grep -qx '0::/rl-user/ctr' "/proc/$pid/cgroup"
	check "memory.max" is "$d/memory.max" 67108864
	check "pids.max" is "$d/pids.max" 30
	if rl pause rl1 2>/tmp/rl/err; then
		check "pause: state paused, cgroup.freeze 1" bash -c "[ \"\$(cat $d/cgroup.freeze)\" = 1 ]"
		check "pause: state says paused" [ "$(state_of rl1 .status)" = paused ]
		check "resume" rl resume rl1
		check "resume: cgroup.freeze 0" is "$d/cgroup.freeze" 0
	else
		not_ok "pause: $(cat /tmp/rl/err)"
	fi
	pids=$(rl ps --format json rl1 2>&1)
	check "ps --format json lists the init" bash -c 'jq -e "index($1) != null" >/dev/null <<<"$2"' _ "$pid" "$pids"
	check "update --pids-limit 40" rl update --pids-limit 40 rl1
	check "update: pids.max" is "$d/pids.max" 40
	check "kill KILL" rl kill rl1 KILL
	for _ in $(seq 1 100); do [ "$(state_of rl1 .status)" = stopped ] && break; sleep 0.1; done
	check "delete" rl delete rl1
	check "delete removed $d" [ ! -d "$d" ]
else
	not_ok "rootless run -d with memory and pids limits in the delegated subtree"
	sed 's/^/#   /' /tmp/rl/run.out
fi

# ---- outside the delegated subtree ------------------------------------------------------------
jq '.linux.cgroupsPath = "/rl-not-delegated/ctr" | .process.args = ["true"]' "$cfg" >"$cfg.new" &&
	mv "$cfg.new" "$cfg"
out=$(cd "$bundle" && rl run rl2 </dev/null 2>&1)
rc=$?
echo "$out" | sed 's/^/#   /'
check "a limit outside the delegated subtree is refused, naming the cgroup" \
	bash -c '[ "$1" -ne 0 ] && grep -q cgroup <<<"$2"' _ "$rc" "$out"
check "nothing left in the state root" bash -c "[ -z \"\$(ls -A $XDG/ocirun 2>/dev/null)\" ]"
jq 'del(.linux.resources)' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
out=$(cd "$bundle" && rl run rl3 </dev/null 2>&1)
rc=$?
echo "$out" | sed 's/^/#   /'
check "without limits it runs there without a cgroup of its own, with one warning" \
	bash -c '[ "$1" -eq 0 ] && [ "$(grep -c . <<<"$2")" -le 1 ]' _ "$rc" "$out"

finish
