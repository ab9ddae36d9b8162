#!/usr/bin/env python3
"""Counts individual test results from meson's testlog.json: each TAP test point of a bats
suite counts once, a plain (non-TAP) test program counts once. Prints the closing line
"N passed, N failed, N skipped" and exits non-zero when anything failed."""
import json
import re
import sys

TAP_LINE = re.compile(r"^(not ok|ok)\b(.*)$")


def count_tap(stdout):
    passed = failed = skipped = 0
    for line in stdout.splitlines():
        m = TAP_LINE.match(line)
        if not m:
            continue
        if re.search(r"#\s*skip", m.group(2), re.IGNORECASE):
            skipped += 1
        elif m.group(1) == "ok":
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped


def main(path):
    passed = failed = skipped = 0
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            result = t.get("result", "")
            if t.get("protocol") == "tap" or "TAP" in t.get("stdout", "")[:200] or re.search(r"^1\.\.\d+", t.get("stdout", ""), re.M):
                p, fl, s = count_tap(t.get("stdout", ""))
                if p + fl + s > 0:
                    # a suite that crashed after some points still counts as a failure
                    if result not in ("OK", "SKIP", "EXPECTEDFAIL") and fl == 0:
                        fl = 1
                    passed, failed, skipped = passed + p, failed + fl, skipped + s
                    continue
            if result == "OK":
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/meson-logs/testlog.json"))
