#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-bundle.sh DIR [ARG...]
#
# Makes an OCI bundle in DIR from Debian's busybox-static:
#   DIR/rootfs       bin/busybox plus one symlink per applet, /etc/passwd and /etc/group
#                    (root, nobody, user 1000), empty /proc /sys /dev /tmp /root /home/user
#   DIR/config.json  close to what `runc spec` writes (process.terminal false): the default
#                    mounts, the pid/network/ipc/uts/mount namespaces, the masked and read-only
#                    paths and the default capability set.
# ARGs after DIR, when given, replace process.args (default: ["sh"]).
#
# Environment: BUSYBOX (default /bin/busybox) is the static binary that gets copied.
set -euo pipefail

usage() {
	echo "usage: $0 DIR [ARG...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
bundle=$1
shift

busybox=${BUSYBOX:-/bin/busybox}
if [ ! -x "$busybox" ]; then
	echo "$0: $busybox not found (apt-get install busybox-static)" >&2
	exit 1
fi
# A dynamically linked busybox would need the host's libraries inside the rootfs.
if command -v file >/dev/null && file -L "$busybox" | grep -q 'dynamically linked'; then
	echo "$0: $busybox is dynamically linked; install busybox-static" >&2
	exit 1
fi
if ! command -v jq >/dev/null; then
	echo "$0: jq not found (apt-get install jq)" >&2
	exit 1
fi

rootfs=$bundle/rootfs
mkdir -p "$rootfs"
cd "$rootfs"

# --- the root filesystem ------------------------------------------------------------------------
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root home/user var/run
chmod 1777 tmp
chmod 0700 root
chown 1000:1000 home/user
install -m 0755 "$busybox" bin/busybox

# One symlink per applet, at the path busybox itself gives for it (bin/sh, sbin/ip, usr/bin/id ...).
"$busybox" --list-full | while read -r applet; do
	[ -n "$applet" ] || continue
	[ -e "$applet" ] || [ -L "$applet" ] || ln -s /bin/busybox "$applet"
done

cat >etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >etc/group <<'EOF'
root:x:0:
tty:x:5:
user:x:1000:
users:x:100:user
nogroup:x:65534:
EOF
echo "bundle" >etc/hostname
: >etc/resolv.conf

# --- config.json --------------------------------------------------------------------------------
cd ..
if [ $# -gt 0 ]; then
	args=$(jq -cn '$ARGS.positional' --args -- "$@")
else
	args='["sh"]'
fi

jq --argjson args "$args" '.process.args = $args' >config.json <<'EOF'
{
	"ociVersion": "1.0.2-dev",
	"process": {
		"terminal": false,
		"user": { "uid": 0, "gid": 0 },
		"args": ["sh"],
		"env": [
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"TERM=xterm"
		],
		"cwd": "/",
		"capabilities": {
			"bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
		},
		"rlimits": [
			{ "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 }
		],
		"noNewPrivileges": true
	},
	"root": { "path": "rootfs", "readonly": true },
	"hostname": "ocirun",
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{
			"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
			"options": ["nosuid", "strictatime", "mode=755", "size=65536k"]
		},
		{
			"destination": "/dev/pts", "type": "devpts", "source": "devpts",
			"options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]
		},
		{
			"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
			"options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]
		},
		{
			"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
			"options": ["nosuid", "noexec", "nodev"]
		},
		{
			"destination": "/sys", "type": "sysfs", "source": "sysfs",
			"options": ["nosuid", "noexec", "nodev", "ro"]
		},
		{
			"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
			"options": ["nosuid", "noexec", "nodev", "relatime", "ro"]
		}
	],
	"linux": {
		"resources": {
			"devices": [ { "allow": false, "access": "rwm" } ]
		},
		"namespaces": [
			{ "type": "pid" },
			{ "type": "network" },
			{ "type": "ipc" },
			{ "type": "uts" },
			{ "type": "mount" }
		],
		"maskedPaths": [
			"/proc/acpi",
			"/proc/asound",
			"/proc/kcore",
			"/proc/keys",
			"/proc/latency_stats",
			"/proc/timer_list",
			"/proc/timer_stats",
			"/proc/sched_debug",
			"/sys/firmware",
			"/proc/scsi"
		],
		"readonlyPaths": [
			"/proc/bus",
			"/proc/fs",
			"/proc/irq",
			"/proc/sys",
			"/proc/sysrq-trigger"
		]
	}
}
EOF
chmod 0644 config.json
