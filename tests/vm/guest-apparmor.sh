#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the VM of run-cgroup2.sh (VM_GUEST=guest-apparmor.sh, kernel booted with
# "apparmor=1 security=apparmor"): Debian's kernel has AppArmor built in, this host does not.
# Mounts securityfs, loads two small profiles with apparmor_parser, and proves from outside the
# containers that ocirun applies process.apparmorProfile and exec --apparmor: the label in
# /proc/PID/attr/apparmor/current, and a read that the profile denies. Prints TAP between
# VM-TAP-BEGIN and VM-TAP-END. SELinux has no policy in this VM: its checks skip, saying so.
set -u

OCIRUN=${OCIRUN:?}
SRC_ROOT=${SRC_ROOT:?}
ROOT=/run/ocirun-vm-aa
W=/tmp/vm-aa
. "$(dirname "${BASH_SOURCE[0]}")/guest-tap.sh"

# same GOT WANT: GOT is WANT (both shown when not).
same() {
	[ "$1" = "$2" ] && return 0
	echo "#   got '$1', want '$2'"
	return 1
}
finish() {
	echo "1..$n"
	echo "VM-TAP-END"
	[ "$failed" -eq 0 ]
	exit
}
rt() {
	"$OCIRUN" --root "$ROOT" "$@"
}
state_of() {
	rt state "$1" 2>/dev/null | jq -r "$2"
}
# label_of PID: the AppArmor label of a process, as the kernel shows it outside the container.
label_of() {
	local f=/proc/$1/attr/apparmor/current
	[ -e "$f" ] || f=/proc/$1/attr/current
	cat "$f" 2>&1
}
# config FILTER: applies a jq filter to the bundle's config.json.
config() {
	jq "$1" "$bundle/config.json.orig" >"$bundle/config.json"
}

echo "VM-TAP-BEGIN"
echo "# kernel $(uname -r); cmdline: $(cat /proc/cmdline)"
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
	not_ok "AppArmor is enabled in the guest kernel (/sys/module/apparmor/parameters/enabled)"
	finish
fi
ok "AppArmor is enabled in the guest kernel"
mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security
if ! command -v apparmor_parser >/dev/null; then
	skip "load the test profiles" "apparmor_parser not installed on the host (apt-get install apparmor)"
	finish
fi

# ---- profiles ---------------------------------------------------------------------------------
mkdir -p "$W" "$ROOT"
# Everything allowed but reading /secret; the second profile allows that too. change_profile:
# the second one also confines the runtime itself in the stacking check below.
for name in ocirun-test-deny ocirun-test-other; do
	rule=
	# AppArmor names a file from the mount namespace's root: on a real host the container's
	# /secret is "/secret", here (the guest chroots into the 9p root at /host of the initramfs,
	# and pivot_root keeps that place) it is "/host/secret". The rule covers both.
	[ $name = ocirun-test-deny ] && rule="deny /{,**/}secret r,"
	cat >"$W/$name" <<EOF
profile $name flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  mount,
  umount,
  pivot_root,
  change_profile,
  $rule
}
EOF
	if apparmor_parser -r -K -q "$W/$name" 2>"$W/parser.err"; then
		ok "apparmor_parser loads $name"
	else
		not_ok "apparmor_parser loads $name"
		sed 's/^/#   /' "$W/parser.err"
		finish
	fi
done

bundle=$W/bundle
if ! "$SRC_ROOT/contrib/make-bundle.sh" "$bundle" sleep 1000 >"$W/make-bundle.log" 2>&1; then
	not_ok "make a busybox bundle in tmpfs"
	sed 's/^/#   /' "$W/make-bundle.log"
	finish
fi
echo secret >"$bundle/rootfs/secret"
cp "$bundle/config.json" "$bundle/config.json.orig"
ok "busybox bundle made in tmpfs, with /secret"

