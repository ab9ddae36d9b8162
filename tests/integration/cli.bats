#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The command line: probes the clients make, global options, logs, spec, features, container IDs.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

COMMANDS=(create start state kill delete run list spec features)

@test "--version exits 0 and names a version" {
	ocirun --version
	assert_status 0
	[[ "$output" == *version* ]]
}

@test "--help exits 0 for the runtime and for every command" {
	ocirun --help
	assert_status 0
	[ -n "$output" ]
	for cmd in "${COMMANDS[@]}"; do
		ocirun "$cmd" --help
		assert_status 0
		[ -n "$output" ] || fail "$cmd --help printed nothing"
	done
}

@test "features: pure JSON on stdout with ociVersionMin and ociVersionMax" {
	ocirun features
	assert_status 0
	[ -z "$stderr" ]
	jq -e '(.ociVersionMin | type == "string") and (.ociVersionMax | type == "string")' "$CTR_STDOUT"
}

@test "spec: writes a config.json that parses, in the current dir or in --bundle" {
	mkdir "$BATS_TEST_TMPDIR/spec1" "$BATS_TEST_TMPDIR/spec2"
	cd "$BATS_TEST_TMPDIR/spec1"
	ocirun spec
	assert_status 0
	jq -e '(.ociVersion | type == "string") and (.process.args | length > 0) and
		.root.path == "rootfs" and (.linux.namespaces | map(.type) | index("mount") != null)' config.json

	ocirun spec --bundle "$BATS_TEST_TMPDIR/spec2"
	assert_status 0
	jq -e '.root.path == "rootfs"' "$BATS_TEST_TMPDIR/spec2/config.json"
}

@test "spec --rootless: a user namespace with uid and gid mappings" {
	mkdir "$BATS_TEST_TMPDIR/spec"
	cd "$BATS_TEST_TMPDIR/spec"
	ocirun spec --rootless
	assert_status 0
	jq -e '(.linux.namespaces | map(.type) | index("user") != null) and
		(.linux.uidMappings | length > 0) and (.linux.gidMappings | length > 0)' config.json
}

@test "global options: --root DIR and --root=DIR, --log-format=json and --log=FILE" {
	set_args sleep 1000
	other=$BATS_TEST_TMPDIR/other-root
	ocirun_noroot --root="$other" --log="$BATS_TEST_TMPDIR/log" --log-format=json create --bundle "$BUNDLE" "$ID"
	assert_status 0
	ocirun_noroot --root "$other" state "$ID"
	assert_status 0
	[ "$(jq -r .status <<<"$output")" = created ]
	# not in the default test root
	ocirun state "$ID"
	assert_status nonzero
	ocirun_noroot --root "$other" delete --force "$ID"
	assert_status 0
}

@test "--log FILE --log-format json: every line of a failing command's log is a JSON record" {
	for form in separate joined; do
		log=$BATS_TEST_TMPDIR/log.$form
		if [ $form = separate ]; then
			ocirun --log "$log" --log-format json state "$ID"
		else
			ocirun --log="$log" --log-format=json state "$ID"
		fi
		assert_status nonzero
		[ -s "$log" ] || fail "nothing in $log"
		while read -r line; do
			jq -e '(.level | type == "string") and (.msg | type == "string") and
				(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$"))' <<<"$line" >/dev/null ||
				fail "not a log record: $line"
		done <"$log"
		jq -se 'map(select(.level == "error")) | last | .msg | contains("container does not exist")' "$log"
		# the error is also on stderr, where CRI-O and kill's callers read it
		[[ "$stderr" == *"container does not exist"* ]]
	done
}

@test "an unknown command or option is refused with a message naming it" {
	ocirun nosuchcommand
	assert_status nonzero
	assert_output_contains nosuchcommand

	ocirun --nosuchoption list
	assert_status nonzero
	assert_output_contains nosuchoption

	ocirun create --nosuchoption --bundle "$BUNDLE" "$ID"
	assert_status nonzero
	assert_output_contains nosuchoption
	[ ! -e "$ROOT/$ID" ]
}

@test "create: a missing container ID is refused" {
	ocirun create --bundle "$BUNDLE"
	assert_status nonzero
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "invalid container IDs are refused before anything is made on the filesystem" {
	# the root sits in a dir of its own, next to a file that a '..' must never reach
	ROOT=$BATS_TEST_TMPDIR/parent/state
	mkdir -p "$BATS_TEST_TMPDIR/parent"
	echo keep >"$BATS_TEST_TMPDIR/parent/sentinel"
	long=$(printf 'x%.0s' {1..1024})
	listing() { find "$BATS_TEST_TMPDIR/parent" -mindepth 1 ! -path "$ROOT" | sort; }
	before=$(listing)

	for id in ../x a/b . .. '' "$long" ../state ../sentinel; do
		for cmd in "create --bundle $BUNDLE" "run --bundle $BUNDLE" "delete --force" state start kill; do
			# shellcheck disable=SC2086 # $cmd is words on purpose
			ocirun $cmd "$id"
			assert_status nonzero
			[ "$(listing)" = "$before" ] || fail "'$cmd' with ID '${id:0:20}' changed the filesystem"
			[ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "'$cmd' with ID '${id:0:20}' made an entry in the root"
		done
	done
	[ "$(cat "$BATS_TEST_TMPDIR/parent/sentinel")" = keep ]
}
