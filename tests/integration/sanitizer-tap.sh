#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# sanitizer-tap.sh LOGDIR OCIRUN CMD...: runs CMD, a TAP producer (a bats suite), in the
# sanitizer lane (-Db_sanitize=address,undefined; docs/security.md).
#
# The sanitized OCIRUN writes every ASan, UBSan and LSan report as a file LOGDIR/ocirun.PID
# (src/sanitizer_report.c), whatever namespace the reporting process is in and whatever its
# exit status. A test during which such a file appeared is turned from "ok" into "not ok", with
# the report as TAP comments, so a test that expects the runtime to fail cannot pass over a
# sanitizer abort; the file then moves to LOGDIR/seen. A report after the last test fails the
# run. Frames of the runtime re-executed from its sealed memfd ("/memfd:ocirun (deleted)+0x...",
# which the sanitizer cannot read back) are symbolized with OCIRUN, of which the memfd is a copy.
set -uo pipefail

logdir=$1 ocirun=$2
shift 2
suite=$(basename "${!#}" .bats)
# Any uid may report (rootless runs): the directory is open to all.
mkdir -p "$logdir/seen" && chmod 1777 "$logdir" || exit 2

# symbolize: adds function and file:line to the frames in the memfd.
symbolize() {
	local line off
	while IFS= read -r line; do
		if [[ $line =~ \(/memfd:ocirun\ \(deleted\)\+(0x[0-9a-f]+)\) ]]; then
			off=${BASH_REMATCH[1]}
			line="$line $(addr2line -f -i -p -e "$ocirun" "$off" 2>/dev/null | head -1)"
		fi
		printf '%s\n' "$line"
	done
}

# take_reports NAME: prints the new reports as TAP comments (the first in full, up to 200
# lines, the summary line of the next nine) and moves them to seen/NAME-*; fails when there was
# none.
take_reports() {
	local f found=0
	for f in "$logdir"/ocirun.*; do
		[ -f "$f" ] || continue
		found=$((found + 1))
		if [ "$found" -eq 1 ]; then
			echo "# sanitizer report $f:"
			head -n 200 "$f" | symbolize | sed 's/^/#   /'
		elif [ "$found" -le 10 ]; then
			echo "# sanitizer report $f: $(grep -m1 '^SUMMARY' "$f")"
		fi
		mv "$f" "$logdir/seen/$1-$(basename "$f")"
	done
	[ "$found" -le 10 ] || echo "# $((found - 10)) more sanitizer reports in $logdir/seen/$1-*"
	[ "$found" -gt 0 ]
}

tap() {
	local line n reported=0
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ ([0-9]+) ]]; then
			n=${BASH_REMATCH[2]}
			if compgen -G "$logdir/ocirun.*" >/dev/null; then
				[[ $line == ok* ]] && line="not $line"
				printf '%s\n' "$line"
				take_reports "$suite-$n"
				reported=1
				continue
			fi
		fi
		printf '%s\n' "$line"
	done
	if take_reports "$suite-end"; then
		echo "# the sanitizer reports above came after the last test"
		reported=1
	fi
	[ "$reported" -eq 0 ]
}

# A report already there came from a process that outlived an earlier suite: it fails this run.
before=0
if take_reports "$suite-before"; then
	echo "# the sanitizer reports above were written before this suite started"
	before=1
fi
"$@" | tap
status=("${PIPESTATUS[@]}")
[ "$before" -eq 0 ] && [ "${status[0]}" -eq 0 ] && [ "${status[1]}" -eq 0 ]
