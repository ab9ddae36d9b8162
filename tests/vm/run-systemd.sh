#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-systemd.sh [OCIRUN]
#
# The systemd lane: --systemd-cgroup needs systemd as PID 1, which this host does not run. The
# VM of run-cgroup2.sh (Debian's kernel under qemu, software emulation, cgroup_no_v1=all, the
# host's root read-only over virtio-9p) boots here with systemd itself as init: the busybox
# initramfs mounts the host root, puts tmpfs on /run and /tmp, writes two units into
# /run/systemd/system (a target that wants only the test service, and that service, which
# runs tests/vm/guest-systemd.sh with its output on the console and powers the machine off
# when done) and switch_roots into /lib/systemd/systemd with systemd.unit= that target. The
# guest's TAP comes back over the serial console and is printed here; the exit status is the
# guest's verdict. systemd mounts the cgroup hierarchies itself: unified (cgroup2 alone,
# cgroup_no_v1=all), or with VM_SYSTEMD_CGROUP=hybrid its hybrid mode (v1 controllers, cgroup2
# on /sys/fs/cgroup/unified; systemd.unified_cgroup_hierarchy=0).
#
# Skips (exit 77) like run-cgroup2.sh, and also without /lib/systemd/systemd on the host
# (apt-get install systemd). Environment: as run-cgroup2.sh (VM_QEMU, VM_KERNEL, VM_MEM,
# VM_CPUS, VM_TIMEOUT (default 540 here), VM_LOG, VM_APPEND).
set -u

# shellcheck source=vm-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/vm-common.sh"

[ -x /lib/systemd/systemd ] || skip "no /lib/systemd/systemd on the host (apt-get install systemd)"

vm_timeout=540
guest_script=$here/guest-systemd.sh
# The guest's containers use a bundle made here, where it takes a second (minutes in the VM),
# on /var/tmp, which the guest sees over 9p (its /tmp is a tmpfs of its own).
vm_cleanup=$(mktemp -d /var/tmp/ocirun-vm-bundle.XXXXXX)
"$src_root/contrib/make-bundle.sh" "$vm_cleanup" sleep 1000 >"$work/make-bundle.log" 2>&1 ||
	skip "contrib/make-bundle.sh failed: $(tail -n1 "$work/make-bundle.log")"
units=/host/run/systemd/system
cat >"$initrd/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in /modules/*.ko; do insmod "\$m" || echo "VM: insmod \$m failed"; done
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=524288 host /host; then
	echo "VM-TAP-BEGIN"; echo "not ok 1 - mount the host root over 9p"; echo "1..1"; echo "VM-TAP-END"
	poweroff -f
fi
# What systemd and the tests write: /run (units, state, the private bus socket) and /tmp.
mount -t tmpfs -o mode=755 tmpfs /host/run
mount -t tmpfs -o mode=1777 tmpfs /host/tmp
mkdir -p $units
cat >$units/ocirun-vm.target <<'UNIT'
[Unit]
Description=ocirun systemd-driver lane
Wants=ocirun-vm-test.service
UNIT
cat >$units/ocirun-vm-test.service <<'UNIT'
[Unit]
Description=ocirun guest tests
DefaultDependencies=no
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
TimeoutStartSec=infinity
Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
Environment=OCIRUN=$ocirun BUILD_ROOT=$build_root SRC_ROOT=$src_root VM_BUNDLE=$vm_cleanup
Environment=SYSTEMD_COLORS=0 SYSTEMD_PAGER=
ExecStart=/bin/bash $guest_script
UNIT
umount /proc /sys /dev
# The host's root may carry /.dockerenv (a CI container): systemd would take itself for a
# container's init and ignore the kernel command line. An empty "container" variable says it is not.
export container=
exec switch_root /host /lib/systemd/systemd
EOF
vm_pack_initrd

# ---- boot ---------------------------------------------------------------------------------

case ${VM_SYSTEMD_CGROUP:-unified} in
unified) cgroup_args="cgroup_no_v1=all" ;;
hybrid) cgroup_args="systemd.unified_cgroup_hierarchy=0" ;;
*) skip "VM_SYSTEMD_CGROUP=$VM_SYSTEMD_CGROUP: unified or hybrid" ;;
esac
vm_boot "console=ttyS0 $cgroup_args panic=-1 quiet loglevel=1 rdinit=/init \
systemd.unit=ocirun-vm.target systemd.show_status=0 systemd.log_level=warning"
vm_report
