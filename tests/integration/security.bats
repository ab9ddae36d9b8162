#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Attacks on the runtime: at least one per row of ../shared/THREATS.md, each done for real (a
# hostile image, a hostile config, a hostile process in the container) and checked on the host
# afterwards: the directory the attack aims at ($HOSTDIR) is unchanged, the runtime binary's
# sha256 is unchanged, no mount appeared on the host, nothing was created outside the bundle.
# docs/security.md maps every test to the defence it proves.
#
# The helpers in attack/ (built by meson, or compiled here with cc when missing):
#   exe_interp   a hostile ELF interpreter, planted where the runtime's PT_INTERP points
#   overwrite    the second half of CVE-2019-5736: writes the runtime's executable once idle
#   rename_race  swaps two paths with renameat2(RENAME_EXCHANGE) in a loop
#
# Tests whose names start with "slow:" race the runtime a bounded number of times.
# Run against another runtime: OCIRUN=/usr/sbin/runc bats tests/integration/security.bats.
# The tests assert only security properties, not ocirun's wording, so a failure against another
# runtime means it is vulnerable to that attack (see docs/security.md for runc 1.1.5's results).

load helpers

ATTACK_SRC=$INTEGRATION_DIR/attack
# Enough "../" to climb from any directory on this host to its root.
UP=$(printf '../%.0s' {1..40})

setup() {
	setup_bundle
	set_args sleep 1000
	# Stands for any host directory an attack aims at; nothing may ever change in it.
	HOSTDIR=$BATS_TEST_TMPDIR/host
	mkdir -p "$HOSTDIR/d"
	echo HOST-SECRET >"$HOSTDIR/secret"
	echo canary >"$HOSTDIR/ptmx"
	printf '#!/bin/sh\necho ESCAPED-TO-A-HOST-BINARY\n' >"$HOSTDIR/escape"
	chmod 0755 "$HOSTDIR/escape"
	# A path in /tmp that must never appear on the host.
	HOST_TMP_TARGET=/tmp/ocirun-sec-$TAG
	# The test's own files (copies, reports, a second bundle), outside what is compared.
	WORK=$BATS_TEST_TMPDIR/work
	mkdir -p "$WORK"
	cp config.json "$WORK/config.orig"
	RACERS=()
	SACRIFICE=
	host_snapshot before
}

teardown() {
	stop_racers
	[ -z "$SACRIFICE" ] || kill -KILL "$SACRIFICE" 2>/dev/null || true
	[ -z "${RECEIVER_PID:-}" ] || kill "$RECEIVER_PID" 2>/dev/null || true
	teardown_bundle
	rm -rf "$HOST_TMP_TARGET"
}

# ------------------------------------------------------------------------------------------------
# the host, before and after

# host_mounts: the host's mount points an attack could add to, with their type and source;
# other suites' and other users' mounts (their own bats dirs, /var, /run) are left out.
host_mounts() {
	awk -v mine="$BATS_TEST_TMPDIR" '
		{
			mp = $5
			sep = 0
			for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break }
			keep = (mp == "/" || mp ~ /^\/(proc|dev|sys|etc|usr|bin|sbin|lib|lib64|root|boot|home|opt|srv)(\/|$)/ ||
				mp == "/tmp" || index(mp, "/tmp/ocirun-sec-") == 1 ||
				mp == mine || index(mp, mine "/") == 1)
			if (keep) print mp, $(sep + 1), $(sep + 2)
		}' /proc/self/mountinfo | sort -u
}

# host_snapshot NAME: what an attack could change on the host, into $BATS_TEST_TMPDIR/NAME.host.
host_snapshot() {
	{
		echo "[runtime]"
		sha256sum <"$OCIRUN"
		echo "[host dir]"
		(cd "$HOSTDIR" && find . -printf '%p %y %m %s %l\n' | sort)
		(cd "$HOSTDIR" && find . -type f -exec sha256sum {} + | sort)
		echo "[test dir]"
		ls -A "$BATS_TEST_TMPDIR" | grep -vxE 'bundle|state|io|work|.*\.snap|.*\.host' || true
		echo "[tmp target]"
		ls -ld "$HOST_TMP_TARGET" 2>&1 | sed 's/.*: //'
		echo "[mounts]"
		host_mounts
	} >"$BATS_TEST_TMPDIR/$1.host" 2>&1
}

# assert_host_unchanged: the host is as host_snapshot found it when the test began.
assert_host_unchanged() {
	host_snapshot after
	diff -u "$BATS_TEST_TMPDIR/before.host" "$BATS_TEST_TMPDIR/after.host" ||
		fail "the attack changed the host (see the diff above)"
}

# ------------------------------------------------------------------------------------------------
# helpers

# attack_bin NAME: the path of an attack helper, built by meson or compiled here once per run.
attack_bin() {
	local name=$1 dir=$BATS_RUN_TMPDIR/attack
	if [ -x "$BUILD_ROOT/tests/integration/attack/$name" ]; then
		echo "$BUILD_ROOT/tests/integration/attack/$name"
		return
	fi
	(
		flock 9
		[ -x "$dir/$name" ] && exit 0
		mkdir -p "$dir"
		case $name in
		exe_interp)
			cc -O2 -fPIE -ffreestanding -fno-stack-protector -fno-builtin \
				-fno-tree-loop-distribute-patterns -nostdlib -static-pie \
				-o "$dir/$name" "$ATTACK_SRC/$name.c"
			;;
		*)
			cc -O2 -static -o "$dir/$name" "$ATTACK_SRC/$name.c"
			;;
		esac
	) 9>"$BATS_RUN_TMPDIR/attack.lock" >&2 || return 1
	echo "$dir/$name"
}

# race PATH-A PATH-B: swaps the two paths in the background until stop_racers.
race() {
	"$(attack_bin rename_race)" "$1" "$2" 600 >"$WORK/race-${#RACERS[@]}.out" 3>&- &
	RACERS+=("$!")
}

stop_racers() {
	local pid
	for pid in "${RACERS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	RACERS=()
}

# reset_config: the config as setup left it.
reset_config() {
	cp "$WORK/config.orig" "$BUNDLE/config.json"
}

