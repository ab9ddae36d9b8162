#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/bench/bench.sh [--quick] [--out FILE]
#
# Start-up latency, memory and scale of ocirun beside runc and crun (each when installed), on this
# machine, in one run, as issue 7 describes. As root:
#
#   tests/bench/bench.sh            full run (50 runs a case; 0, 100 and 500 containers alive)
#   tests/bench/bench.sh --quick    about a minute (10 runs a case; 0 and 50 alive)
#   tests/bench/bench.sh --cases 1,4   only those cases (the kernel floor, case 5, is always run);
#                                   the table then goes to stdout only, unless --out is given
#   OCIRUN=/path/to/ocirun tests/bench/bench.sh   use that binary instead of building one
#
# What it does:
#   - installs from Debian what is missing (hyperfine, runc, crun, time, busybox-static, jq);
#   - builds ocirun (release) into build-bench/ unless OCIRUN names a binary;
#   - makes one busybox root filesystem (contrib/make-bundle.sh) and bundles around it whose
#     config.json is `ocirun spec`'s (every namespace including cgroup, the default mounts, masked
#     and read-only paths, a devices cgroup), process.terminal false;
#   - runs everything inside ONE private mount namespace (unshare -m) in which the cgroup2
#     mount's cgroup.controllers is bind-masked by /dev/null on a hybrid host (Debian's crun
#     refuses hybrid hosts otherwise), so that every runtime pays the same wrapper cost;
#   - each runtime gets its own --root, every container a unique ID, and everything made is
#     removed at the end, also when the run fails or is interrupted;
#   - prints a markdown table of medians, quartiles and ratios and writes it, with the date,
#     kernel, CPU and this command, into FILE (default docs/performance.md) between the markers
#     <!-- bench:begin --> and <!-- bench:end -->, leaving the rest of the file as it is.
#     --out - prints only.
#
# It asserts nothing about timings: a case that fails says "fail" in the table and its error is
# in the log. The log, hyperfine's JSON and the raw results stay in $RESULTS (default
# /tmp/ocibench-results).
#
# Environment: OCIRUN (binary to measure), BUILD_DIR (default <repo>/build-bench), RESULTS,
# STATE_TMPFS=0 (keep the runtimes' --root directories on /run's own file system instead of a tmpfs).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

quick=0
cases=""
out=$repo/docs/performance.md
out_given=0
orig_cmd="tests/bench/bench.sh${*:+ $*}"
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--cases)
		[ $# -ge 2 ] && [[ "$2" =~ ^[1-9](,[1-9])*$ ]] ||
			{ echo "bench.sh: --cases needs a list like 1,4" >&2; exit 2; }
		cases=$2
		shift
		;;
	--out)
		[ $# -ge 2 ] || { echo "bench.sh: --out needs a file" >&2; exit 2; }
		out=$2
		out_given=1
		shift
		;;
	-h | --help)
		sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "bench.sh: unknown argument $1 (try --help)" >&2
		exit 2
		;;
	esac
	shift
done

# A partial table must not replace the full one in docs/performance.md.
[ -z "$cases" ] || [ "$out_given" = 1 ] || out=-

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench.sh: $*"
	exit 1
}

