#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh SECONDS [TARGET...]
#
# Builds the libFuzzer targets (clang, -Dfuzz=true: AddressSanitizer, UndefinedBehaviorSanitizer,
# LeakSanitizer) and runs each for SECONDS, from a seed corpus made at run time out of the
# runtime-spec schema fixtures (../shared/runtime-spec/schema/test), `ocirun spec` and the
# integration tests' bundle config (contrib/make-bundle.sh); nothing of it is committed. Prints one line a target (executions, corpus size, crashes) and exits 1 when
# any target found a crash, a leak or a hang; the inputs that did are kept in WORK/artifacts.
#
# Environment: FUZZ_BUILDDIR (default <src>/build-fuzz; any build configured with -Dfuzz=true,
# such as CI's build-asan, whose `meson test --suite fuzz` runs this script once a target when
# -Dfuzz_seconds is set), FUZZ_WORK (default FUZZ_BUILDDIR/work), SHARED_DIR (default
# <src>/../shared).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${FUZZ_BUILDDIR:-$SRC/build-fuzz}
WORK=${FUZZ_WORK:-$BUILD/work}
SHARED=${SHARED_DIR:-$SRC/../shared}
FIXTURES=$SHARED/runtime-spec/schema/test
ALL=(fuzz_config fuzz_process fuzz_container_record fuzz_resources fuzz_signal fuzz_id)

[ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]] || {
	echo "usage: $0 SECONDS [TARGET...]   (targets: ${ALL[*]})" >&2
	exit 2
}
seconds=$1
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")
command -v clang >/dev/null || {
	echo "$0: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
}

# ---- build -------------------------------------------------------------------------------------
if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" "$SRC" -Dfuzz=true -Dintegration_tests=false >/dev/null
fi
ninja -C "$BUILD" src/ocirun "${targets[@]/#/tests/fuzz/}" >/dev/null

# ---- seed corpus -------------------------------------------------------------------------------
# seed TARGET NAME < DATA: one seed file.
seed() {
	mkdir -p "$WORK/corpus/$1"
	cat >"$WORK/corpus/$1/seed-$2"
}

make_seeds() {
	local f name spec
	[ -d "$FIXTURES" ] || echo "$0: no runtime-spec fixtures at $FIXTURES (set SHARED_DIR); seeding from ocirun's own configs only" >&2
	spec=$(mktemp -d)
	"$BUILD/src/ocirun" spec --bundle "$spec" >/dev/null 2>&1 || true
	mkdir "$spec/bundle"
	"$SRC/contrib/make-bundle.sh" "$spec/bundle" >/dev/null 2>&1 || true
	for f in "$FIXTURES"/config/*/*.json "$spec/config.json" "$spec/bundle/config.json"; do
		[ -f "$f" ] || continue
		name=$(basename "$(dirname "$f")")-$(basename "$f")
		[ "$f" != "$spec/bundle/config.json" ] || name=make-bundle.json
		seed fuzz_config "$name" <"$f"
		jq -e '.process' "$f" >/dev/null 2>&1 && jq '.process' "$f" | seed fuzz_process "$name"
		jq -e '.linux.resources' "$f" >/dev/null 2>&1 && jq '.linux.resources' "$f" | seed fuzz_resources "$name"
	done
	rm -rf "$spec"
	for f in "$FIXTURES"/state/*/*.json; do
		[ -f "$f" ] || continue
		name=$(basename "$(dirname "$f")")-$(basename "$f")
		seed fuzz_container_record "$name" <"$f"
		# ocirun's own record: the public state plus its fields
		jq -c '. + {"initStartTime": 473228, "rootfs": "/b/rootfs", "created": "2026-11-23T15:02:53.713073133Z",
			"owner": "root", "systemdCgroup": false,
			"cgroup": {"mode": "hybrid", "memory": "/sys/fs/cgroup/memory/x", "pids": "/sys/fs/cgroup/pids/x"}}' \
			"$f" 2>/dev/null | seed fuzz_container_record "ocirun-$name" || true
	done
	for f in KILL SIGKILL 9 term SIGRTMIN RTMIN+3 SIGRTMAX-2 64 0 -1 SIGUSR1 SIGIOT; do
		printf '%s' "$f" | seed fuzz_signal "$f"
	done
	for f in abc a-b_c+d.e .. . a/b "$(printf 'x%.0s' {1..255})" "$(printf 'x%.0s' {1..256})"; do
		printf '%s' "$f" | seed fuzz_id "$(printf '%s' "$f" | sha1sum | cut -c1-12)"
	done
}

rm -rf "$WORK/corpus"
mkdir -p "$WORK/artifacts" "$WORK/logs"
make_seeds

# ---- run ---------------------------------------------------------------------------------------
failed=0
printf '%-24s %12s %10s %8s %8s\n' target executions exec/s corpus crashes
for t in "${targets[@]}"; do
	args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
		-artifact_prefix="$WORK/artifacts/$t-")
	case $t in
	fuzz_signal | fuzz_id) args+=(-max_len=512) ;;
	*) args+=(-max_len=65536 -dict="$SRC/tests/fuzz/json.dict") ;;
	esac
	mkdir -p "$WORK/corpus/$t"
	before=$(find "$WORK/artifacts" -name "$t-*" | wc -l)
	rc=0
	"$BUILD/tests/fuzz/$t" "${args[@]}" "$WORK/corpus/$t" >"$WORK/logs/$t.log" 2>&1 || rc=$?
	after=$(find "$WORK/artifacts" -name "$t-*" | wc -l)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/logs/$t.log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$WORK/logs/$t.log" | tail -1)
	printf '%-24s %12s %10s %8s %8s\n' "$t" "${runs:-?}" "${rate:-?}" \
		"$(find "$WORK/corpus/$t" -type f | wc -l)" "$((after - before))"
	if [ "$rc" -ne 0 ] || [ "$after" -ne "$before" ]; then
		failed=1
		echo "  $t: exit $rc; see $WORK/logs/$t.log and $WORK/artifacts/$t-*" >&2
	fi
done
exit "$failed"
