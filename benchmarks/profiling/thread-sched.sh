#!/bin/bash
# Samples every thread of a JVM once a second until it exits: time stamp, thread id, thread name, then
# /proc/.../schedstat (ns on a CPU, ns runnable but waiting for a CPU, time slices) and utime/stime (clock ticks).
# usage: thread-sched.sh PID OUTFILE        summarise with: thread-sched-sum.py OUTFILE FROM TO (HH:MM:SS)
set -u
pid=$1; out=$2; : > "$out"
while kill -0 "$pid" 2>/dev/null; do
  ts=$(date +%H:%M:%S.%N | cut -c1-12)
  for t in /proc/"$pid"/task/*; do
    comm=$(tr ' ' '_' < "$t/comm" 2>/dev/null) || continue
    sched=$(cat "$t/schedstat" 2>/dev/null) || continue
    stat=$(cat "$t/stat" 2>/dev/null) || continue
    rest=${stat##*) }
    read -r -a f <<< "$rest"
    echo "$ts ${t##*/} $comm $sched ${f[11]} ${f[12]}" >> "$out"
  done
  sleep 1
done
