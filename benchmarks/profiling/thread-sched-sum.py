#!/usr/bin/env python3
"""Per thread group (name without its trailing number), between FROM and TO (HH:MM:SS): seconds on a CPU and
seconds runnable but waiting for one, from a file written by thread-sched.sh."""
import collections
import re
import sys

path, t0, t1 = sys.argv[1:4]
first, last = {}, {}
for line in open(path):
    p = line.split()
    if len(p) < 6 or not t0 <= p[0][:8] <= t1:
        continue
    sample = (p[2], int(p[3]), int(p[4]))
    first.setdefault(p[1], sample)
    last[p[1]] = sample
groups = collections.defaultdict(lambda: [0, 0])
for tid, (name, run, wait) in last.items():
    g = groups[re.sub(r'\d+$', '#', name)]
    g[0] += run - first[tid][1]
    g[1] += wait - first[tid][2]
for name, (run, wait) in sorted(groups.items(), key=lambda kv: -kv[1][0])[:15]:
    print(f"{name:24s} on a CPU {run / 1e9:7.2f} s   waiting for a CPU {wait / 1e9:7.2f} s")
