#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# seccomp-profile.sh [NAMES_FILE]
#
# Prints, as the JSON of linux.seccomp, a profile of the shape of Podman's default one (the shape
# that matters for a runtime's cost: how many syscalls, how many rules, which comparisons):
#   - defaultAction SCMP_ACT_ERRNO (EPERM) for everything not named;
#   - one SCMP_ACT_ALLOW rule naming every syscall of NAMES_FILE (default: seccomp-allow.txt beside
#     this script, ~290 names, '#' lines ignored);
#   - argument rules: personality only with the persona values Podman allows (SCMP_CMP_EQ),
#     clone only without namespace flags (SCMP_CMP_MASKED_EQ), socket except AF_VSOCK (SCMP_CMP_NE);
#   - clone3 answered with ENOSYS (so that libc falls back to clone).
# Together about 300 distinct syscalls, 9 rules. Needs jq.
set -euo pipefail

names=${1:-$(dirname "${BASH_SOURCE[0]}")/seccomp-allow.txt}

grep -v -e '^#' -e '^[[:space:]]*$' "$names" | jq -R . | jq -s '
{
	defaultAction: "SCMP_ACT_ERRNO",
	defaultErrnoRet: 1,
	architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	syscalls: [
		{ names: ., action: "SCMP_ACT_ALLOW" },
		( [0, 8, 131072, 131080, 4294967295][] as $persona
		  | { names: ["personality"], action: "SCMP_ACT_ALLOW",
		      args: [ { index: 0, value: $persona, op: "SCMP_CMP_EQ" } ] } ),
		{ names: ["clone"], action: "SCMP_ACT_ALLOW",
		  args: [ { index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" } ] },
		{ names: ["socket"], action: "SCMP_ACT_ALLOW",
		  args: [ { index: 0, value: 40, op: "SCMP_CMP_NE" } ] },
		{ names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 }
	]
}'