# ---- process.apparmorProfile --------------------------------------------------------------------
config '.process.apparmorProfile = "ocirun-test-deny"'
if (cd "$bundle" && rt run -d c1 </dev/null >"$W/c1.out" 2>&1); then
	ok "run -d with apparmorProfile ocirun-test-deny"
	pid=$(state_of c1 .pid)
	check "the container's init is confined: /proc/PID/attr/apparmor/current" \
		same "$(label_of "$pid")" "ocirun-test-deny (enforce)"
	out=$(rt exec c1 cat /secret 2>&1)
	echo "$out" | sed 's/^/#   /'
	check "the profile denies reading /secret (exec inherits the container's profile)" \
		grep -q "Permission denied" <<<"$out"
	out=$(rt exec c1 cat /proc/self/attr/current 2>&1)
	check "exec without --apparmor runs under the container's profile" \
		same "$out" "ocirun-test-deny (enforce)"

	# ---- exec --apparmor ----------------------------------------------------------------------
	rm -f "$W/exec.pid"
	if rt exec -d --pid-file "$W/exec.pid" --apparmor ocirun-test-other c1 sleep 1000; then
		check "exec --apparmor ocirun-test-other: /proc/PID/attr/apparmor/current" \
			same "$(label_of "$(cat "$W/exec.pid")")" "ocirun-test-other (enforce)"
	else
		not_ok "exec -d --apparmor ocirun-test-other"
	fi
	out=$(rt exec --apparmor=ocirun-test-other c1 cat /secret 2>&1)
	check "exec --apparmor=ocirun-test-other may read /secret" same "$out" secret
	out=$(rt exec --apparmor unconfined c1 cat /proc/self/attr/current 2>&1)
	check "exec --apparmor unconfined" same "$out" unconfined
	jq -n '{args: ["cat", "/proc/self/attr/current"], cwd: "/"}' >"$W/p1.json"
	out=$(rt exec --process "$W/p1.json" c1 2>&1)
	check "exec --process without apparmorProfile gets the container's" \
		same "$out" "ocirun-test-deny (enforce)"
	jq -n '{args: ["cat", "/proc/self/attr/current"], cwd: "/", apparmorProfile: "ocirun-test-other"}' \
		>"$W/p2.json"
	out=$(rt exec --process "$W/p2.json" c1 2>&1)
	check "exec --process with apparmorProfile ocirun-test-other" \
		same "$out" "ocirun-test-other (enforce)"
	out=$(rt exec --apparmor ocirun-test-missing c1 true 2>&1)
	rc=$?
	echo "$out" | sed 's/^/#   /'
	check "exec --apparmor of a profile not loaded: exit 255, named" \
		bash -c '[ "$1" = 255 ] && grep -q "ocirun-test-missing\": not loaded" <<<"$2"' _ "$rc" "$out"
	rt delete -f c1 >/dev/null 2>&1
else
	not_ok "run -d with apparmorProfile ocirun-test-deny"
	sed 's/^/#   /' "$W/c1.out"
fi

# ---- the same without no_new_privs, and a profile that is not loaded -----------------------------
config '.process.apparmorProfile = "ocirun-test-deny" | .process.noNewPrivileges = false |
	.process.args = ["sh", "-c", "cat /proc/self/attr/current; cat /secret"]'
out=$(cd "$bundle" && rt run c2 </dev/null 2>&1)
echo "$out" | sed 's/^/#   /'
check "noNewPrivileges false: confined, and /secret denied" \
	bash -c 'grep -qx "ocirun-test-deny (enforce)" <<<"$1" && grep -q "Permission denied" <<<"$1"' _ "$out"
rt delete -f c2 >/dev/null 2>&1

config '.process.apparmorProfile = "ocirun-test-missing"'
out=$(cd "$bundle" && rt create c3 </dev/null 2>&1)
rc=$?
echo "$out" | sed 's/^/#   /'
check "create with a profile that is not loaded fails, naming it" \
	bash -c '[ "$1" != 0 ] && grep -q "AppArmor profile \"ocirun-test-missing\": not loaded in the kernel" <<<"$2"' _ "$rc" "$out"
check "... and leaves no state behind" [ ! -e "$ROOT/c3" ]
rt delete -f c3 >/dev/null 2>&1

# ---- a confined runtime with no_new_privs: the profile is stacked ---------------------------
# AppArmor refuses a plain transition under no_new_privs from a confined task; ocirun then asks
# for "stack": the container ends up confined by both profiles.
if command -v aa-exec >/dev/null; then
	config '.process.apparmorProfile = "ocirun-test-deny" | .process.noNewPrivileges = true |
		.process.args = ["sh", "-c", "cat /proc/self/attr/current; cat /secret"]'
	out=$(cd "$bundle" && aa-exec -p ocirun-test-other -- "$OCIRUN" --root "$ROOT" run c4 </dev/null 2>&1)
	echo "$out" | sed 's/^/#   /'
	check "runtime confined by ocirun-test-other, noNewPrivileges: the profile is stacked" \
		bash -c 'grep -Eq "ocirun-test-(other//&ocirun-test-deny|deny//&ocirun-test-other)" <<<"$1" && grep -q "Permission denied" <<<"$1"' _ "$out"
	rt delete -f c4 >/dev/null 2>&1
else
	skip "a confined runtime stacks the profile" "aa-exec not installed"
fi

# ---- SELinux ------------------------------------------------------------------------------------
skip "process.selinuxLabel and linux.mountLabel applied" \
	"no SELinux policy in this VM (Debian's kernel boots with AppArmor; selinuxfs is absent)"

check "nothing left in $ROOT" bash -c '[ -z "$(ls -A "$1")" ]' _ "$ROOT"
finish
