# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# What the qemu lanes share (sourced by run-cgroup2.sh and run-systemd.sh, after `set -u`):
# the skips (no qemu, kernel, modules, static busybox, root), staging a tree that the guest's
# tmpfs would hide, the 9p modules and the busybox tree of the initramfs in $initrd (the lane
# writes $initrd/init, then calls vm_pack_initrd), vm_boot KERNEL-ARGS, and vm_report, which
# prints the guest's TAP and exits with its verdict.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_root=$(cd "$here/../.." && pwd)
ocirun=${1:-${OCIRUN:-$src_root/build/src/ocirun}}
build_root=${BUILD_ROOT:-$(cd "$(dirname "$ocirun")/.." 2>/dev/null && pwd)}

skip() {
	echo "1..0 # SKIP $*"
	exit 77
}

qemu=${VM_QEMU:-$(command -v qemu-system-x86_64)}
[ -n "$qemu" ] && [ -x "$qemu" ] || skip "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || skip "no $busybox (apt-get install busybox-static)"
if command -v file >/dev/null && file -L "$busybox" | grep -q 'dynamically linked'; then
	skip "$busybox is dynamically linked (apt-get install busybox-static)"
fi
[ -x "$ocirun" ] || skip "no ocirun binary at $ocirun"
# The guest runs it from elsewhere: an absolute path.
ocirun=$(realpath "$ocirun")
build_root=$(realpath "$build_root")
[ "$(id -u)" -eq 0 ] || skip "needs root (the guest runs containers as root; qemu reads /boot)"

kernel=${VM_KERNEL:-}
if [ -z "$kernel" ]; then
	kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)
fi
[ -n "$kernel" ] && [ -r "$kernel" ] || skip "no kernel in /boot (apt-get install linux-image-amd64)"
kver=${kernel##*/vmlinuz-}
[ -d "/lib/modules/$kver" ] || skip "no modules for $kver in /lib/modules"
command -v modprobe >/dev/null || skip "modprobe not found (apt-get install kmod)"

work=$(mktemp -d /tmp/ocirun-vm.XXXXXX)
stage=
vm_cleanup=
trap 'rm -rf "$work" ${stage:+"$stage"} ${vm_cleanup:+"$vm_cleanup"}' EXIT

# The guest puts tmpfs on /tmp and /run, hiding what the host has there: a tree or a build
# under them (a CI clone in /tmp, say) is staged on /var/tmp, which the guest sees over 9p.
hidden_in_guest() {
	case "$1" in /tmp/* | /run/*) return 0 ;; esac
	return 1
}
if hidden_in_guest "$src_root" || hidden_in_guest "$build_root" || hidden_in_guest "$ocirun"; then
	stage=$(mktemp -d /var/tmp/ocirun-vm-stage.XXXXXX)
	# mktemp makes it 0700: the rootless lane's unprivileged user must reach the binary in it
	chmod 755 "$stage"
	mkdir -p "$stage/src" "$stage/build/src" "$stage/build/tests/unit/runtime"
	tar -C "$src_root" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$stage/src" -xf - ||
		skip "could not stage the source tree in $stage"
	cp "$ocirun" "$stage/build/src/ocirun"
	cp "$build_root/tests/unit/runtime/test_cgroup_host" "$stage/build/tests/unit/runtime/" \
		2>/dev/null || true
	src_root=$stage/src
	build_root=$stage/build
	ocirun=$stage/build/src/ocirun
	here=$src_root/tests/vm
fi
log=${VM_LOG:-$work/console.log}

# ---- the initramfs ------------------------------------------------------------------------

# The modules that virtio-9p needs, in load order, each once (modprobe knows the dependencies
# of the installed kernel: netfs and fscache come before 9pnet, virtio before virtio_pci…).
modules=$(for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++')
[ -n "$modules" ] || skip "modprobe --show-depends found no 9p modules for $kver"

initrd=$work/initrd
mkdir -p "$initrd"/{bin,dev,proc,sys,host,modules}
cp "$busybox" "$initrd/bin/busybox"
for applet in sh mount umount insmod mkdir ln chroot switch_root poweroff echo cat sleep; do
	ln -s busybox "$initrd/bin/$applet"
done
i=0
for m in $modules; do
	i=$((i + 1))
	name=$(printf '%02d-%s' "$i" "$(basename "$m")")
	case $m in
	*.ko) cp "$m" "$initrd/modules/$name" ;;
	*.ko.xz) xz -dc "$m" >"$initrd/modules/${name%.xz}" ;;
	*.ko.zst) zstd -qdc "$m" >"$initrd/modules/${name%.zst}" ;;
	*.ko.gz) gzip -dc "$m" >"$initrd/modules/${name%.gz}" ;;
	*) skip "unexpected module file $m" ;;
	esac
done


vm_pack_initrd() {
	chmod 755 "$initrd/init"
	(cd "$initrd" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz" ||
		skip "could not pack the initramfs (cpio, gzip)"
}

# vm_boot KERNEL-ARGS: boots the kernel with the initramfs and the host's root over 9p; the
# console goes to $log; sets rc (qemu's status).
vm_boot() {
	echo "# kernel $kernel, modules: $(echo $modules | xargs -n1 basename | tr '\n' ' ')"
	echo "# ocirun $ocirun; console log $log"
	start=$SECONDS
	timeout -k 10 "${VM_TIMEOUT:-${vm_timeout:-300}}" "$qemu" \
		-machine pc -accel tcg -cpu max -smp "${VM_CPUS:-2}" -m "${VM_MEM:-1024}" \
		-nographic -no-reboot -nodefaults -serial stdio -display none \
		-kernel "$kernel" -initrd "$work/initrd.gz" \
		-append "$1 ${VM_APPEND:-}" \
		-virtfs "local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap" \
		</dev/null >"$log" 2>&1
	rc=$?
	echo "# qemu exited with $rc after $((SECONDS - start)) s"
}

# vm_report: the guest's TAP, between its markers (console lines end in CR); exits 0 when it
# has a plan and no failure.
vm_report() {
	tap=$(tr -d '\r' <"$log" | sed -n '/VM-TAP-BEGIN$/,/^VM-TAP-END$/p' | sed '1d;$d')
	if [ -z "$tap" ]; then
		echo "1..1"
		echo "not ok 1 - the guest reported nothing (qemu status $rc); last console lines:"
		tr -d '\r' <"$log" | tail -n 30 | sed 's/^/# /'
		exit 1
	fi
	echo "$tap"
	grep -q '^not ok' <<<"$tap" && exit 1
	grep -Eq '^1\.\.[0-9]+' <<<"$tap" || exit 1
	exit 0
}
