#!/usr/bin/env python3
"""Counts individual test results from meson's testlog.json (one or several: CI gives the
main build's and the sanitizer lane's): each TAP test point of a bats suite counts once, a plain
(non-TAP) test program counts once (a fuzz target too). Prints the closing line
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


def main(paths):
    """Prints a line per testlog.json when given several, then the total."""
    total = [0, 0, 0]
    for path in paths:
        counts = count_file(path)
        if len(paths) > 1:
            print(f"{path}: {counts[0]} passed, {counts[1]} failed, {counts[2]} skipped")
        total = [a + b for a, b in zip(total, counts)]
    passed, failed, skipped = total
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


def count_file(path):
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
    return passed, failed, skipped


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["build/meson-logs/testlog.json"]))
