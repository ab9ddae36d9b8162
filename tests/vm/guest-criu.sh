#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the VM of run-cgroup2.sh (VM_GUEST=guest-criu.sh): Debian's 6.1 kernel, which
# Debian's CRIU accepts, where the host's newer kernel is refused. Prints TAP between
# VM-TAP-BEGIN and VM-TAP-END: `criu check` first, then containers made by $OCIRUN that are
# checkpointed and restored: a counter that goes on from where it stopped (its log has no gap
# and no restart), the same under a new ID, --leave-running, --pre-dump with --parent-path, a
# foreground restore, a paused container, a container with a terminal, one with a tcp listener,
# a refused checkpoint that leaves the container running, and Podman's checkpoint/restore.
# Every counter appends to a host directory bind-mounted into the container, so the external
# bind mount is exercised too.
set -u

OCIRUN=${OCIRUN:?}
SRC_ROOT=${SRC_ROOT:?}
ROOT=/run/ocirun-criu
W=/tmp/criu
. "$(dirname "${BASH_SOURCE[0]}")/guest-tap.sh"

# Every call is bounded: a hung runtime or criu fails its test instead of the whole lane.
rt() {
	timeout -k 5 60 "$OCIRUN" --root "$ROOT" --log "$W/ocirun.log" --debug "$@"
}
status_of() {
	rt state "$1" 2>/dev/null | jq -r .status
}
pid_of() {
	rt state "$1" 2>/dev/null | jq -r .pid
}
# With VM_SWITCH_ROOT=1 this script is the VM's PID 1: it powers the VM off when done.
finish() {
	echo "1..$n"
	echo "VM-TAP-END"
	if [ $$ -eq 1 ]; then
		sync
		echo o >/proc/sysrq-trigger
		sleep 120 # the power-off comes first; PID 1 must not exit (a panic) meanwhile
	fi
	exit $((failed > 0))
}
# wait_for CMD...: until CMD succeeds (tries for about 30 s; a slow TCG guest needs time).
wait_for() {
	local i
	for ((i = 0; i < 300; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
lines_at_least() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]
}
# consecutive LOG: the counter's lines are 1, 2, 3 … with no gap and no restart.
consecutive() {
	awk '$1 != NR { print "#   line " NR " is \"" $1 "\""; bad = 1; exit } END { exit bad }' "$1"
}
# listening PID PORT-HEX: a tcp (v4 or v6: busybox nc listens on ::) socket of PID's network
# namespace listens on PORT.
listening() {
	cat "/proc/$1/net/tcp" "/proc/$1/net/tcp6" 2>/dev/null | grep -Eq ":$2 [0-9A-F]+:0000 0A"
}
# established PID: PID's network namespace has an established tcp connection.
established() {
	cat "/proc/$1/net/tcp" "/proc/$1/net/tcp6" 2>/dev/null | awk '$4 == "01" { found = 1 } END { exit !found }'
}
show_log() {
	echo "#   $1 ($(wc -l <"$1") lines): $(tr '\n' ' ' <"$1" | tail -c 200)"
}
quote_criu_log() {
	local f
	for f in "$@"; do
		[ -f "$f" ] && grep -m5 -E 'Error|Warn' "$f" | sed "s|^|#   $(basename "$f"): |"
	done
}

# make_counter NAME [jq filter]: a bundle whose process appends 1, 2, 3 … to /data/log,
# /data being $W/NAME/data on the host.
make_counter() {
	local name=$1 filter=${2:-.}
	local b=$W/$name
	mkdir -p "$b/data"
	cp -a "$W/template/." "$b/"
	jq --arg data "$b/data" '.process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >> /data/log; sleep 0.2; done"]
		| .mounts += [{"destination": "/data", "type": "bind", "source": $data, "options": ["rbind", "rw"]}]' \
		"$W/template/config.json" | jq "$filter" >"$b/config.json"
}
# The container's stdio is /dev/null: a file of the host outside the container's mounts is
# something CRIU cannot dump. ocirun's own errors go to --log ($W/ocirun.log).
run_counter() {
	run_counter_n "$1" 3
}
run_counter_n() {
	(cd "$W/$1" && rt run -d "$1" </dev/null >/dev/null 2>&1) &&
		wait_for lines_at_least "$W/$1/data/log" "$2"
}
last_error() {
	grep '"level":"error"\|level=error\|error' "$W/ocirun.log" 2>/dev/null | tail -n1
}

echo "VM-TAP-BEGIN"
echo "# kernel $(uname -r); criu $(criu --version 2>/dev/null | head -n1)"
# What CRIU needs that the initramfs does not load (the kernel cannot load modules itself: its
# modprobe would run in the initramfs): the socket diag modules, nftables and iptables for the
# network lock of --tcp-established, and lo up for its tcp-repair probe.
for m in unix_diag inet_diag tcp_diag udp_diag raw_diag netlink_diag af_packet_diag \
	nfnetlink nf_tables nft_compat nf_conntrack nft_ct nft_chain_nat x_tables ip_tables \
	iptable_filter ip6_tables ip6table_filter xt_mark xt_conntrack nf_defrag_ipv4 tun veth; do
	modprobe "$m" 2>/dev/null
done
ip link set lo up
out=$(criu check 2>&1)
rc=$?
sed 's/^/#   /' <<<"$out"
if [ "$rc" -ne 0 ]; then
	not_ok "criu check passes in the guest"
	finish
fi
ok "criu check passes in the guest"

mkdir -p "$W" "$ROOT"
if ! "$SRC_ROOT/contrib/make-bundle.sh" "$W/template" >"$W/make-bundle.log" 2>&1; then
	not_ok "make a busybox bundle"
	sed 's/^/#   /' "$W/make-bundle.log"
	finish
fi

# ---- a counter, checkpointed, gone, restored, going on -------------------------------------
make_counter c1
if run_counter c1; then
	old=$(pid_of c1)
	cd "$W/c1"
	if rt checkpoint --image-path "$W/c1/image" --work-path "$W/c1/work" c1 2>"$W/c1/ckpt.err"; then
		ok "checkpoint of a running counter"
	else
		not_ok "checkpoint of a running counter: $(cat "$W/c1/ckpt.err")"
		quote_criu_log "$W/c1/work/dump.log"
	fi
	check "after checkpoint the container is gone (state fails) and its init is dead" \
		bash -c "! $OCIRUN --root $ROOT state c1 >/dev/null 2>&1 && ! kill -0 $old 2>/dev/null"
	at_dump=$(wc -l <"$W/c1/data/log")
	if rt restore -d --image-path "$W/c1/image" --work-path "$W/c1/work" c1 </dev/null >/dev/null 2>&1; then
		ok "restore of the counter"
	else
		not_ok "restore of the counter: $(last_error)"
		quote_criu_log "$W/c1/work/restore.log"
	fi
	check "the restored container is running with a new pid" \
		bash -c "[ \"\$($OCIRUN --root $ROOT state c1 | jq -r .status)\" = running ] && [ \"\$($OCIRUN --root $ROOT state c1 | jq -r .pid)\" != $old ]"
	wait_for lines_at_least "$W/c1/data/log" $((at_dump + 3))
	check "the counter went on from $at_dump: no gap, no restart" consecutive "$W/c1/data/log"
	show_log "$W/c1/data/log"
	check "exec works in the restored container" bash -c "[ \"\$($OCIRUN --root $ROOT exec c1 cat /data/log | head -n1)\" = 1 ]"
	check "pause of the restored container" bash -c "$OCIRUN --root $ROOT pause c1 && [ \"\$($OCIRUN --root $ROOT state c1 | jq -r .status)\" = paused ]"
	check "resume of the restored container" bash -c "$OCIRUN --root $ROOT resume c1 && [ \"\$($OCIRUN --root $ROOT state c1 | jq -r .status)\" = running ]"
	newpid=$(pid_of c1)
	check "kill and delete of the restored container" bash -c "$OCIRUN --root $ROOT kill c1 KILL && $OCIRUN --root $ROOT delete -f c1 && ! kill -0 $newpid 2>/dev/null && ! $OCIRUN --root $ROOT state c1 2>/dev/null"
	cd /
else
	not_ok "run the counter c1: $(last_error)"
fi

# ---- restore under a new ID -------------------------------------------------------------
make_counter c2
if run_counter c2; then
	(cd "$W/c2" && rt checkpoint --image-path "$W/c2/image" c2 2>"$W/c2/ckpt.err") ||
		echo "#   $(cat "$W/c2/ckpt.err")"
	at_dump=$(wc -l <"$W/c2/data/log")
	if (cd "$W/c2" && rt restore -d --image-path "$W/c2/image" c2-renamed </dev/null >/dev/null 2>&1); then
		ok "restore under a new ID"
	else
		not_ok "restore under a new ID: $(last_error)"
		quote_criu_log "$W/c2/image/restore.log"
	fi
	check "state of the new ID says running; the old ID is unknown" \
		bash -c "[ \"\$($OCIRUN --root $ROOT state c2-renamed | jq -r .status)\" = running ] && ! $OCIRUN --root $ROOT state c2 2>/dev/null"
	wait_for lines_at_least "$W/c2/data/log" $((at_dump + 3))
	check "the counter under the new ID went on: no gap, no restart" consecutive "$W/c2/data/log"
	rt delete -f c2-renamed
else
	not_ok "run the counter c2: $(last_error)"
fi

# ---- --leave-running ----------------------------------------------------------------------
make_counter c3
if run_counter c3; then
	old=$(pid_of c3)
	check "checkpoint --leave-running" bash -c "cd $W/c3 && $OCIRUN --root $ROOT checkpoint --leave-running --image-path $W/c3/image c3"
	at_dump=$(wc -l <"$W/c3/data/log")
	check "after --leave-running the container runs on with the same pid" \
		bash -c "[ \"\$($OCIRUN --root $ROOT state c3 | jq -r .status)\" = running ] && [ \"\$($OCIRUN --root $ROOT state c3 | jq -r .pid)\" = $old ]"
	check "and its counter goes on" wait_for lines_at_least "$W/c3/data/log" $((at_dump + 3))
	rt delete -f c3
	last=$(wc -l <"$W/c3/data/log")
	check "its image restores as another container" bash -c "cd $W/c3 && $OCIRUN --root $ROOT restore -d --image-path $W/c3/image c3-copy </dev/null >/dev/null"
	# The copy counts on from the value in the image, which the original had passed.
	wait_for lines_at_least "$W/c3/data/log" $((last + 2))
	check "the copy counts on from the checkpoint's value (a number the original already wrote)" \
		bash -c "v=\$(sed -n $((last + 1))p $W/c3/data/log); [ -n \"\$v\" ] && [ \"\$v\" -le $last ] && [ \"\$v\" -gt 1 ]"
	rt delete -f c3-copy
else
	not_ok "run the counter c3: $(last_error)"
fi

# ---- pre-dump, then a dump on top of it ---------------------------------------------------
make_counter c8
if run_counter c8; then
	check "checkpoint --pre-dump leaves the container running" \
		bash -c "cd $W/c8 && $OCIRUN --root $ROOT checkpoint --pre-dump --image-path $W/c8/pre c8 && [ \"\$($OCIRUN --root $ROOT state c8 | jq -r .status)\" = running ]"
	if (cd "$W/c8" && rt checkpoint --image-path "$W/c8/final" --parent-path ../pre c8); then
		ok "checkpoint --parent-path ../pre (the memory dumped by the pre-dump is not dumped again)"
	else
		not_ok "checkpoint --parent-path ../pre: $(last_error)"
		quote_criu_log "$W/c8/final/dump.log"
	fi
	at_dump=$(wc -l <"$W/c8/data/log")
	check "restore from the image with a parent" bash -c "cd $W/c8 && $OCIRUN --root $ROOT restore -d --image-path $W/c8/final c8 </dev/null >/dev/null"
	wait_for lines_at_least "$W/c8/data/log" $((at_dump + 3))
	check "the counter restored from pre-dump + dump went on: no gap, no restart" consecutive "$W/c8/data/log"
	rt delete -f c8
else
	not_ok "run the counter c8: $(last_error)"
fi

# ---- restore in the foreground ------------------------------------------------------------
make_counter c9
if run_counter c9; then
	(cd "$W/c9" && rt checkpoint --image-path "$W/c9/image" c9)
	at_dump=$(wc -l <"$W/c9/data/log")
	(cd "$W/c9" && exec timeout -k 5 120 "$OCIRUN" --root "$ROOT" restore --image-path "$W/c9/image" c9 </dev/null >/dev/null 2>&1) &
	fg=$!
	check "a foreground restore runs the container" wait_for lines_at_least "$W/c9/data/log" $((at_dump + 3))
	rt kill c9 KILL
	rc=0
	wait "$fg" || rc=$?
	check "the foreground restore exits with the container's status (137 after SIGKILL, got $rc) and deletes it" \
		bash -c "[ $rc -eq 137 ] && ! $OCIRUN --root $ROOT state c9 2>/dev/null"
	rt delete -f c9 2>/dev/null
else
	not_ok "run the counter c9: $(last_error)"
fi

# ---- a paused container ---------------------------------------------------------------------
make_counter c4
if run_counter c4; then
	rt pause c4
	at_pause=$(wc -l <"$W/c4/data/log")
	if (cd "$W/c4" && rt checkpoint --image-path "$W/c4/image" c4 2>"$W/c4/ckpt.err"); then
		ok "checkpoint of a paused container"
	else
		not_ok "checkpoint of a paused container: $(cat "$W/c4/ckpt.err")"
		quote_criu_log "$W/c4/image/dump.log"
	fi
	check "the paused counter did not move meanwhile" [ "$(wc -l <"$W/c4/data/log")" -eq "$at_pause" ]
	check "restore of the paused container's image" bash -c "cd $W/c4 && $OCIRUN --root $ROOT restore -d --image-path $W/c4/image c4 </dev/null >/dev/null"
	echo "#   status after restore: $(status_of c4)"
	[ "$(status_of c4)" = paused ] && rt resume c4
	wait_for lines_at_least "$W/c4/data/log" $((at_pause + 3))
	check "the restored counter goes on from where it was paused" consecutive "$W/c4/data/log"
	rt delete -f c4
else
	not_ok "run the counter c4: $(last_error)"
fi

# ---- a container with a terminal ----------------------------------------------------------
receiver=$SRC_ROOT/tests/integration/console-receiver.py
make_counter c5 '.process.terminal = true | .process.args[2] = "i=0; while :; do i=$((i+1)); echo $i >> /data/log; echo tick $i; sleep 0.2; done"'
python3 "$receiver" "$W/c5/sock1" "$W/c5/report1" </dev/null >/dev/null 2>&1 &
rcv1=$!
wait_for test -S "$W/c5/sock1"
if (cd "$W/c5" && rt run -d --console-socket "$W/c5/sock1" c5 </dev/null >/dev/null 2>&1) &&
	wait_for lines_at_least "$W/c5/data/log" 3; then
	if (cd "$W/c5" && rt checkpoint --shell-job --image-path "$W/c5/image" c5 2>"$W/c5/ckpt.err"); then
		ok "checkpoint --shell-job of a container with a terminal"
	else
		not_ok "checkpoint --shell-job of a container with a terminal: $(cat "$W/c5/ckpt.err")"
		quote_criu_log "$W/c5/image/dump.log"
	fi
	at_dump=$(wc -l <"$W/c5/data/log")
	python3 "$receiver" "$W/c5/sock2" "$W/c5/report2" </dev/null >/dev/null 2>&1 &
	rcv2=$!
	wait_for test -S "$W/c5/sock2"
	if (cd "$W/c5" && rt restore -d --shell-job --console-socket "$W/c5/sock2" --image-path "$W/c5/image" c5 </dev/null >/dev/null 2>&1); then
		ok "restore --shell-job --console-socket"
	else
		not_ok "restore --shell-job --console-socket: $(last_error)"
		quote_criu_log "$W/c5/image/restore.log"
	fi
	wait_for lines_at_least "$W/c5/data/log" $((at_dump + 3))
	check "the terminal counter went on: no gap, no restart" consecutive "$W/c5/data/log"
	rt delete -f c5
	wait "$rcv2" 2>/dev/null
	check "the new pty master reached the console socket and carries the ticks after the restore" \
		bash -c "jq -e '.fds == 1 and .isatty and (.output | test(\"tick $((at_dump + 2))\"))' $W/c5/report2 >/dev/null"
	echo "#   report: $(head -c 300 "$W/c5/report2" 2>/dev/null)"
else
	not_ok "run the terminal counter c5: $(last_error)"
fi
kill "$rcv1" 2>/dev/null

# ---- a tcp listener ---------------------------------------------------------------------------
make_counter c6 '.process.args = ["sh", "-c", "echo up >> /data/log; while :; do echo hello | nc -l -p 8080 >/dev/null; echo served >> /data/log; done"]'
if run_counter_n c6 1; then
	wait_for listening "$(pid_of c6)" 1F90
	echo "# c6: checkpoint"
	if (cd "$W/c6" && rt checkpoint --tcp-established --image-path "$W/c6/image" c6); then
		ok "checkpoint --tcp-established of a tcp listener"
	else
		not_ok "checkpoint --tcp-established of a tcp listener: $(last_error)"
		quote_criu_log "$W/c6/image/dump.log"
	fi
	echo "# c6: restore"
	if (cd "$W/c6" && rt restore -d --tcp-established --image-path "$W/c6/image" c6 </dev/null >/dev/null 2>&1); then
		ok "restore --tcp-established of the listener"
	else
		not_ok "restore --tcp-established of the listener: $(last_error)"
		quote_criu_log "$W/c6/image/restore.log"
	fi
	check "the restored listener listens on :8080 in the container's network namespace" \
		listening "$(pid_of c6)" 1F90
	echo "# c6: connect"
	reply=$(rt exec c6 timeout 20 nc 127.0.0.1 8080 </dev/null 2>&1)
	check "a connection to the restored listener is served (\"$reply\")" [ "$reply" = hello ]
	rt delete -f c6
else
	not_ok "run the listener c6: $(last_error)"
fi

# ---- a failing checkpoint leaves the container running ------------------------------------
# An established tcp connection (inside the container) without --tcp-established: CRIU refuses.
make_counter c7 '.process.args[2] = "sleep 100000 | nc -l -p 9000 >/dev/null & sleep 1; sleep 100000 | nc 127.0.0.1 9000 & i=0; while :; do i=$((i+1)); echo $i >> /data/log; sleep 0.2; done"'
if run_counter c7; then
	old=$(pid_of c7)
	wait_for established "$old"
	echo "# c7: checkpoint without --tcp-established"
	if (cd "$W/c7" && rt checkpoint --image-path "$W/c7/image" c7 2>"$W/c7/ckpt.err"); then
		not_ok "a checkpoint of an established connection without --tcp-established is refused"
	else
		check "a refused checkpoint exits non-zero and says why: $(head -c 300 "$W/c7/ckpt.err")" grep -q 'criu dump failed' "$W/c7/ckpt.err"
		at_fail=$(wc -l <"$W/c7/data/log")
		check "after the refused checkpoint the container runs on with the same pid" \
			bash -c "[ \"\$($OCIRUN --root $ROOT state c7 | jq -r .status)\" = running ] && [ \"\$($OCIRUN --root $ROOT state c7 | jq -r .pid)\" = $old ]"
		check "and its counter goes on" wait_for lines_at_least "$W/c7/data/log" $((at_fail + 3))
	fi
	rt delete -f c7
else
	not_ok "run the container c7: $(last_error)"
fi

# ---- the host's checkpoint.bats, here where CRIU works ---------------------------------------
# On the host those tests skip with `criu check`'s reason; here they must run and pass.
if command -v bats >/dev/null; then
	out=$(cd / && OCIRUN=$OCIRUN BUILD_ROOT=${BUILD_ROOT:-} timeout -k 5 300 bats --tap "$SRC_ROOT/tests/integration/checkpoint.bats" 2>&1)
	rc=$?
	sed 's/^/#   /' <<<"$out"
	check "checkpoint.bats passes where CRIU works ($(grep -c '^ok' <<<"$out") ok, $(grep -c '# skip' <<<"$out") skipped)" \
		bash -c "[ $rc -eq 0 ] && ! grep -q 'a counter is checkpointed.*# skip' <<<\"\$1\"" _ "$out"
else
	ok "checkpoint.bats in the guest # SKIP bats not installed"
fi

# ---- Podman ------------------------------------------------------------------------------
# `podman container checkpoint` and `restore` with ocirun as the runtime (conmon runs
# `ocirun restore` with its own pipes for the container's output), set up as
# tests/clients/podman.bats does: private storage, a containers.conf naming ocirun, an image
# imported from the busybox rootfs.
if command -v podman >/dev/null && command -v conmon >/dev/null; then
	modprobe overlay 2>/dev/null
	P=$W/podman
	mkdir -p "$P/tmp" "$P/networks"
	cat >"$P/storage.conf" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$P/storage"
		runroot = "$P/run"
	EOF
	cat >"$P/containers.conf" <<-EOF
		[containers]
		netns = "none"
		log_driver = "k8s-file"
		default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

		[network]
		network_config_dir = "$P/networks"

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		tmp_dir = "$P/tmp"
		volume_path = "$P/volumes"
		image_copy_tmp_dir = "$P/tmp"
		runtime = "ocirun"
		runtime_supports_json = ["crun", "runc", "ocirun"]

		[engine.runtimes]
		ocirun = ["$OCIRUN"]
	EOF
	# /var/tmp is the host's, read-only here: Podman's temporary files go to tmpfs.
	export CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf TMPDIR=$P/tmp
	pm() {
		timeout -k 5 120 podman "$@"
	}
	podman_lines() {
		[ "$(pm logs pc1 2>/dev/null | wc -l)" -ge "$1" ]
	}
	tar -C "$W/template/rootfs" --numeric-owner -cf "$P/rootfs.tar" .
	if pm import --quiet --change 'CMD ["sh"]' "$P/rootfs.tar" localhost/busybox >"$P/import.log" 2>&1 &&
		pm run -d --name pc1 localhost/busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.2; done' >"$P/run.log" 2>&1 &&
		wait_for podman_lines 3; then
		if pm container checkpoint pc1 >"$P/ckpt.log" 2>&1; then
			ok "podman container checkpoint (runtime ocirun)"
		else
			not_ok "podman container checkpoint (runtime ocirun): $(tail -n3 "$P/ckpt.log" | tr '\n' ' ')"
		fi
		echo "#   after checkpoint: $(pm ps -a --format '{{.Names}} {{.Status}}' 2>&1 | tr '\n' ' ')"
		at_dump=$(pm logs pc1 2>/dev/null | wc -l)
		if pm container restore pc1 >"$P/rst.log" 2>&1; then
			ok "podman container restore (runtime ocirun)"
		else
			not_ok "podman container restore (runtime ocirun): $(tail -n3 "$P/rst.log" | tr '\n' ' ')"
		fi
		wait_for podman_lines $((at_dump + 3))
		pm logs pc1 >"$P/logs" 2>&1
		check "the Podman container's counter went on from $at_dump (podman logs: no gap, no restart)" consecutive "$P/logs"
		show_log "$P/logs"
		check "podman exec in the restored container" bash -c "[ \"\$(timeout 60 podman exec pc1 echo hi)\" = hi ]"
		pm rm -f -t 0 pc1 >/dev/null 2>&1
	else
		not_ok "podman run with ocirun: $(cat "$P/import.log" "$P/run.log" 2>/dev/null | tail -n3 | tr '\n' ' ')"
	fi
	pm rm -af -t 0 >/dev/null 2>&1
	unset CONTAINERS_CONF CONTAINERS_STORAGE_CONF TMPDIR
else
	ok "Podman checkpoint/restore # SKIP podman or conmon not installed"
fi

check "nothing left in the state root" bash -c "[ -z \"\$(ls $ROOT)\" ]"
finish
