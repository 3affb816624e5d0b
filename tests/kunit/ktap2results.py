#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn KTAP output (KUnit debugfs results) into PASS/FAIL/SKIP lines.

Every leaf test (a case, or one parameter of a parameterised case) gives one
line "PASS: kunit <suite>.<case>[.<param>]". A suite that reports fewer
results than its plan announced, or no suite at all, is a FAIL. Reads stdin,
exits 1 if anything failed.
"""
import re
import sys

RESULT = re.compile(r"^(\s*)(ok|not ok) (\d+)\s*(?:- )?(.*?)(?:\s+#\s*(SKIP|TODO)?\s*(.*))?$")
SUBTEST = re.compile(r"^(\s*)# Subtest: (.*)$")
PLAN = re.compile(r"^(\s*)1\.\.(\d+)$")


def main():
    out, failed, suites = [], 0, 0
    names = {}        # indent -> current subtest name announced
    children = {}     # indent -> results seen at that indent since parent
    plans = {}        # indent -> planned count
    module = "?"
    suite_failed = 0  # failed leaves reported for the current suite
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        if line.startswith("# module: "):
            module = line[len("# module: "):]
            continue
        m = SUBTEST.match(line)
        if m:
            names[len(m.group(1))] = m.group(2).strip()
            continue
        m = PLAN.match(line)
        if m:
            ind = len(m.group(1))
            plans[ind] = int(m.group(2))
            children[ind] = 0
            continue
        m = RESULT.match(line)
        if not m:
            continue
        ind, ok, desc, directive = len(m.group(1)), m.group(2) == "ok", m.group(4), m.group(5)
        deeper = [i for i in children if i > ind and children[i]]
        path = [names[i] for i in sorted(names) if i <= ind]
        name = ".".join(path + [desc]) if ind else desc
        if ind == 0 and desc and not deeper and "modprobe failed" in (m.group(6) or ""):
            out.append("FAIL: kunit %s: %s" % (desc, m.group(6)))
            failed += 1
            continue
        if not deeper:
            if directive == "SKIP":
                out.append("SKIP: kunit %s: %s" % (name, m.group(6) or ""))
            elif ok:
                out.append("PASS: kunit %s" % name)
            else:
                out.append("FAIL: kunit %s" % name)
                failed += 1
                suite_failed += 1
        else:
            inner = min(deeper)
            if plans.get(inner) is not None and children[inner] < plans[inner]:
                out.append("FAIL: kunit %s: %d of %d results (crashed?)"
                           % (name, children[inner], plans[inner]))
                failed += 1
            elif not ok and not suite_failed:
                # A failed suite whose failing cases are not in the log
                # (lost, or the suite itself failed): never a silent pass.
                out.append("FAIL: kunit %s: reported not ok" % name)
                failed += 1
                suite_failed += 1
            for i in deeper:
                children[i] = 0
                plans.pop(i, None)
        children[ind] = children.get(ind, 0) + 1
        if ind == 0:
            suites += 1
            suite_failed = 0
            names.clear()
    if suites == 0:
        out.append("FAIL: kunit: no suite reported any result")
        failed += 1
    print("\n".join(out))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