# ==================================================================================================
# Outside the mount namespace: tools, the binary, the work directory.
# ==================================================================================================
if [ -z "${OCB_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (containers with every namespace and a cgroup)"
	OCB_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	OCIRUN_GIVEN=${OCIRUN:+1}

	busybox_static() { [ -x /bin/busybox ] && ! file -L /bin/busybox 2>/dev/null | grep -q 'dynamically linked'; }
	need=()
	command -v hyperfine >/dev/null || need+=(hyperfine)
	command -v runc >/dev/null || need+=(runc)
	command -v crun >/dev/null || need+=(crun)
	[ -x /usr/bin/time ] || need+=(time)
	command -v jq >/dev/null || need+=(jq)
	command -v file >/dev/null || need+=(file)
	busybox_static || need+=(busybox-static)
	if [ ${#need[@]} -gt 0 ]; then
		say "bench.sh: installing ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y --no-install-recommends "${need[@]}" >&2 ||
			{ apt-get update >&2 && apt-get install -y --no-install-recommends "${need[@]}" >&2; } ||
			die "could not install ${need[*]}"
	fi
	busybox_static || die "/bin/busybox is not a static busybox"

	if [ -n "${OCIRUN:-}" ]; then
		OCIRUN=$(realpath "$OCIRUN")
		[ -x "$OCIRUN" ] || die "OCIRUN=$OCIRUN is not an executable"
	else
		build=${BUILD_DIR:-$repo/build-bench}
		if ! command -v meson >/dev/null || ! command -v ninja >/dev/null; then
			"$repo/contrib/install-deps.sh" >&2
		fi
		if [ ! -f "$build/build.ninja" ]; then
			meson setup "$build" "$repo" --buildtype=release >&2 || die "meson setup $build failed"
		fi
		ninja -C "$build" src/ocirun >&2 || die "building ocirun failed"
		OCIRUN=$build/src/ocirun
	fi

	RESULTS=${RESULTS:-/tmp/ocibench-results}
	rm -rf "$RESULTS"
	mkdir -p "$RESULTS/json"
	# /run is where runtimes keep their state by default.
	W=$(mktemp -d /run/ocibench.XXXXXX)
	trap 'rm -rf "$W"' EXIT
	export OCB_INNER=1 OCB_W=$W OCB_QUICK=$quick OCB_CASES=$cases OCB_OUT=$out OCB_CMD=$orig_cmd OCB_LOAD_START \
		OCIRUN OCIRUN_GIVEN RESULTS
	# The inner run removes its containers when it is interrupted; wait for that before removing
	# $W, and pass an interruption of this shell on to it (unshare execs the inner shell, so $inner
	# is that shell).
	inner=""
	# shellcheck disable=SC2317 # called by the trap
	forward() { [ -z "$inner" ] || kill -TERM "$inner" 2>/dev/null || true; }
	trap forward INT TERM HUP
	unshare -m --propagation private -- "$BASH" "${BASH_SOURCE[0]}" &
	inner=$!
	while :; do
		wait "$inner" && rc=0 || rc=$?
		kill -0 "$inner" 2>/dev/null || break
	done
	exit "$rc"
fi

# ==================================================================================================
# Inside the private mount namespace.
# ==================================================================================================
W=$OCB_W
quick=$OCB_QUICK
out=$OCB_OUT
LOG=$RESULTS/bench.log
TSV=$RESULTS/results.tsv
: >"$LOG"
: >"$TSV"

if [ "$quick" = 1 ]; then
	runs=10 warmup=2 scale_levels=(0 50) scale_runs=10 idle_runs=10
else
	runs=50 warmup=5 scale_levels=(0 100 500) scale_runs=30 idle_runs=30
fi
headline_n=100 cycles=50 parallel=8
mem_limits=(4M 2M 1M 512K 256K 128K)

# --- the cgroup2 mask (hybrid hosts only) ---------------------------------------------------------
# The cgroup2 mount point, from mountinfo: field 5 is the mount point, the field after " - " the
# file system type.
cg2=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -n1)
cgroup_mode="cgroup v1 only"
if [ -n "$cg2" ] && [ "$cg2" = /sys/fs/cgroup ]; then
	cgroup_mode="cgroup v2 (unified), no mask needed"
elif [ -n "$cg2" ]; then
	mount --bind /dev/null "$cg2/cgroup.controllers" || die "cannot mask $cg2/cgroup.controllers"
	cgroup_mode="hybrid (cgroup v1 + $cg2); $cg2/cgroup.controllers masked by /dev/null for all runtimes"
fi

# --- the state directories -------------------------------------------------------------------------
# On a tmpfs, as /run is on most hosts (it is not on every VM or container image): the --root of
# each runtime is there, mounted in this namespace only. STATE_TMPFS=0 keeps them on $W's disk.
mkdir -p "$W/state"
state_fs="tmpfs mounted for this run"
if [ "${STATE_TMPFS:-1}" = 1 ]; then
	mount -t tmpfs -o mode=0700,size=256m ocibench-state "$W/state" || die "cannot mount a tmpfs on $W/state"
else
	state_fs=$(stat -f -c %T "$W/state")
fi

# --- the runtimes ---------------------------------------------------------------------------------
rts=(ocirun)
declare -A bin
bin[ocirun]=$OCIRUN
for r in crun runc; do
	if command -v "$r" >/dev/null; then
		rts+=("$r")
		bin[$r]=$(command -v "$r")
	fi
done
root() { echo "$W/state/root-$1"; }
# R RUNTIME ARGS...: the runtime with its own state directory.
R() {
	local r=$1
	shift
	"${bin[$r]}" --root "$(root "$r")" "$@"
}
for r in "${rts[@]}"; do mkdir -p "$(root "$r")"; done

# Every ID starts with this, so that whatever is left can be found (state, cgroups, processes).
P=ocb$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')

# --- clean-up, also on failure --------------------------------------------------------------------
cleanup() {
	set +e
	trap - EXIT INT TERM
	local r d
	for r in "${rts[@]}"; do
		for d in "$(root "$r")/$P"-*; do
			[ -e "$d" ] && R "$r" delete --force "${d##*/}" >/dev/null 2>&1
		done
	done
	# Cgroups named by our IDs that a runtime did not remove: kill what is in them, remove them.
	find /sys/fs/cgroup -maxdepth 8 -depth -type d -name "$P-*" 2>/dev/null | while read -r d; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ -f "$d/cgroup.procs" ] && xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
	done
	rm -rf "$W"/state/root-*
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- bundles --------------------------------------------------------------------------------------
say "bench.sh: ocirun $OCIRUN; runtimes: ${rts[*]}; results in $RESULTS"
ROOTFS=$W/rootfs-bundle/rootfs
"$repo/contrib/make-bundle.sh" "$W/rootfs-bundle" /bin/true >>"$LOG" 2>&1 || die "make-bundle.sh failed (see $LOG)"
# `ocirun spec`'s namespaces: make-bundle's (pid, network, ipc, uts, mount) and cgroup. The root
# filesystem is shared by every bundle through an absolute root.path.
base=$(jq --arg root "$ROOTFS" '.root.path = $root | .linux.namespaces += [{"type": "cgroup"}]' \
	"$W/rootfs-bundle/config.json")
# bundle NAME JQ-FILTER [JQ-ARGS...]: $W/b-NAME/config.json from the base config.
bundle() {
	local name=$1 filter=$2
	shift 2
	mkdir -p "$W/b-$name"
	jq "$@" "$filter" <<<"$base" >"$W/b-$name/config.json"
}
bundle true '.process.args = ["/bin/true"]'
bundle sleep '.process.args = ["/bin/sleep", "86400"]'
"$here/seccomp-profile.sh" >"$W/seccomp.json"
# shellcheck disable=SC2016 # jq's variables
bundle seccomp '.process.args = ["/bin/true"] | .linux.seccomp = $sc[0]' --slurpfile sc "$W/seccomp.json"
seccomp_names=$(jq '[.syscalls[].names[]] | unique | length' "$W/seccomp.json")
seccomp_rules=$(jq '.syscalls | length' "$W/seccomp.json")
bytes() {
	case "$1" in
	*M) echo $((${1%M} * 1024 * 1024)) ;;
	*K) echo $((${1%K} * 1024)) ;;
	*) echo "$1" ;;
	esac
}
for lim in "${mem_limits[@]}"; do
	# shellcheck disable=SC2016 # jq's variables
	bundle "mem-$lim" '.process.args = ["/bin/echo", "ok"] | .linux.resources.memory.limit = $l' \
		--argjson l "$(bytes "$lim")"
