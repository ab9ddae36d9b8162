#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ocirun check: the host probes, and `check --bundle` held against `create` itself. The
# agreement test builds one bundle per kind of problem (and good ones), asks check for its
# verdict, then runs create (and delete) on the same bundle: the two must agree, and check
# must name the JSON path the problem is at.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
}

teardown() {
	teardown_bundle
}

# has_cap_sys_resource: the runtime (started from here) may raise hard rlimits.
has_cap_sys_resource() {
	local eff
	eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
	(((0x$eff >> 24) & 1))
}

cgroup_mode() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo v2
	elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		echo hybrid
	else
		echo v1
	fi
}

@test "check: the host probes, as a table and as JSON" {
	ocirun_noroot check
	assert_status 0
	[[ ${lines[0]} == AREA*PROBE*VERDICT*REASON ]] || fail "no table header: ${lines[0]}"
	assert_output_contains "cgroup      mode"
	assert_output_contains "namespaces  kinds"
	assert_output_contains "process     bounding set"
	[[ ${lines[-1]} =~ ^[0-9]+\ ok,\ [0-9]+\ limited,\ [0-9]+\ missing$ ]] || fail "no summary: ${lines[-1]}"

	ocirun_noroot check --format json
	assert_status 0
	echo "$output" >"$BATS_TEST_TMPDIR/host.json"
	local j=$BATS_TEST_TMPDIR/host.json mode
	# Every probe has a verdict of the three words and a reason; the counts add up.
	[ "$(jq '[.probes[] | select(.verdict | IN("ok","limited","missing") | not)] | length' "$j")" -eq 0 ]
	[ "$(jq '[.probes[] | select(.reason == "")] | length' "$j")" -eq 0 ]
	[ "$(jq '.ok + .limited + .missing == (.probes | length)' "$j")" = true ]
	# The verdicts say what the host has, as seen from outside.
	mode=$(cgroup_mode)
	jq -r '.probes[] | select(.name == "mode") | .reason' "$j" | grep -q "^$mode" ||
		fail "cgroup mode is $mode, check says: $(jq -c '.probes[] | select(.name == "mode")' "$j")"
	if [ "$mode" = v2 ]; then
		[ "$(jq -r '.probes[] | select(.name == "mode") | .verdict' "$j")" = ok ]
	else
		[ "$(jq -r '.probes[] | select(.name == "mode") | .verdict' "$j")" = limited ]
	fi
	if [ -e /proc/self/ns/time ]; then
		jq -r '.probes[] | select(.name == "kinds") | .reason' "$j" | grep -qw time
	fi
	if has_cap_sys_resource; then
		[ "$(jq -r '.probes[] | select(.name == "rlimits") | .verdict' "$j")" = ok ]
	else
		[ "$(jq -r '.probes[] | select(.name == "rlimits") | .verdict' "$j")" = limited ]
		jq -r '.probes[] | select(.name == "bounding set") | .reason' "$j" | grep -q CAP_SYS_RESOURCE
	fi
	jq -r '.probes[] | select(.name == "rlimits") | .reason' "$j" | grep -q "nofile $(ulimit -Sn)/$(ulimit -Hn)"
}

@test "check: bad flags are refused" {
	ocirun_noroot check --format yaml
	assert_status 1
	assert_output_contains 'invalid format "yaml"'
	ocirun_noroot check --bundle "$BATS_TEST_TMPDIR/nonexistent"
	assert_status 1
	assert_output_contains 'error: bundle'
	assert_output_contains 'create would fail'
}

