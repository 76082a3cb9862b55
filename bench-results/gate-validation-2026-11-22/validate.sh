#!/bin/bash
# validate.sh KIND CANDIDATE_WRAPPER RUNS FORKS: RUNS gate runs baseline=w-base.jar vs CANDIDATE; appends to results.tsv
cd /tmp/gate-validation
kind=$1; cand=$2; runs=$3; forks=$4
mkdir -p runs
for i in $(seq 1 $runs); do
  log=runs/$kind-$i.log; work=/tmp/gate-validation/work/$kind-$i
  rm -rf "$work"
  start=$(date +%s.%N)
  ./gate.sh jars/w-base.jar "$cand" "$forks" "$work" --summary "runs/$kind-$i.md" > "$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  python3 - "$kind" "$i" "$rc" "$start" "$end" "$log" >> results.tsv <<'PY'
import sys,re
kind,i,rc,start,end,log=sys.argv[1:]
rows=[]
for line in open(log):
    m=re.match(r'^(\S+ x \S+(?: \(\w+\))?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+) \[([\d.]+), ([\d.]+)\]\s+(.*)$', line.rstrip())
    if m: rows.append((m.group(1), float(m.group(4)), float(m.group(5)), float(m.group(6)), m.group(7)))
worst=max(rows,key=lambda r:r[2]) if rows else ('-',0,0,0,'')
fails=[r[0] for r in rows if r[4].startswith('FAIL')]
ptr=[r for r in rows if r[0]=='aset-native x per-tuple-reset']
ptr=ptr[0] if ptr else ('-',0,0,0,'')
widths=sorted(r[3]/r[2] for r in rows if r[2]>0)
medw=widths[len(widths)//2] if widths else 0
print('\t'.join([kind,i,rc,'%.0f'%(float(end)-float(start)),worst[0],'%.3f'%worst[1],'[%.3f,%.3f]'%(worst[2],worst[3]),
  '%.3f [%.3f,%.3f]'%(ptr[1],ptr[2],ptr[3]),'%.3f'%medw,','.join(fails) or '-']))
PY
  tail -1 results.tsv
done