# no_dev_mount: the config mounts nothing on /dev, so the image's own /dev is used.
no_dev_mount() {
	update_config 'del(.mounts[] | select(.destination == "/dev"))'
}

# add_mount DEST TYPE SOURCE [OPTION...]
add_mount() {
	local dest=$1 type=$2 source=$3 options
	shift 3
	options=$(jq -cn '$ARGS.positional' --args -- "$@")
	update_config '.mounts += [{"destination": $d, "type": $t, "source": $s, "options": $o}]' \
		--arg d "$dest" --arg t "$type" --arg s "$source" --argjson o "$options"
}

# crashed: the last call's status says a signal killed it (128 + N); 126, 127 (the container's
# process could not be executed) and 255 (runc's "exec failed") are refusals.
crashed() {
	[ "$status" -gt 128 ] && [ "$status" -lt 255 ]
}

# refused_or_ran: the last call either failed cleanly (not a crash) or succeeded; prints which.
refused_or_ran() {
	! crashed || fail "exit status $status: a crash, not a refusal"
	if [ "$status" -eq 0 ]; then echo ran; else echo refused; fi
}

# assert_all_refused [WHAT...]: fails naming what was taken when it should have been refused
# (the host is checked first, so that a runtime that takes it shows what it did there).
assert_all_refused() {
	[ $# -eq 0 ] || fail "taken, not refused: $*"
}

# start_receiver: plays the caller of --console-socket (console-receiver.py) on $SOCK.
start_receiver() {
	SOCK=$WORK/console.sock
	REPORT=$WORK/console.json
	[ -z "${RECEIVER_PID:-}" ] || kill "$RECEIVER_PID" 2>/dev/null || true
	rm -f "$SOCK" "$REPORT"
	python3 "$CONSOLE_RECEIVER" "$SOCK" "$REPORT" </dev/null >"$WORK/receiver.log" 2>&1 3>&- &
	RECEIVER_PID=$!
	local i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		[ -S "$SOCK" ] && return 0
		sleep 0.05
	done
	fail "the console receiver did not start: $(cat "$WORK/receiver.log")"
}

# run_with_terminal CMD: `sh -c CMD` in a container with terminal: true, create + start through
# the receiver. Sets $status (of create) and, when the container ran, $console.
run_with_terminal() {
	update_config '.process.terminal = true'
	set_args sh -c "$1"
	start_receiver
	console=
	ocirun create --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] || return 0
	local create_status=$status
	ocirun start "$ID"
	wait "$RECEIVER_PID" || true
	RECEIVER_PID=
	cat "$REPORT"
	console=$(jq -r .output "$REPORT" | tr -d '\r')
	status=$create_status
}

# ------------------------------------------------------------------------------------------------
# runtime binary overwrite (CVE-2019-5736)

@test "runtime overwrite (CVE-2019-5736): a #!/proc/self/exe entrypoint and a hostile loader cannot write the runtime" {
	requires readelf
	local copy=$WORK/runtime-copy interp sum i
	# Attacked through a copy: a runtime that loses must not take the build's binary with it.
	cp "$OCIRUN" "$copy"
	sum=$(sha256sum <"$copy")
	interp=$(readelf -l "$copy" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	[ -n "$interp" ] || skip "the runtime is statically linked: there is no loader to plant"

	# The image: its "loader" is the attack, its entrypoint makes the init execute itself.
	mkdir -p rootfs/attack "rootfs$(dirname "$interp")"
	rm -f "rootfs$interp"
	install -m 0755 "$(attack_bin exe_interp)" "rootfs$interp"
	install -m 0755 "$(attack_bin overwrite)" rootfs/attack/overwrite
	printf '#!/proc/self/exe\n' >rootfs/evil
	chmod 0755 rootfs/evil
	update_config '.root.readonly = false'
	set_args /evil

	OCIRUN=$copy create_ok
	OCIRUN=$copy ocirun start "$ID"
	# both writers report "done" once they gave up or succeeded
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c ': done$' rootfs/attack/report 2>/dev/null)" = 2 ] && break
		sleep 0.05
	done
	cat rootfs/attack/report
	# The attack really ran: it held the runtime's executable through both /proc paths ...
	grep -q '^self: holding the runtime' rootfs/attack/report || fail "the loader never ran"
	grep -q '^pid: holding the runtime' rootfs/attack/report || fail "no handle through /proc/PID/exe"
	# ... and could not write it.
	! grep -q 'write: ok' rootfs/attack/report || fail "the runtime's executable was written"
	[ "$(sha256sum <"$copy")" = "$sum" ] || fail "the runtime binary on disk was overwritten"
	assert_host_unchanged
}

# sealed_exe_of DIR: creates the container with a copy of the runtime at DIR/rt, holds what its
# idle init runs (/proc/PID/exe), starts the container and then tries, as root, to open that
# file for writing; prints "exe: LINK" and "write: ok" or the error.
sealed_exe_of() {
	local pid
	mkdir -p "$1"
	cp "$OCIRUN" "$1/rt"
	OCIRUN=$1/rt create_ok >/dev/null
	pid=$(OCIRUN=$1/rt pid_of "$ID")
	env -i PATH="$HOST_PATH" OCIRUN_TEST_TAG="$TAG" python3 - "$pid" "$1/rt" "$ROOT" "$ID" 3>&- <<-'EOF'
		import errno, os, subprocess, sys, time
		pid, runtime, root, cid = sys.argv[1:]
		held = os.open("/proc/%s/exe" % pid, os.O_PATH)
		print("exe:", os.readlink("/proc/self/fd/%d" % held))
		subprocess.run([runtime, "--root", root, "start", cid], check=True, stdin=subprocess.DEVNULL)
		for _ in range(250):
		    try:
		        fd = os.open("/proc/self/fd/%d" % held, os.O_WRONLY)
		        with open("/proc/self/fd/%d" % held, "rb") as f:
		            os.pwrite(fd, f.read(1), 0)
		        sys.exit(print("write: ok"))
		    except OSError as e:
		        if e.errno != errno.ETXTBSY:
		            sys.exit(print("write:", os.strerror(e.errno)))
		    time.sleep(0.02)
		print("write: still ETXTBSY")
	EOF
}