done

# --- results --------------------------------------------------------------------------------------
# results.tsv, one line a figure: KEY RUNTIME KIND VALUE [Q1 Q3 N]
#   T: a timing in ms (median, quartiles, number of runs); S: a number with a unit in KIND's place
#   (S:ms, S:s, S:MB ...); X: text.
put() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$TSV"; }
# get KEY RUNTIME: "KIND<tab>VALUE..." of the first line for that figure.
get() { awk -F'\t' -v k="$1" -v r="$2" '$1 == k && $2 == r { sub(/^[^\t]*\t[^\t]*\t/, ""); print; exit }' "$TSV"; }

fmt_ms() { awk -v v="$1" 'BEGIN { printf(v < 10 ? "%.2f" : "%.1f", v) }'; }

# hf KEY RUNTIME RUNS WARMUP COMMAND [sh|none [PREPARE]]: hyperfine, then the median and quartiles in ms. The
# command is executed directly (hyperfine -N: no shell start-up to subtract, which hyperfine cannot
# do precisely for commands of a few ms); with "sh" it runs through sh -c (for "&&"; hyperfine then
# subtracts the shell's own start-up, and "$$" can make an ID unique).
hf() {
	local key=$1 r=$2 n=$3 wu=$4 cmd=$5 shell=${6:-none} json=$RESULTS/json/$1.$2.json stats
	local prep=()
	[ -z "${7:-}" ] || prep=(--prepare "$7")
	echo "=== $key $r: $cmd" >>"$LOG"
	if hyperfine --style none --shell="$shell" --runs "$n" --warmup "$wu" "${prep[@]}" \
		--export-json "$json" "$cmd" >>"$LOG" 2>&1; then
		stats=$(jq -r '
			def q(p): ((length - 1) * p) as $i | ($i | floor) as $lo | ($i | ceil) as $hi
				| .[$lo] + (.[$hi] - .[$lo]) * ($i - $lo);
			.results[0].times | sort | map(. * 1000)
			| "T\t\(q(0.5))\t\(q(0.25))\t\(q(0.75))\t\(length)"' "$json")
		put "$key" "$r" "$stats"
		say "$(printf '  %-12s %-7s %s ms (%s-%s)' "$key" "$r" \
			"$(fmt_ms "$(cut -f2 <<<"$stats")")" "$(fmt_ms "$(cut -f3 <<<"$stats")")" \
			"$(fmt_ms "$(cut -f4 <<<"$stats")")")"
	else
		put "$key" "$r" "X	fail"
		say "$(printf '  %-12s %-7s fail (see %s)' "$key" "$r" "$LOG")"
		echo "--- $key $r failed; once more for its error:" >>"$LOG"
		sh -c "$cmd" >>"$LOG" 2>&1 || true
	fi
}

# now; secs START END: seconds between two readings of now, to the millisecond.
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

q() { printf '%q' "$1"; }

# ==================================================================================================
# The cases
# ==================================================================================================
rq() { printf '%q --root %q' "${bin[$1]}" "$(root "$1")"; }
# want N: case N is to be run (--cases).
want() { [ -z "$OCB_CASES" ] || [[ ",$OCB_CASES," == *",$1,"* ]]; }
# `run` removes its container when the process exits, so one ID per case and runtime serves every
# run of a sequence; one left behind by a failed run makes the next fail, and the case says so.

if want 1; then
	say "case 1: run /bin/true, sequentially"
	for r in "${rts[@]}"; do
		hf c1 "$r" "$runs" "$warmup" "$(rq "$r") run -b $(q "$W/b-true") $P-$r-c1"
	done
	say "case 1, after 200 ms idle each time (a lone container: see docs/performance.md)"
	for r in "${rts[@]}"; do
		hf c1idle "$r" "$idle_runs" 1 "$(rq "$r") run -b $(q "$W/b-true") $P-$r-c1i" none "sleep 0.2"
	done
	say "case 1b: $headline_n containers in a row (total wall time)"
	for r in "${rts[@]}"; do
		fails=0
		t0=$(now)
		for i in $(seq "$headline_n"); do
			R "$r" run -b "$W/b-true" "$P-$r-h$i" </dev/null >/dev/null 2>>"$LOG" || fails=$((fails + 1))
		done
		t=$(secs "$t0" "$(now)")
		if [ "$fails" -eq 0 ]; then put c1b "$r" "S:s	$t"; else put c1b "$r" "X	$t s, $fails failed"; fi
		say "  c1b          $r $t s ($fails failed)"
	done
fi

if want 2; then
	say "case 2: create + start + delete, three commands"
	for r in "${rts[@]}"; do
		id="$P-$r-c2-\$\$"
		hf c2 "$r" "$runs" "$warmup" \
			"$(rq "$r") create -b $(q "$W/b-true") $id && $(rq "$r") start $id && $(rq "$r") delete --force $id" sh
	done
fi

if want 3; then
	say "case 3: exec /bin/true into a running container"
	for r in "${rts[@]}"; do
		if [ "$r" = ocirun ] && ! "${bin[ocirun]}" exec --help >/dev/null 2>&1; then
			put c3 ocirun "X	n/a (no exec yet)"
			say "  c3           ocirun  n/a (no exec yet)"
			continue
		fi
		id=$P-$r-c3
		if R "$r" run -d -b "$W/b-sleep" "$id" </dev/null >/dev/null 2>>"$LOG"; then
			hf c3 "$r" "$runs" "$warmup" "$(rq "$r") exec $id /bin/true"
			R "$r" delete --force "$id" >/dev/null 2>>"$LOG" || true
		else
			put c3 "$r" "X	fail (run -d)"
		fi
	done
fi

if want 4; then
	say "case 4: run /bin/true with a $seccomp_names-syscall seccomp profile ($seccomp_rules rules)"
	for r in "${rts[@]}"; do
		hf c4 "$r" "$runs" "$warmup" "$(rq "$r") run -b $(q "$W/b-seccomp") $P-$r-c4"
	done
fi

say "case 5: the kernel floor"
hf c5 floor "$runs" "$warmup" "unshare -m -p -f -n -i -u -C chroot $(q "$ROOTFS") /bin/true"

if want 6; then
	say "case 6: peak RSS during run, binary size, shared libraries"
	for r in "${rts[@]}"; do
		rss=()
		for i in 1 2 3 4 5; do
			if /usr/bin/time -f %M -o "$W/rss" "${bin[$r]}" --root "$(root "$r")" run -b "$W/b-true" \
				"$P-$r-c6-$i" </dev/null >/dev/null 2>>"$LOG"; then
				rss+=("$(tail -n1 "$W/rss")")
			fi
		done
		if [ ${#rss[@]} -gt 0 ]; then
			kb=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
			put c6rss "$r" "S:MB	$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')"
		else
			put c6rss "$r" "X	fail"
		fi
		real=$(realpath "${bin[$r]}")
		put c6size "$r" "S:KB	$(($(stat -c %s "$real") / 1024))"
		put c6libs "$r" "S:	$(ldd "$real" 2>/dev/null | grep -vc -e linux-vdso -e 'not a dynamic' || true)"
		say "  c6           $r rss $(get c6rss "$r" | cut -f2) MB, $(get c6size "$r" | cut -f2) KB, $(get c6libs "$r" | cut -f2) libs"
	done
fi

if want 7; then
	say "case 7: smallest memory limit under which run of /bin/echo ok works"
	for r in "${rts[@]}"; do
		smallest="" detail=""
		for lim in "${mem_limits[@]}"; do
			id=$P-$r-c7-$lim
			o=$(timeout 60 "${bin[$r]}" --root "$(root "$r")" run -b "$W/b-mem-$lim" "$id" </dev/null 2>>"$LOG") && rc=0 || rc=$?
			if [ "$rc" -eq 0 ] && [ "$o" = ok ]; then
				smallest=$lim
				detail+=" $lim:ok"
			else
				detail+=" $lim:fail($rc)"
				echo "--- c7 $r $lim: rc $rc, output '$o'" >>"$LOG"
				R "$r" delete --force "$id" >/dev/null 2>&1 || true
			fi
		done
		put c7 "$r" "X	${smallest:-none}"
		put c7detail "$r" "X	${detail# }"
		say "  c7           $r ${smallest:-none} ($detail )"
	done
fi

if want 8; then
	say "case 8: scale: case 1 with ${scale_levels[*]} sleep containers alive; list and state"
	for r in "${rts[@]}"; do
		alive=0 made_fail=0
		for n in "${scale_levels[@]}"; do
			t0=$(now)
			while [ "$alive" -lt "$n" ]; do
				R "$r" run -d -b "$W/b-sleep" "$P-$r-s$alive" </dev/null >/dev/null 2>>"$LOG" || made_fail=$((made_fail + 1))
				alive=$((alive + 1))
			done
			if [ "$n" -gt 0 ] && [ "$made_fail" -eq 0 ]; then
				put "c8make$n" "$r" "S:s	$(secs "$t0" "$(now)")"
			elif [ "$n" -gt 0 ]; then
				put "c8make$n" "$r" "X	$made_fail of $n failed"
			fi
			hf "c8run$n" "$r" "$scale_runs" 2 "$(rq "$r") run -b $(q "$W/b-true") $P-$r-c8-$n"
			hf "c8list$n" "$r" "$scale_runs" 2 "$(rq "$r") list"
			if [ "$n" -gt 0 ]; then
				hf "c8state$n" "$r" "$scale_runs" 2 "$(rq "$r") state $P-$r-s0"
			fi
		done
		for ((i = 0; i < alive; i++)); do
			R "$r" delete --force "$P-$r-s$i" >/dev/null 2>>"$LOG" || true
		done
		a=$(get "c8run${scale_levels[-1]}" "$r") b=$(get c8run0 "$r")
		if [ "${a:0:1}" = T ] && [ "${b:0:1}" = T ]; then
			put c8flat "$r" "S:x	$(awk -v a="$(cut -f2 <<<"$a")" -v b="$(cut -f2 <<<"$b")" 'BEGIN { printf "%.2f", a / b }')"
		fi
	done
fi

if want 9; then
	say "case 9: $cycles create+start+delete cycles, $parallel at a time"
	# One cycle; a failed one writes its ID to the fails file.
	# shellcheck disable=SC2016 # sh's positional parameters
	cycle='"$0" --root "$1" create -b "$2" "$3" </dev/null >/dev/null &&
		"$0" --root "$1" start "$3" &&
		"$0" --root "$1" delete --force "$3" || echo "$3" >>"$4"'
	for r in "${rts[@]}"; do
		: >"$W/fails"
		t0=$(now)
		seq "$cycles" | xargs -P "$parallel" -I{} sh -c "$cycle" "${bin[$r]}" "$(root "$r")" "$W/b-true" \
			"$P-$r-t{}" "$W/fails" 2>>"$LOG" || true
		t=$(secs "$t0" "$(now)")
		sleep 0.5 # let the last exits settle before counting what is left
		nfail=$(wc -l <"$W/fails")
		nstate=$(find "$(root "$r")" -mindepth 1 -maxdepth 1 -name "$P-$r-t*" | wc -l)
		ncg=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "$P-$r-t*" 2>/dev/null | wc -l)
		# Processes still in (or last in) a cgroup of the cycles. A container's /bin/true that has
		# exited is a zombie of pid 1 (the runtimes exit before it does) until pid 1 reaps it: those
		# are counted apart, they hold nothing but a pid.
		nprocs=0 nzombies=0
		for f in $(grep -l "$P-$r-t" /proc/[0-9]*/cgroup 2>/dev/null || true); do
			st=$(sed 's/.*) \(.\).*/\1/' "${f%/cgroup}/stat" 2>/dev/null) || continue
			if [ "$st" = Z ]; then nzombies=$((nzombies + 1)); else nprocs=$((nprocs + 1)); fi
		done
		put c9 "$r" "S:s	$t"
		put c9acct "$r" "X	$nfail failed; left: $nstate state dirs, $ncg cgroup dirs, $nprocs processes ($nzombies exited, not yet reaped by pid 1)"
		say "  c9           $r $t s; $nfail failed; left: $nstate state, $ncg cgroup, $nprocs proc, $nzombies zombies"
	done
fi

say "case 10: ocirun check (the host probes) and check --bundle"
# Only ocirun has the command; the host probes are read-only, so runs may follow each other.
hf c10 ocirun "$runs" "$warmup" "$(q "${bin[ocirun]}") check"
hf c10b ocirun "$runs" "$warmup" "$(q "${bin[ocirun]}") check --bundle $(q "$W/b-true")"
for r in crun runc; do
	put c10 "$r" "X	n/a"
	put c10b "$r" "X	n/a"
done

# ==================================================================================================
# The table
# ==================================================================================================
# cell KEY RUNTIME: "12.3 (11.9-13.0)" for a timing, the number for a figure, the text otherwise.
cell() {
	local v
	v=$(get "$1" "$2")
	case "$v" in
	"") echo "-" ;;
	T*) printf '%s (%s–%s)' "$(fmt_ms "$(cut -f2 <<<"$v")")" "$(fmt_ms "$(cut -f3 <<<"$v")")" \
		"$(fmt_ms "$(cut -f4 <<<"$v")")" ;;
	S*) cut -f2 <<<"$v" ;;
	X*) cut -f2- <<<"$v" ;;
	esac
}
# num KEY RUNTIME: the median or the figure, or nothing.
num() {
	local v
	v=$(get "$1" "$2")
	case "$v" in T* | S*) cut -f2 <<<"$v" ;; esac
}
# ratio A B: A/B as "0.52x", or "-".
ratio() {
	if [ -n "$1" ] && [ -n "$2" ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
	else
		echo "-"
	fi
}
floor=$(num c5 floor)
have() { printf '%s\n' "${rts[@]}" | grep -qx "$1"; }

# row KEY LABEL FLOOR?: one line of the table.
row() {
	local key=$1 label=$2 withfloor=$3 line r o
	line="| $label |"
	for r in ocirun crun runc; do
		if have "$r"; then line+=" $(cell "$key" "$r") |"; else line+=" not installed |"; fi
	done
	o=$(num "$key" ocirun)
	line+=" $(ratio "$o" "$(num "$key" crun)") | $(ratio "$o" "$(num "$key" runc)") |"
	if [ "$withfloor" = 1 ]; then line+=" $(ratio "$o" "$floor") |"; else line+=" |"; fi
	echo "$line"
}
# delta KEY: case 4 minus case 1, in ms, per runtime, stored as c4d.
for r in "${rts[@]}"; do
	a=$(num c4 "$r") b=$(num c1 "$r")
	if [ -n "$a" ] && [ -n "$b" ]; then put c4d "$r" "S:ms	$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a - b }')"; fi
done

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
ocirun_ver=$("${bin[ocirun]}" --version 2>/dev/null | head -n1 || true)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
# The binary is built from the working tree, which may hold more than the commit.
if [ -z "${OCIRUN_GIVEN:-}" ] && [ -n "$(git -C "$repo" status --porcelain -- src libocispec meson.build 2>/dev/null)" ]; then
	commit+=" plus uncommitted changes"
fi
versions="ocirun: ${ocirun_ver:-?} (commit $commit, $OCIRUN)"
for r in crun runc; do
	have "$r" && versions+="; $("${bin[$r]}" --version 2>/dev/null | head -n1)"
done
versions+="; $(hyperfine --version)"

md=$RESULTS/results.md
{
	echo "## Results of $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "- command: \`${OCIRUN_GIVEN:+OCIRUN=$OCIRUN }$OCB_CMD\` (as root)"
	echo "- machine: Linux $(uname -r), $cpu, $(nproc) CPUs, $mem; $cgroup_mode"
	echo "- load average at start: $OCB_LOAD_START; at the end: $load_end"
	if awk -v l="${OCB_LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > 0.5 * n) }'; then
		echo "- **the machine was busy when this ran: the figures are noisy**"
	fi
	echo "- versions: $versions"
	echo "- $runs runs a case after $warmup warm-up runs ($scale_runs in case 8); times in ms as" \
		"median (first quartile–third quartile); ratios are of medians"
	echo
	echo "| case | ocirun | crun | runc | ocirun/crun | ocirun/runc | ocirun/floor |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	row c1 "1. \`run\` /bin/true" 1
	row c1idle "1. \`run\` /bin/true, 200 ms after the previous one" 1
	row c1b "1. $headline_n × \`run\` in a row, total s" 0
	row c2 "2. \`create\` + \`start\` + \`delete --force\`" 1
	row c3 "3. \`exec\` /bin/true" 0
	row c4 "4. \`run\` with the seccomp profile" 1
	row c4d "4. case 4 − case 1, ms" 0
	for n in "${scale_levels[@]}"; do
		row "c8run$n" "8. \`run\` with $n alive" 1
	done
	row c8flat "8. \`run\` with ${scale_levels[-1]} alive ÷ with 0 alive" 0
	for n in "${scale_levels[@]}"; do
		row "c8list$n" "8. \`list\` with $n alive" 0
	done
	for n in "${scale_levels[@]}"; do
		if [ "$n" -gt 0 ]; then row "c8state$n" "8. \`state\` with $n alive" 0; fi
	done
	for n in "${scale_levels[@]}"; do
		if [ "$n" -gt 0 ]; then row "c8make$n" "8. making $n \`run -d\` sleep containers, total s" 0; fi
	done
	row c9 "9. $cycles × create+start+delete, $parallel at a time, total s" 0
	row c9acct "9. accounted for afterwards" 0
	row c10 "10. \`ocirun check\` (host probes, \`criu check\` included)" 0
	row c10b "10. \`ocirun check --bundle\`" 0
	row c6rss "6. peak RSS during \`run\`, MB" 0
	row c6size "6. binary size, KB" 0
	row c6libs "6. ldd entries: shared libraries and the loader" 0
	row c7 "7. smallest memory limit for \`run\` of echo ok" 0
	row c7detail "7. limits tried (exit status)" 0
	echo
	echo "Case 5, the kernel floor \`unshare -m -p -f -n -i -u -C chroot ROOTFS /bin/true\`:" \
		"$(cell c5 floor) ms."
	echo
	echo "What is measured:"
	echo
	echo "- Every runtime ran inside the same private mount namespace, with its own \`--root\`" \
		"($state_fs), on a bundle with \`ocirun spec\`'s defaults (pid, network, ipc, uts, mount and" \
		"cgroup namespaces, the default mounts, masked and read-only paths, a read-only root, a" \
		"devices cgroup, cgroupsPath left empty so that each runtime picks its default)."
	echo "- Times are wall-clock times from hyperfine, each command executed directly (\`-N\`); \`run\`" \
		"removes its container, so each case and runtime uses one ID. Case 2 is three runtime" \
		"commands joined by \`&&\` in \`sh -c\` (hyperfine subtracts the shell's start-up; \`\$\$\`" \
		"makes each ID unique) with \`delete --force\`, since /bin/true may not have exited yet" \
		"when \`start\` returns. Case 1's 100 in a row is a loop in bash (a fork per run included)."
	echo "- Case 1 \"200 ms after\": hyperfine --prepare 'sleep 0.2' ($idle_runs runs), the latency of" \
		"a container started alone rather than in a burst. On cgroup v1 the first migration into a" \
		"cgroup after a pause waits for an RCU grace period (several ms, in every runtime)," \
		"which back-to-back runs mostly share."
	echo "- Case 4's profile: defaultAction SCMP_ACT_ERRNO, one allow rule of" \
		"$(jq '.syscalls[0].names | length' "$W/seccomp.json") syscalls and argument rules for" \
		"personality, clone, socket and clone3 ($seccomp_names distinct syscalls," \
		"$seccomp_rules rules; tests/bench/seccomp-profile.sh)."
	echo "- Case 6: GNU time's maximum resident set size of \`RUNTIME run\` (median of 5): the" \
		"largest RSS of any one process among the runtime and the descendants it waited for, not" \
		"a sum. All three stay the parent of the container during \`run\`, so the figure" \
		"covers the runtime's own peak and its pre-exec container init (runc: a re-executed" \
		"\`runc init\`; crun and ocirun: a fork of the runtime)."
	echo "- Case 7: \`linux.resources.memory.limit\` set to each value in turn; a run works when it" \
		"exits 0 and prints ok."
	echo "- Case 8: the sleep containers are made with \`run -d\` before each level, the \`state\`" \
		"asked is of the first of them; all are removed afterwards."
	echo "- Case 9: \`xargs -P $parallel\` over $cycles cycles of create, start and" \
		"\`delete --force\`; afterwards the state directories, cgroup directories (every" \
		"hierarchy) and processes (by cgroup) named by the cycles' IDs are counted."
} >"$md"

cat "$md"

if [ "$out" != - ]; then
	mkdir -p "$(dirname "$out")"
	begin="<!-- bench:begin: written by tests/bench/bench.sh, replaced on each run -->"
	end="<!-- bench:end -->"
	if [ -f "$out" ] && grep -q '^<!-- bench:begin' "$out"; then
		awk -v f="$md" -v b="$begin" '
			/^<!-- bench:begin/ { print b; while ((getline l < f) > 0) print l; skip = 1; next }
			/^<!-- bench:end/ { skip = 0 }
			!skip' "$out" >"$out.new"
		mv "$out.new" "$out"
	else
		[ -f "$out" ] || printf '# Performance\n\n' >"$out"
		{
			echo "$begin"
			cat "$md"
			echo "$end"
		} >>"$out"
	fi
	say "bench.sh: results written to $out (log and raw figures in $RESULTS)"
fi
