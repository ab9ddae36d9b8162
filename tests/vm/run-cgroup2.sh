#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-cgroup2.sh [OCIRUN]
#
# The cgroup v2 lane: this host mounts cgroup v1 (plus an empty cgroup2), so the v2 driver is
# proven in a VM instead. Debian's kernel boots under qemu (software emulation: no KVM here)
# with cgroup_no_v1=all, from a small busybox initramfs that loads the 9p modules, mounts the
# host's root read-only over virtio-9p, puts tmpfs on /tmp and /run, mounts cgroup2 on
# /sys/fs/cgroup and chroots into the host root to run tests/vm/guest-cgroup2.sh with the
# ocirun built on the host. The guest's TAP comes back over the serial console and is printed
# here; the exit status is the guest's verdict.
#
# Skips (exit 77, "1..0 # SKIP reason") without qemu-system-x86_64, a kernel in /boot with its
# modules, or a static busybox:
#   apt-get install qemu-system-x86 linux-image-amd64 busybox-static
#
# Environment: VM_QEMU (the qemu binary), VM_KERNEL (a vmlinuz; its modules must be in /lib/modules/VERSION), VM_MEM (MiB,
# default 1024), VM_CPUS (default 2), VM_TIMEOUT (seconds, default 300), VM_BATS (0 to skip the
# bats suite in the guest), VM_LOG (where the console log goes; default a temp file), VM_GUEST
# (the name of the script in tests/vm that the guest runs, default guest-cgroup2.sh; other lanes
# pass their own),
# VM_APPEND (more kernel arguments), VM_SWITCH_ROOT (1: the host root becomes the VM's root with
# switch_root, the guest script being PID 1 and powering off itself, instead of a chroot, for
# what needs its root to be the root of its mount namespace, as CRIU does).
set -u

# shellcheck source=vm-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/vm-common.sh"

guest_script=$here/${VM_GUEST:-guest-cgroup2.sh}
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
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts /host/dev/shm 2>/dev/null
ln -s /proc/self/fd /host/dev/fd
ln -s /proc/self/fd/0 /host/dev/stdin
ln -s /proc/self/fd/1 /host/dev/stdout
ln -s /proc/self/fd/2 /host/dev/stderr
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm
mount -t tmpfs tmpfs /host/tmp
mount -t tmpfs tmpfs /host/run
mount -t cgroup2 cgroup2 /host/sys/fs/cgroup
if [ "${VM_SWITCH_ROOT:-0}" = 1 ]; then
	exec switch_root /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb OCIRUN="$ocirun" BUILD_ROOT="$build_root" SRC_ROOT="$src_root" \
		/bin/bash "$guest_script"
fi
chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb OCIRUN="$ocirun" BUILD_ROOT="$build_root" SRC_ROOT="$src_root" \
	VM_BATS="${VM_BATS:-1}" VM_BATS_FILTER="${VM_BATS_FILTER:-}" /bin/bash "$guest_script"
poweroff -f
EOF
vm_pack_initrd

# ---- boot ---------------------------------------------------------------------------------

vm_boot "console=ttyS0 cgroup_no_v1=all panic=-1 quiet loglevel=1 rdinit=/init"
vm_report
