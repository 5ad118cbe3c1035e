#!/bin/bash
# usage: run_one.sh VARIANT RUN [extra args]; env OV_HINT passes through
cd /tmp/ovbench
V=$1; R=$2; shift 2
PY=/tmp/ovbench/venv/bin/python; [ "$V" = ort_int8_project ] && PY=/work/main/.venv/bin/python
TAG=${V}${OV_HINT:+_$OV_HINT}${PAD_MULT:+_pad$PAD_MULT}${OV_CACHE_CAP:+_cap$OV_CACHE_CAP}
echo "$(date +%T) $TAG run$R loadavg_before: $(cat /proc/loadavg)" >> runs/loadavg.log
SPAWN_T=$(date +%s.%N) $PY bench.py $V runs/${TAG}_$R.json "$@"
echo "$(date +%T) $TAG run$R loadavg_after: $(cat /proc/loadavg)" >> runs/loadavg.log