# One bundle a line: NAME|EXPECTED|PATH|JQ-FILTER. EXPECTED is ok, fail, or host (this host
# decides: only agreement is checked); PATH is the JSON path check must name in a finding
# ("-": none expected).
bundle_table() {
	local hard more
	hard=$(ulimit -Hn)
	more=$((hard + 1))
	local sysres=fail userns=ok upath=linux.uidMappings seccomp=ok
	has_cap_sys_resource && sysres=ok
	[ -e /proc/self/ns/user ] || { userns=fail; upath='linux.namespaces[5]'; }
	[ "$(rt_noroot features | jq .linux.seccomp.enabled)" = true ] || seccomp=fail
	# v1 refuses CPUs and nodes the parent cpuset lacks; v2 takes them as a wish.
	local cpuset=fail cpath=linux.resources.cpu
	[ "$(cgroup_mode)" != v2 ] || { cpuset=host; cpath=-; }
	# A profile or label is refused where the host lacks the module; with AppArmor, the one
	# profile every host has ("unconfined") is applied; SELinux policies differ (host).
	local aa=fail aapath=process.apparmorProfile aaprofile=ocirun-check-test
	local se=fail sepath=process.selinuxLabel
	[ "$(head -c1 /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
		{ aa=ok; aapath=-; aaprofile=unconfined; }
	[ "$(stat -f -c %t /sys/fs/selinux 2>/dev/null)" != f97cff8c ] || { se=host; sepath=-; }
	cat <<TABLE
good-default|ok|-|.
good-resources|ok|-|.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 64} | .linux.resources.cpu = {"shares": 512}
good-seccomp|$seccomp|-|.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
good-ambient|ok|-|.process.capabilities.inheritable = .process.capabilities.ambient
good-userns-caps|$userns|-|.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}] | .process.capabilities.permitted += ["CAP_SYS_RESOURCE"] | .process.capabilities.bounding += ["CAP_SYS_RESOURCE"]
bad-userns-unreachable|fail|$upath|.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
warn-ambient|ok|process.capabilities.ambient|.process.capabilities.ambient = ["CAP_KILL"]
warn-bounding|ok|process.capabilities.bounding[3]|.process.capabilities.bounding += ["CAP_SYS_RESOURCE"]
warn-cwd-missing|ok|process.cwd|.root.readonly = false | .process.cwd = "/check-made-this/sub"
bad-cwd-readonly|fail|process.cwd|.root.readonly = true | .process.cwd = "/check-cannot-make-this"
warn-args-from-mount|ok|process.args[0]|.mounts += [{"destination": "/opt/tools", "type": "bind", "source": "/bin", "options": ["rbind", "ro"]}] | .process.args = ["/opt/tools/true"]
lsm-apparmor|$aa|$aapath|.process.apparmorProfile = "$aaprofile"
lsm-selinux|$se|$sepath|.process.selinuxLabel = "system_u:system_r:container_t:s0"
bad-json-type|fail|process.args|.process.args = "sh"
bad-no-process|fail|process|del(.process)
bad-rlimit-name|fail|process.rlimits[0].type|.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]
bad-rlimit-hard|$sysres|process.rlimits[0]|.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": $more}]
bad-rlimit-nr-open|fail|process.rlimits[0]|.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": $(($(cat /proc/sys/fs/nr_open) + 1))}]
bad-cap-name|fail|process.capabilities.bounding[3]|.process.capabilities.bounding += ["CAP_NONESUCH"]
bad-cap-permitted|$sysres|process.capabilities|.process.capabilities.permitted += ["CAP_SYS_RESOURCE"]
bad-cap-effective|fail|process.capabilities|.process.capabilities.effective += ["CAP_SYS_ADMIN"]
bad-cwd-file|fail|process.cwd|.process.cwd = "/etc/passwd"
bad-cwd-relative|fail|process.cwd|.process.cwd = "tmp"
bad-args-path|fail|process.args[0]|.process.args = ["nonesuch-program"]
bad-args-absolute|fail|process.args[0]|.process.args = ["/usr/bin/nonesuch"]
bad-args-directory|fail|process.args[0]|.process.args = ["/etc"]
bad-args-not-executable|fail|process.args[0]|.process.args = ["/etc/passwd"]
bad-rootfs|fail|root.path|.root.path = "no-such-rootfs"
bad-ns-type|fail|linux.namespaces[1]|.linux.namespaces[1] = {"type": "network", "path": "/proc/1/ns/ipc"}
bad-ns-duplicate|fail|linux.namespaces[5]|.linux.namespaces += [{"type": "pid"}]
bad-seccomp-flag|fail|linux.seccomp.flags[0]|.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NONESUCH"]}
bad-seccomp-action|fail|linux.seccomp.syscalls[0].action|.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_NONESUCH"}]}
bad-seccomp-notify|fail|linux.seccomp.listenerPath|.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/nonesuch.sock", "syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}
bad-idmap-option|fail|mounts[7].options[1]|.mounts += [{"destination": "/mnt", "type": "bind", "source": "/tmp", "options": ["rbind", "idmap"]}]
bad-idmap-mappings|fail|mounts[7].gidMappings|.mounts += [{"destination": "/mnt", "type": "bind", "source": "/tmp", "options": ["rbind"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]
bad-sysctl|fail|linux.sysctl|.linux.sysctl = {"vm.swappiness": "10"}
bad-personality|fail|linux.personality.domain|.linux.personality = {"domain": "LINUX64"}
bad-cgroups-path|fail|linux.cgroupsPath|.linux.cgroupsPath = "/"
bad-cpuset-cpus|$cpuset|$cpath|.linux.resources.cpu = {"cpus": "0-1000"}
bad-cpuset-mems|$cpuset|$cpath|.linux.resources.cpu = {"mems": "0-63"}
host-unified|host|-|.linux.resources.unified = {"pids.max": "10"}
host-hugetlb|host|-|.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 2097152}]
host-net-cls|host|-|.linux.resources.network = {"classID": 1048577}
host-blkio-weight|host|-|.linux.resources.blockIO = {"weight": 500}
host-kernel-memory|host|-|.linux.resources.memory = {"kernel": 67108864}
host-swappiness|host|-|.linux.resources.memory = {"swappiness": 10}
host-rt-runtime|host|-|.linux.resources.cpu = {"realtimeRuntime": 1000}
host-time-ns|host|-|.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"secs": 10, "nanosecs": 0}}
TABLE
}