@test "runtime overwrite (CVE-2019-5736): the init's executable, held through /proc/PID/exe, is not writable once it is idle" {
	requires python3
	local sum
	sum=$(sha256sum <"$OCIRUN")
	run sealed_exe_of "$WORK/idle"
	echo "$output"
	assert_status 0
	[[ ${lines[0]} == "exe: "* ]] || fail "no handle on the init's executable"
	[ "${lines[1]}" != "write: ok" ] || fail "the init's executable is writable"
	[ "$(sha256sum <"$WORK/idle/rt")" = "$sum" ] || fail "the runtime binary on disk changed"
	assert_host_unchanged
}

@test "runtime overwrite (CVE-2019-5736): the runtime re-executes through a private read-only overlayfs, attached nowhere" {
	requires python3
	local before
	before=$(grep -c ' - overlay ' /proc/self/mountinfo || true)
	run sealed_exe_of "$WORK/plain"
	echo "$output"
	[[ ${lines[0]} != "exe: /memfd:"* ]] || skip "this kernel refused the overlay (the memfd copy was used)"
	[ "${lines[0]}" = "exe: /rt" ] || fail "the init does not run the runtime from the overlay's root"
	[ "${lines[1]}" = "write: Read-only file system" ] || fail "the init's executable is writable"
	[ "$(grep -c ' - overlay ' /proc/self/mountinfo || true)" = "$before" ] ||
		fail "the overlay appeared in the host's mount table"
}

@test "runtime overwrite (CVE-2019-5736): where no overlay can be made, the runtime runs from a sealed memfd copy" {
	requires python3
	# lowerdir= cannot name a directory with ':' in it, so this copy must take the memfd.
	run sealed_exe_of "$WORK/odd:dir"
	echo "$output"
	[ "${lines[0]}" = "exe: /memfd:ocirun (deleted)" ] || fail "the init does not run the sealed copy"
	[ "${lines[1]}" = "write: Operation not permitted" ] || fail "the sealed copy is writable"
}

