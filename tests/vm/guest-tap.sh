# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The TAP helpers every guest script of the qemu lanes sources: a test point a line, counted in
# $n, the failures in $failed (the guest's verdict).
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
# skip WHAT REASON
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
# check DESCRIPTION CMD...: one TAP line for CMD's status.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# is FILE WANT: FILE's first line is WANT (shown when not).
is() {
	local got
	got=$(head -n1 "$1" 2>&1)
	[ "$got" = "$2" ] && return 0
	echo "#   $1: '$got', want '$2'"
	return 1
}
