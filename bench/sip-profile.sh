#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the CPU time goes while bench/sip-throughput.sh's traffic runs
# through one configuration: host `perf record -a` (cpu-clock) during the
# flood, samples kept for the UML kernel's process tree only, resolved with
# the guest's /proc/kallsyms (our modules included). Shares of samples do
# not depend on how much of the machine other jobs take, unlike rates.
# Needs perf (Debian package linux-perf) on the host.
#
# Usage (host): bench/sip-profile.sh [KIND [SECONDS]]
#   KIND: rr, sip (default) or pe-sip, as in bench/sip-throughput.sh
# Output: build/sip-profile-KIND/ (perf.data, kallsyms) and the 40
# functions with the most samples on stdout.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
KIND=${1:-sip}
SECS=${2:-6}
OUT=$PWD/build/sip-profile-$KIND
command -v perf >/dev/null || { echo "sip-profile: perf not found" >&2; exit 1; }
make -s modules-uml userspace >/dev/null 2>&1 || exit 1
rm -rf "$OUT"
mkdir -p "$OUT"
cat >"$OUT/inside.sh" <<IN
#!/bin/bash
cd "$PWD" || exit 1
bench/sip-throughput.sh --inside $KIND $((SECS + 4)) >"$OUT/result" &
for i in \$(seq 1 100); do
	grep -q '^ip_vs ' /proc/modules && [ -n "\$(ip netns pids cl1 2>/dev/null)" ] && break
	sleep 0.2
done
sleep 1
cat /proc/kallsyms >"$OUT/kallsyms"
: >"$OUT/go"
wait
IN
chmod +x "$OUT/inside.sh"
scripts/uml-run --timeout 600 --results "$OUT" -- "$OUT/inside.sh" &
up=$!
while [ ! -e "$OUT/go" ] && kill -0 "$up" 2>/dev/null; do sleep 0.2; done
perf record -a -e cpu-clock -F 2000 -o "$OUT/perf.data" -- sleep "$SECS" \
	>/dev/null 2>&1
ps -eo pid=,ppid= >"$OUT/ps"
wait "$up"
perf script -i "$OUT/perf.data" -F pid,ip 2>/dev/null >"$OUT/ips"
/usr/bin/python3 - "$OUT" "$up" <<'PY'
import bisect, collections, sys
d, up = sys.argv[1], int(sys.argv[2])
kids = collections.defaultdict(list)
for line in open(d + '/ps'):
    p, pp = map(int, line.split())
    kids[pp].append(p)
todo, pids = [up], set()
while todo:
    p = todo.pop()
    pids.add(p)
    todo += kids[p]
syms = []
for line in open(d + '/kallsyms'):
    f = line.split()
    if f[1].lower() in 'tw':
        syms.append((int(f[0], 16), f[2] + (' ' + f[3] if len(f) > 3 else '')))
syms.sort()
keys = [s[0] for s in syms]
count = collections.Counter()
total = 0
for line in open(d + '/ips'):
    f = line.split()
    if len(f) < 2 or int(f[0]) not in pids:
        continue
    ip = int(f[1], 16)
    total += 1
    if ip >= 0xffffffff80000000:
        name = '[host kernel: UML system calls, faults, signals]'
    elif ip < 0x60000000 or ip > 0x200000000:
        name = '[user space]'
    else:
        i = bisect.bisect_right(keys, ip) - 1
        name = syms[i][1] if i >= 0 else '?'
    count[name] += 1
print('samples', total)
sip = sum(v for k, v in count.items() if '[ip_vs_sip]' in k)
rht = sum(v for k, v in count.items() if '[ip_vs_sip]' not in k and
          k.startswith(('rht_', 'rhashtable', 'bucket_table', '__siphash')))
if total:
    print('ip_vs_sip module %.1f%%, rhashtable worker/walk and SipHash core %.1f%%'
          % (100.0 * sip / total, 100.0 * rht / total))
for name, v in count.most_common(40):
    print('%6.2f%% %s' % (100.0 * v / max(total, 1), name))
PY
sed -n 's/^RESULT /datagrams\/s (wall clock): /p' "$OUT/result"
