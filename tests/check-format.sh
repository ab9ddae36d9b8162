#!/bin/bash
# The style check: every C file of the project is as clang-format (.clang-format) writes it.
# Skips (77) where clang-format is absent.
set -u
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "SKIP: clang-format is not installed"; exit 77; }
bad=0
while read -r f; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (clang-format -i $f)"
		bad=1
	fi
done < <(git ls-files '*.c' '*.h' 2>/dev/null || find src libocispec tests -name '*.[ch]')
exit $bad