@test "runtime overwrite (CVE-2019-5736): a binary that ocirun exec runs is #!/proc/self/exe" {
	rt exec --help >/dev/null 2>&1 || skip "exec is not implemented yet (ocirun exec --help fails)"
	requires readelf
	local copy=$WORK/runtime-copy interp sum i
	cp "$OCIRUN" "$copy"
	sum=$(sha256sum <"$copy")
	interp=$(readelf -l "$copy" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	[ -n "$interp" ] || skip "the runtime is statically linked: there is no loader to plant"
	mkdir -p rootfs/attack "rootfs$(dirname "$interp")"
	rm -f "rootfs$interp"
	install -m 0755 "$(attack_bin exe_interp)" "rootfs$interp"
	install -m 0755 "$(attack_bin overwrite)" rootfs/attack/overwrite
	printf '#!/proc/self/exe\n' >rootfs/evil
	chmod 0755 rootfs/evil
	update_config '.root.readonly = false'

	OCIRUN=$copy launch
	OCIRUN=$copy ocirun exec --detach "$ID" /evil
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c ': done$' rootfs/attack/report 2>/dev/null)" = 2 ] && break
		sleep 0.05
	done
	cat rootfs/attack/report
	grep -q '^self: holding the runtime' rootfs/attack/report || fail "the loader never ran"
	! grep -q 'write: ok' rootfs/attack/report || fail "the runtime's executable was written"
	[ "$(sha256sum <"$copy")" = "$sum" ] || fail "the runtime binary on disk was overwritten"
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# ptrace/fd access to runtime helpers (CVE-2016-9962)

@test "runtime helpers (CVE-2016-9962): before start, a process in the container's pid namespace cannot reach the init through /proc" {
	local pid peer=$WORK/peer
	create_ok
	pid=$(pid_of "$ID")
	# A second container in the first one's pid namespace plays a process of the container:
	# root like the init, without CAP_SYS_PTRACE; only the init's dumpability stands between.
	cp -a "$BUNDLE" "$peer"
	BUNDLE=$peer update_config '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
		--arg p "/proc/$pid/ns/pid"
	BUNDLE=$peer update_config '.process.args = ["sh", "-c", $script]' --arg script '
		[ -d /proc/1 ] && echo "init: visible, uid $(awk "/^Uid/ { print \$2 }" /proc/1/status)"
		for f in exe cwd root; do
			readlink /proc/1/$f >/dev/null 2>&1 && echo "$f: readable" || echo "$f: denied"
		done
		cat /proc/1/environ >/dev/null 2>&1 && echo "environ: readable" || echo "environ: denied"
		n=0
		for l in /proc/1/fd/*; do
			readlink "$l" >/dev/null 2>&1 && n=$((n + 1))
			head -c 0 "$l" >/dev/null 2>&1 && n=$((n + 1))
		done
		[ "$n" = 0 ] && echo "fd: denied" || echo "fd: $n of the init'"'"'s fds reachable"
		head -c 4 /proc/1/exe >/dev/null 2>&1 && echo "open exe: readable" || echo "open exe: denied"'
	ocirun run --bundle "$peer" "$ID-peer"
	assert_status 0
	[ "${lines[0]}" = "init: visible, uid 0" ] || fail "the peer does not see the init"
	[ "$(printf '%s\n' "${lines[@]:1}")" = "$(printf '%s: denied\n' exe cwd root environ fd "open exe")" ]
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# leaked fds, cwd outside the root (CVE-2024-21626)

@test "leaked fds (CVE-2024-21626): cwd /proc/self/fd/N (N = 3..20) never puts the process outside the root" {
	local n outcome
	set_args sh -c "pwd; touch ${UP}${HOSTDIR#/}/escaped-cwd; cat ${UP}${HOSTDIR#/}/secret"
	for n in $(seq 3 20); do
		update_config '.process.cwd = $cwd' --arg cwd "/proc/self/fd/$n"
		# the runtime's own fds ...
		ocirun run "$ID-$n"
		outcome=$(refused_or_ran)
		[[ $output != *HOST-SECRET* ]] || fail "fd $n: the process read a host file through its cwd"
		# ... and a host directory the caller leaked on fd N
		eval 'ocirun_keep_fds run "$ID-leak$n" '"$n"'<"$HOSTDIR"'
		echo "fd $n: $outcome (own fds), $(refused_or_ran) (leaked host dir)"
		[[ $output != *HOST-SECRET* ]] || fail "fd $n: the process read a host file through its cwd"
	done
	[ ! -e "$HOSTDIR/escaped-cwd" ] || fail "a file was created on the host through the cwd"
	assert_host_unchanged
}

@test "leaked fds (CVE-2024-21626): args[0] and PATH through /proc/self/fd/N (N = 3..20) never run a host binary" {
	local n
	for n in $(seq 3 20); do
		set_args "/proc/self/fd/$n/${UP}${HOSTDIR#/}/escape"
		ocirun run "$ID-a$n"
		refused_or_ran >/dev/null
		[[ $output != *ESCAPED-TO-A-HOST-BINARY* ]] || fail "fd $n: args[0] ran a host binary"
		eval 'ocirun_keep_fds run "$ID-la$n" '"$n"'<"$HOSTDIR"'
		[[ $output != *ESCAPED-TO-A-HOST-BINARY* ]] || fail "fd $n: args[0] ran a host binary"

		set_args escape
		update_config '.process.env |= map(select(startswith("PATH=") | not)) + [$path]' \
			--arg path "PATH=/proc/self/fd/$n/${UP}${HOSTDIR#/}"
		ocirun run "$ID-p$n"
		[[ $output != *ESCAPED-TO-A-HOST-BINARY* ]] || fail "fd $n: a PATH search ran a host binary"
	done
	assert_host_unchanged
}

@test "leaked fds: the container's process holds only stdio, whatever the caller leaked" {
	local pid
	# the caller leaks a host directory, a host file and a write end; none is --preserve-fds
	ocirun_keep_fds create --bundle "$BUNDLE" "$ID" 5<"$HOSTDIR" 7<"$HOSTDIR/secret" 9>/dev/null
	assert_status 0
	start_ok
	pid=$(pid_of "$ID")
	[ "$(proc_fds "$pid")" = "0 1 2" ] || fail "the process holds fds beyond stdio: $(ls -l "/proc/$pid/fd")"
	assert_host_unchanged
}

@test "leaked fds (CVE-2024-21626): exec --cwd /proc/self/fd/N never lands outside the root" {
	rt exec --help >/dev/null 2>&1 || skip "exec is not implemented yet (ocirun exec --help fails)"
	local n
	launch
	for n in $(seq 3 20); do
		ocirun exec --cwd "/proc/self/fd/$n" "$ID" sh -c "pwd; touch ${UP}${HOSTDIR#/}/escaped-exec; cat ${UP}${HOSTDIR#/}/secret"
		refused_or_ran >/dev/null
		[[ $output != *HOST-SECRET* ]] || fail "fd $n: exec read a host file through its cwd"
	done
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# /proc integrity (CVE-2019-16884, CVE-2019-19921, CVE-2023-27561, CVE-2023-28642)

@test "/proc integrity: nothing but a procfs may cover /proc (tmpfs, a host directory, a second mount)" {
	# tmpfs instead of proc
	update_config '.mounts |= map(if .destination == "/proc" then .type = "tmpfs" | .source = "tmpfs" else . end)'
	ocirun create --bundle "$BUNDLE" "$ID-tmpfs"
	assert_status nonzero
	# a host directory bound on /proc
	update_config '.mounts |= map(if .destination == "/proc" then .type = "bind" | .source = $h | .options = ["rbind"] else . end)' --arg h "$HOSTDIR"
	ocirun create --bundle "$BUNDLE" "$ID-bind"
	assert_status nonzero
	# proc, then a tmpfs stacked on top of it
	reset_config
	add_mount /proc tmpfs tmpfs
	ocirun create --bundle "$BUNDLE" "$ID-stacked"
	assert_status nonzero
	assert_host_unchanged
}

@test "/proc integrity: a symlinked /proc in the image (rootfs/proc -> /tmp/x, -> ../../host) is refused" {
	local target taken=()
	update_config '.linux.sysctl = {"kernel.shm_rmid_forced": "1"}'
	for target in "$HOST_TMP_TARGET" "${UP}${HOSTDIR#/}"; do
		rm -rf rootfs/proc
		ln -s "$target" rootfs/proc
		mkdir -p "rootfs$HOST_TMP_TARGET" "rootfs$HOSTDIR"
		ocirun create --bundle "$BUNDLE" "$ID"
		echo "/proc -> $target: $(refused_or_ran)"
		[ "$status" -ne 0 ] || taken+=("$target")
		rt delete --force "$ID" >/dev/null 2>&1 || true
	done
	[ ! -e "$HOST_TMP_TARGET" ] || fail "$HOST_TMP_TARGET was created on the host"
	assert_host_unchanged
	assert_all_refused "${taken[@]}"
}

@test "/proc integrity: mounts inside /proc are refused unless on the allow-list, through symlinks too" {
	echo fake >fakefile
	mkdir -p fakedir
	# a plain path, a lexical detour, a symlink in the image that leads into /proc
	ln -s /proc/sys/kernel rootfs/sneaky
	local dest taken=()
	for dest in /proc/sys/kernel/core_pattern /proc/sysrq-trigger /proc/self/attr/exec \
		/proc/../proc/sys/kernel/modprobe /sneaky/core_pattern; do
		reset_config
		add_mount "$dest" bind "$BUNDLE/fakefile" bind
		ocirun create --bundle "$BUNDLE" "$ID"
		echo "$dest: $(refused_or_ran)"
		[ "$status" -ne 0 ] || taken+=("$dest")
		rt delete --force "$ID" >/dev/null 2>&1 || true
	done
	for dest in /proc/sys /proc/sys/kernel /sneaky; do
		reset_config
		add_mount "$dest" tmpfs tmpfs
		ocirun create --bundle "$BUNDLE" "$ID"
		echo "$dest (tmpfs): $(refused_or_ran)"
		[ "$status" -ne 0 ] || taken+=("$dest(tmpfs)")
		rt delete --force "$ID" >/dev/null 2>&1 || true
	done
	# the allow-list (lxcfs) still works: the bundle's file shows at /proc/uptime
	reset_config
	echo "4242.00 1.00" >fakefile
	add_mount /proc/uptime bind "$BUNDLE/fakefile" bind
	run_in_container 'cat /proc/uptime'
	assert_status 0
	[ "$output" = "4242.00 1.00" ]
	assert_host_unchanged
	assert_all_refused "${taken[@]}"
}

# ------------------------------------------------------------------------------------------------
# mount target redirection (CVE-2021-30465, crun CVE-2019-18837)

@test "mount targets: destinations and cwd through symlinks out of the root (absolute and ../..) stay inside it" {
	mkdir -p data
	echo in-bundle >data/file
	ln -s "$HOSTDIR" rootfs/abs
	ln -s "${UP}${HOSTDIR#/}" rootfs/rel
	ln -s "$HOSTDIR/secret" rootfs/absfile
	add_mount /abs tmpfs tmpfs
	add_mount /rel/bound bind "$BUNDLE/data" bind
	add_mount /rel/d/new tmpfs tmpfs
	add_mount /absfile bind "$BUNDLE/data/file" bind
	update_config '.root.readonly = false | .process.cwd = "/rel"'
	set_args sh -c 'pwd; touch ./cwd-escape; cat /absfile; awk "{ print \$5 }" /proc/self/mountinfo'
	ocirun run "$ID"
	echo "outcome: $(refused_or_ran)"
	[[ $output != *HOST-SECRET* ]] || fail "a host file was reached"
	assert_host_unchanged
}

@test "slow: mount targets raced with RENAME_EXCHANGE (a directory and a symlink to the host) stay inside the root, 100 creates" {
	local i ok=0 refused=0
	mkdir -p data rootfs/mnt/target
	echo in-bundle >data/file
	ln -s "$HOSTDIR" rootfs/mnt/link
	add_mount /mnt/target/tmp tmpfs tmpfs
	add_mount /mnt/target/bound bind "$BUNDLE/data" bind
	add_mount /mnt/target/file bind "$BUNDLE/data/file" bind
	race "$BUNDLE/rootfs/mnt/target" "$BUNDLE/rootfs/mnt/link"
	for ((i = 0; i < 100; i++)); do
		if rt create --bundle "$BUNDLE" "$ID-$i" </dev/null >/dev/null 2>&1; then
			ok=$((ok + 1))
		else
			refused=$((refused + 1))
		fi
		rt delete --force "$ID-$i" >/dev/null 2>&1 || true
	done
	stop_racers
	echo "created $ok, refused $refused; swaps: $(cat "$WORK"/race-*.out | tr "\n" " ")"
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# untrusted /dev/null and /dev/console (CVE-2025-31133, CVE-2025-52565)

# masked_report: the script that prints what covers each masked file of the default config.
MASKED_REPORT='for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats; do
	[ -e "$p" ] && echo "$p: $(stat -L -c "%F %t:%T" "$p") $(head -c 40 "$p" 2>/dev/null | tr -cd "[:alnum:] -")"
done
echo "/dev/null: $(stat -c "%F %t:%T" /dev/null)"'

# assert_masked_by_null: every line of $output says "character special file 1:3" (and no
# content), or the create was refused.
assert_masked_by_null() {
	local line
	if [ "$status" -ne 0 ]; then
		refused_or_ran
		return 0
	fi
	[ "${#lines[@]}" -ge 2 ] || fail "no output from the container: its stdio went somewhere else (a fake /dev/null?)"
	for line in "${lines[@]}"; do
		[[ $line == *": character special file 1:3 " || $line == "/dev/null: character special file 1:3" ]] ||
			fail "not masked by the null device: $line"
	done
}

@test "masked paths (CVE-2025-31133): the image's /dev/null symlinked to a procfs file" {
	no_dev_mount
	rm -f rootfs/dev/null
	ln -s /proc/sys/kernel/ostype rootfs/dev/null
	run_in_container "$MASKED_REPORT"
	assert_masked_by_null
	assert_host_unchanged
}

@test "masked paths (CVE-2025-31133): the image's /dev/null symlinked to a host file" {
	no_dev_mount
	rm -f rootfs/dev/null
	ln -s "$HOSTDIR/secret" rootfs/dev/null
	# the same path inside the image, for a runtime that resolves it there
	mkdir -p "rootfs$HOSTDIR"
	echo IMAGE-FILE >"rootfs$HOSTDIR/secret"
	run_in_container "$MASKED_REPORT"
	[[ $output != *HOST-SECRET* && $output != *IMAGE-FILE* ]] || fail "a file covers a masked path"
	assert_masked_by_null
	assert_host_unchanged
}

@test "masked paths: the image's /dev/null missing, or a regular file" {
	no_dev_mount
	rm -f rootfs/dev/null
	run_in_container "$MASKED_REPORT"
	assert_masked_by_null
	echo FAKE-NULL >rootfs/dev/null
	run_in_container "$MASKED_REPORT"
	[[ $output != *FAKE-NULL* ]] || fail "the fake /dev/null covers a masked path"
	assert_masked_by_null
	assert_host_unchanged
}

@test "masked paths: a config mount that puts a file over /dev/null" {
	echo FAKE-NULL >fakenull
	add_mount /dev/null bind "$BUNDLE/fakenull" bind
	run_in_container "$MASKED_REPORT"
	[[ $output != *FAKE-NULL* ]] || fail "the fake /dev/null covers a masked path"
	assert_masked_by_null
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# /dev as a symlink (GHSA-xjvp-4fhw-gc47) and /dev/console, /dev/pts with a terminal

@test "/dev symlinked to a host directory (GHSA-xjvp-4fhw-gc47): refused, nothing created on the host" {
	local target taken=()
	for target in "$HOSTDIR" "${UP}${HOSTDIR#/}"; do
		# with the image's own /dev ...
		reset_config
		no_dev_mount
		rm -rf rootfs/dev
		ln -s "$target" rootfs/dev
		ocirun create --bundle "$BUNDLE" "$ID"
		echo "/dev -> $target, no /dev mount: $(refused_or_ran)"
		[ "$status" -ne 0 ] || taken+=("/dev->$target")
		rt delete --force "$ID" >/dev/null 2>&1 || true
		# ... and with a tmpfs on /dev in the config
		reset_config
		ocirun create --bundle "$BUNDLE" "$ID-tmpfs"
		echo "/dev -> $target, tmpfs on /dev: $(refused_or_ran)"
		rt delete --force "$ID-tmpfs" >/dev/null 2>&1 || true
	done
	[ "$(cat "$HOSTDIR/ptmx" 2>&1)" = canary ] || echo "the host's ptmx canary was replaced"
	assert_host_unchanged
	assert_all_refused "${taken[@]}"
}

@test "/dev/console symlinked to a procfs file, with terminal: true (CVE-2025-52565)" {
	requires python3
	no_dev_mount
	rm -f rootfs/dev/console
	ln -s /proc/sys/kernel/hostname rootfs/dev/console
	run_with_terminal 'echo "console: $(stat -L -c "%F %t" /dev/console)"
		echo "hostname: $(stat -c "%F" /proc/sys/kernel/hostname)"
		echo "mounts on hostname: $(awk "\$5 == \"/proc/sys/kernel/hostname\"" /proc/self/mountinfo | wc -l)"'
	echo "outcome: $(refused_or_ran)"
	if [ "$status" -eq 0 ]; then
		[[ $console == *"console: character special file 88"* ]] || fail "/dev/console is not the pty"
		[[ $console == *"hostname: regular empty file"* ]] || fail "a procfs file was covered by the pty"
		[[ $console == *"mounts on hostname: 0"* ]] || fail "something is mounted on /proc/sys/kernel/hostname"
	fi
	assert_host_unchanged
}

@test "/dev/console symlinked to a host file (absolute and ../..), with terminal: true" {
	requires python3
	local target
	for target in "$HOSTDIR/secret" "${UP}${HOSTDIR#/}/secret"; do
		reset_config
		no_dev_mount
		rm -f rootfs/dev/console
		ln -s "$target" rootfs/dev/console
		run_with_terminal 'echo "console: $(stat -L -c "%F %t" /dev/console)"; cat /dev/console </dev/null | head -c 20'
		echo "/dev/console -> $target: $(refused_or_ran)"
		[[ $console != *HOST-SECRET* ]] || fail "the host file was reached through /dev/console"
		rt delete --force "$ID" >/dev/null 2>&1 || true
	done
	assert_host_unchanged
}

@test "/dev/pts symlinked into /proc or to a host directory, with terminal: true" {
	requires python3
	local target
	for target in /proc/sys/kernel "$HOSTDIR" "${UP}${HOSTDIR#/}"; do
		reset_config
		no_dev_mount
		rm -rf rootfs/dev/pts
		ln -s "$target" rootfs/dev/pts
		run_with_terminal 'echo "console: $(stat -L -c "%F %t" /dev/console)"
			echo "pts mounts in /proc: $(awk "\$5 ~ /^\/proc\// && \$9 == \"devpts\"" /proc/self/mountinfo | wc -l)"'
		echo "/dev/pts -> $target: $(refused_or_ran)"
		if [ "$status" -eq 0 ]; then
			[[ $console == *"pts mounts in /proc: 0"* ]] || fail "devpts was mounted inside /proc"
		fi
		rt delete --force "$ID" >/dev/null 2>&1 || true
	done
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# capabilities (CVE-2022-29162, crun CVE-2022-27650)

# capbox_setup: /capbin/grep is busybox (as grep) with file capabilities, inheritable + effective.
capbox_setup() {
	requires setcap
	mkdir -p rootfs/capbin
	cp rootfs/bin/busybox rootfs/capbin/grep
	setcap 'cap_kill,cap_net_bind_service,cap_audit_write,cap_net_raw,cap_sys_admin+ei' rootfs/capbin/grep ||
		skip "setcap failed: the bundle's filesystem takes no file capabilities"
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = false'
	set_args sh -c 'grep ^Cap /proc/self/status | sed "s/^/sh /"; /capbin/grep ^Cap /proc/self/status | sed "s/^/capbin /"'
}

# cap_of WHO SET: the hex value of SET (CapInh, CapPrm, CapEff) for WHO (sh, capbin) in $output.
cap_of() {
	awk -v who="$1" -v set="$2:" '$1 == who && $2 == set { print $3 }' <<<"$output"
}

@test "inheritable capabilities (CVE-2022-29162): a file-capability binary gains nothing when the config names none" {
	capbox_setup
	ocirun run "$ID"
	assert_status 0
	[ "$(cap_of sh CapInh)" = 0000000000000000 ] || fail "the process got inheritable capabilities"
	[ "$(cap_of capbin CapInh)" = 0000000000000000 ]
	[ "$(cap_of capbin CapPrm)" = 0000000000000000 ] || fail "execve of a file-capability binary granted capabilities"
	[ "$(cap_of capbin CapEff)" = 0000000000000000 ]
	assert_host_unchanged
}

@test "inheritable capabilities: what the config names, and only that, passes a file-capability binary" {
	capbox_setup
	update_config '.process.capabilities.inheritable = ["CAP_KILL"]'
	ocirun run "$ID"
	assert_status 0
	# CAP_KILL is bit 5
	[ "$(cap_of sh CapInh)" = 0000000000000020 ]
	[ "$(cap_of capbin CapPrm)" = 0000000000000020 ] || fail "expected exactly CAP_KILL after execve"
	[ "$(cap_of capbin CapEff)" = 0000000000000020 ]
	assert_host_unchanged
}

@test "capabilities: exec --cap adds to bounding, effective and permitted, never to inheritable" {
	rt exec --help >/dev/null 2>&1 || skip "exec is not implemented yet (ocirun exec --help fails)"
	launch
	ocirun exec --cap CAP_NET_RAW "$ID" grep ^Cap /proc/self/status
	assert_status 0
	# CAP_NET_RAW is bit 13
	[[ $output == *"CapInh:	0000000000000000"* ]] || fail "exec --cap reached the inheritable set"
	(( 0x$(awk '/^CapEff/ { print $2 }' <<<"$output") & 0x2000 )) || fail "CAP_NET_RAW not effective"
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# user parsing (runc CVE-2016-3697, crun 2026 exec -u advisory)

@test "user parsing: exec --user 1000 is uid 1000 even when /etc/passwd has a user named \"1000\"" {
	rt exec --help >/dev/null 2>&1 || skip "exec is not implemented yet (ocirun exec --help fails)"
	update_config '.root.readonly = false'
	echo '1000:x:4242:4242:a user named 1000:/:/bin/sh' >>rootfs/etc/passwd
	echo '1000:x:4343:' >>rootfs/etc/group
	launch
	ocirun exec --user 1000 "$ID" sh -c 'echo "$(id -u) $(id -g)"'
	assert_status 0
	[ "$output" = "1000 0" ] || fail "a numeric user was resolved as a name: $output"
	ocirun exec --user 1000:1000 "$ID" sh -c 'echo "$(id -u) $(id -g)"'
	assert_status 0
	[ "$output" = "1000 1000" ] || fail "a numeric user:group was resolved as names: $output"
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# cgroupfs exposure (CVE-2023-25809)

@test "cgroupfs exposure (CVE-2023-25809): /sys/fs/cgroup is read-only in the container" {
	run_in_container 'for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
			mkdir "$d/escape-test" 2>/dev/null && echo "writable: $d"
		done
		echo checked'
	assert_status 0
	[ "$output" = checked ] || fail "a cgroup directory is writable in the container"
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# path traversal through names (runc GHSA-5g49-rx9x-qfc6, crun delete -f ..)

@test "container IDs with .. on every command touch nothing outside the state root" {
	local outer=$WORK/outer id cmd pid
	# $outer/root is the state root; beside it a sentinel, and a copy of a live container's
	# state dir that an ID like "../victim" would reach.
	mkdir -p "$outer/root"
	echo sentinel >"$outer/sentinel"
	ROOT=$outer/root
	launch
	pid=$(pid_of "$ID")
	cp -a "$ROOT/$ID" "$outer/victim"
	local -a ids=(.. ../victim ../../outer/victim ./../victim victim/.. ../ /.. "$outer/victim" . "" "a/b" "../$ID")
	for id in "${ids[@]}"; do
		for cmd in "create --bundle $BUNDLE" start state "kill" "kill --all" delete "delete --force" \
			"run --bundle $BUNDLE" pause resume ps "update --pids-limit 10" "events --stats" exec; do
			# shellcheck disable=SC2086 # the command's words
			if [ "$cmd" = kill ] || [ "$cmd" = "kill --all" ]; then
				ocirun $cmd "$id" KILL
			elif [ "$cmd" = exec ]; then
				ocirun exec "$id" true
			else
				ocirun $cmd "$id"
			fi
			[ "$status" -ne 0 ] || fail "'$cmd' accepted the ID '$id'"
			! crashed || fail "'$cmd' crashed on the ID '$id' (status $status)"
		done
	done
	[ "$(cat "$outer/sentinel")" = sentinel ] || fail "the sentinel beside --root is gone"
	[ -f "$outer/victim/state.json" ] || fail "the directory beside --root was removed"
	[ "$(status_of "$ID")" = running ] || fail "the real container was touched"
	proc_alive "$pid" || fail "the real container's init was killed"
	[ "$(proc_state "$pid")" != T ] || fail "the real container was frozen"
	assert_host_unchanged
}

@test "cgroupsPath with .. stays under its hierarchy" {
	local outer=$WORK/outer path i=0
	mkdir -p "$outer"
	for path in "${UP}${outer#/}/cgvictim" "/${UP}${outer#/}/cgvictim" "a/${UP}${outer#/}/cgvictim" \
		"../../../ocirun-sec-$TAG" "/../../ocirun-sec-$TAG"; do
		i=$((i + 1))
		update_config '.linux.cgroupsPath = $p' --arg p "$path"
		ocirun create --bundle "$BUNDLE" "$ID-$i"
		echo "$path: $(refused_or_ran)"
		if [ "$status" -eq 0 ]; then
			# every cgroup of the init is inside a cgroup hierarchy, never its root
			pid=$(pid_of "$ID-$i")
			! grep -E ':/$' "/proc/$pid/cgroup" || fail "the container sits in a hierarchy's root"
		fi
		rt delete --force "$ID-$i" >/dev/null 2>&1 || true
		[ ! -e "$outer/cgvictim" ] || fail "a directory was made outside the cgroup mounts"
	done
	[ -z "$(ls -A "$outer")" ] || fail "something was made beside the test: $(ls -A "$outer")"
	# A runtime that cleans such a path into a relative one (runc) leaves the empty cgroups of
	# <its cgroup>/tmp/bats-run-.../outer/cgvictim behind: remove them.
	find /sys/fs/cgroup -mindepth 2 -maxdepth 12 -type d -name "$(basename "$BATS_RUN_TMPDIR")" 2>/dev/null |
		while read -r dir; do
			find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
			rmdir "$(dirname "$dir")" 2>/dev/null || true
		done
	assert_host_unchanged
}

@test "cgroupsPath that names a hierarchy's root or the caller's own cgroup is refused" {
	# runc 1.1 takes these (its delete then rmdirs recursively from there): not run against it.
	[[ $(basename "$OCIRUN") != runc* ]] || skip "would place a runc container in a hierarchy's root"
	local path taken=()
	for path in / .. a/.. . /a/../ ./; do
		update_config '.linux.cgroupsPath = $p' --arg p "$path"
		ocirun create --bundle "$BUNDLE" "$ID"
		echo "'$path': $(refused_or_ran)"
		[ "$status" -ne 0 ] || taken+=("'$path'")
		rt delete --force "$ID" >/dev/null 2>&1 || true
	done
	assert_host_unchanged
	assert_all_refused "${taken[@]}"
}

# ------------------------------------------------------------------------------------------------
# state directory: nothing in state.json trusted without checks

# tamper_state ID JQ-FILTER [JQ-ARGS...]: rewrites the container's state.json (ocirun's and runc's
# layouts differ; the filter sees both).
tamper_state() {
	local file=$ROOT/$1/state.json filter=$2
	shift 2
	jq "$filter" "$file" "$@" >"$file.new" && mv "$file.new" "$file"
}

@test "state: a recorded pid that now belongs to another process is never signalled" {
	local pid
	launch
	pid=$(pid_of "$ID")
	kill -KILL "$pid"
	wait_until_dead "$pid"
	# a host process takes the place of the dead init in state.json (a recycled pid)
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	SACRIFICE=$!
	tamper_state "$ID" 'if has("init_process_pid") then .init_process_pid = $p else .pid = $p end' --argjson p "$SACRIFICE"
	ocirun kill "$ID" KILL
	ocirun delete --force "$ID"
	proc_alive "$SACRIFICE" || fail "a process outside the container was killed through a stale pid"
	assert_host_unchanged
}

@test "state: cgroup paths in state.json outside the cgroup mounts are never used" {
	local fake=$HOSTDIR/d pid dirs dir
	launch
	pid=$(pid_of "$ID")
	# the container's real cgroups, to remove once the forged record has been tried
	dirs=$(jq -r '(.cgroup_paths // .cgroup) | to_entries[] | select(.key != "mode") | .value' "$ROOT/$ID/state.json")
	# a host process listed in a "cgroup" that is an ordinary directory on the host
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	SACRIFICE=$!
	for f in cgroup.procs tasks; do echo "$SACRIFICE" >"$fake/$f"; done
	host_snapshot before
	tamper_state "$ID" 'if has("cgroup_paths") then .cgroup_paths |= map_values($f)
		else .cgroup |= with_entries(if .key == "mode" then . else .value = $f end) end' --arg f "$fake"
	ocirun kill --all "$ID" KILL
	ocirun pause "$ID"
	ocirun resume "$ID"
	ocirun delete --force "$ID"
	kill -KILL "$pid" 2>/dev/null || true
	wait_until_dead "$pid"
	for dir in $dirs; do rmdir "$dir" 2>/dev/null || true; done
	proc_alive "$SACRIFICE" || fail "a host process was killed through a forged cgroup path"
	[ -d "$fake" ] || fail "a host directory was removed through a forged cgroup path"
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# hostile configs (CVE-2021-43784 class)

# create_measured: create under /usr/bin/time -v; sets $status, $output and $max_rss_kb.
create_measured() {
	local tv=$WORK/time.txt
	status=0
	rt_env /usr/bin/time -v -o "$tv" "$OCIRUN" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
		</dev/null >"$WORK/create.out" 2>&1 3>&- || status=$?
	output=$(cat "$WORK/create.out")
	max_rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv")
	echo "status $status, max RSS ${max_rss_kb} kB"
	printf '%s\n' "$output" | head -c 2000
}

@test "hostile config: 64 MB is refused with a clear error, in bounded memory" {
	requires python3 /usr/bin/time
	python3 - config.json <<-'EOF'
		import json, sys
		c = json.load(open(sys.argv[1]))
		c["annotations"] = {"big": "A" * (64 * 1024 * 1024)}
		json.dump(c, open(sys.argv[1], "w"))
	EOF
	create_measured
	[ "$status" -ne 0 ] || fail "a 64 MB config was taken"
	! crashed || fail "crashed (status $status)"
	[ "$(grep -c . <<<"$output")" -eq 1 ] || fail "expected one error line"
	[ "$max_rss_kb" -lt 204800 ] || fail "used ${max_rss_kb} kB"
	assert_host_unchanged
}

@test "hostile config: nested 10 000 levels deep is refused with a clear error, in bounded memory" {
	requires /usr/bin/time
	local deep
	deep=$(printf '[%.0s' {1..10000})$(printf ']%.0s' {1..10000})
	jq -c . config.json | sed "s/}\$/,\"x\":$deep}/" >config.json.new
	mv config.json.new config.json
	create_measured
	[ "$status" -ne 0 ] || fail "a config nested 10 000 deep was taken"
	! crashed || fail "crashed (status $status)"
	[ "$(grep -c . <<<"$output")" -eq 1 ] || fail "expected one error line"
	[ "$max_rss_kb" -lt 204800 ] || fail "used ${max_rss_kb} kB"
	assert_host_unchanged
}

@test "hostile config: a 15 MB field under the size limit runs in bounded memory" {
	requires python3 /usr/bin/time
	python3 - config.json <<-'EOF'
		import json, sys
		c = json.load(open(sys.argv[1]))
		c["annotations"] = {"big": "A" * (15 * 1024 * 1024)}
		c["process"]["env"].append("BIG=" + "B" * (1024 * 1024))
		json.dump(c, open(sys.argv[1], "w"))
	EOF
	create_measured
	! crashed || fail "crashed (status $status)"
	[ "$max_rss_kb" -lt 204800 ] || fail "used ${max_rss_kb} kB"
	rt delete --force "$ID" >/dev/null 2>&1 || true
	assert_host_unchanged
}

# ------------------------------------------------------------------------------------------------
# files created on the host (CVE-2024-45310)

@test "slow: files created on the host: mkdir/creat of mount targets and /dev raced with RENAME_EXCHANGE, 200 creates" {
	local i ok=0 refused=0
	mkdir -p data rootfs/data
	echo in-bundle >data/file
	ln -s "$HOSTDIR" rootfs/datalink
	ln -s "$HOSTDIR" rootfs/devlink
	no_dev_mount
	update_config '.mounts |= map(select(.destination | startswith("/dev/") | not))'
	add_mount /data/newdir tmpfs tmpfs
	add_mount /data/newfile bind "$BUNDLE/data/file" bind
	add_mount /data/a/b/c tmpfs tmpfs
	# a cwd that must be created (so the root stays writable until then)
	update_config '.process.cwd = "/data/cwd" | .root.readonly = false'
	race "$BUNDLE/rootfs/data" "$BUNDLE/rootfs/datalink"
	race "$BUNDLE/rootfs/dev" "$BUNDLE/rootfs/devlink"
	for ((i = 0; i < 200; i++)); do
		if rt create --bundle "$BUNDLE" "$ID-$i" </dev/null >/dev/null 2>&1; then
			ok=$((ok + 1))
		else
			refused=$((refused + 1))
		fi
		rt delete --force "$ID-$i" >/dev/null 2>&1 || true
	done
	stop_racers
	echo "created $ok, refused $refused; swaps: $(cat "$WORK"/race-*.out | tr "\n" " ")"
	[ "$(cat "$HOSTDIR/ptmx" 2>&1)" = canary ] || echo "the host's ptmx canary was replaced"
	assert_host_unchanged
}