@test "check --bundle agrees with create on every kind of bundle" {
	local name expected path filter n=0 findings=0 errors=0 warnings=0 disagree=0 wrong=0
	local b j check_status create_status verdict
	local log=$BATS_TEST_TMPDIR/agreement.log
	: >"$log"
	# The bundles live here: a user namespace's root (an unprivileged host uid) may not enter.
	chmod 0700 "$BATS_TEST_TMPDIR"
	while IFS='|' read -r name expected path filter; do
		n=$((n + 1))
		b=$BATS_TEST_TMPDIR/b-$name
		mkdir -p "$b"
		ln -s "$BUNDLE/rootfs" "$b/rootfs"
		jq "$filter" "$BUNDLE/config.json" >"$b/config.json"
		j=$BATS_TEST_TMPDIR/$name.json

		check_status=0
		rt check --bundle "$b" --format json >"$j" 2>>"$log" || check_status=$?
		verdict=$(jq -r .verdict "$j")
		findings=$((findings + $(jq '.findings | length' "$j")))
		errors=$((errors + $(jq .errors "$j")))
		warnings=$((warnings + $(jq .warnings "$j")))

		create_status=0
		rt create --bundle "$b" "$ID-$n" >>"$log" 2>&1 || create_status=$?
		rt delete --force "$ID-$n" >/dev/null 2>&1 || true

		echo "$name: check $verdict (exit $check_status), create exit $create_status" >>"$log"
		jq -r '.findings[] | "    \(.severity): \(.path): \(.message)"' "$j" >>"$log"
		# check's exit status and its JSON verdict say the same; create agrees with both.
		if [ "$check_status" -eq 0 ] && [ "$verdict" != ok ] ||
			[ "$check_status" -ne 0 ] && [ "$verdict" != fail ] ||
			[ "$check_status" -ne 0 ] && [ "$create_status" -eq 0 ] ||
			[ "$check_status" -eq 0 ] && [ "$create_status" -ne 0 ]; then
			echo "DISAGREEMENT: $name" >>"$log"
			disagree=$((disagree + 1))
		fi
		# The table's expectation (a test that cannot fail is no test) and the JSON path named.
		if [ "$expected" != host ] && [ "$verdict" != "$expected" ]; then
			echo "UNEXPECTED: $name: want $expected" >>"$log"
			wrong=$((wrong + 1))
		fi
		if [ "$path" != - ] && [ "$(jq --arg p "$path" '[.findings[] | select(.path == $p)] | length' "$j")" -eq 0 ]; then
			echo "NO FINDING AT $path: $name" >>"$log"
			wrong=$((wrong + 1))
		fi
	done < <(bundle_table)
	echo "# agreement: $n bundles, $findings findings ($errors errors, $warnings warnings), $disagree disagreements" >&3
	cat "$log"
	# Nothing is left behind: no state, no cgroup named for these containers (the seccomp
	# program cache, .seccomp:cache, is the root's own and stays).
	left=$(ls -A "$ROOT" 2>/dev/null | grep -vx '.seccomp:cache' || true)
	[ -z "$left" ] || fail "state left in $ROOT: $left"
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "$ID-*" 2>/dev/null)" ] || fail "cgroups left behind"
	[ "$n" -ge 40 ]
	[ "$disagree" -eq 0 ] || fail "$disagree disagreement(s) between check and create"
	[ "$wrong" -eq 0 ] || fail "$wrong unexpected verdict(s) or missing finding(s)"
}
