#!/bin/bash
# 10 A/A and 10 slow (N=6) gate runs with the real campaign runner, alternating.
J="env GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar /tmp/base.jar"
echo -e "kind\trun\texit\tseconds\tfail_line" > /tmp/gv/results.tsv
for i in $(seq 1 10); do
  for kind in aa slow; do
    cand=/tmp/base.jar; [ $kind = slow ] && cand=/tmp/slow-6-0.jar
    s=$(date +%s)
    $J gate --baseline /tmp/base.jar --candidate $cand --forks 12 --work /tmp/gv/$kind-$i --summary /tmp/gv/$kind-$i.md > /tmp/gv/$kind-$i.log 2>&1
    rc=$?
    e=$(date +%s)
    line=$(grep -E "^FAIL|^PASS|^pass|^fail" /tmp/gv/$kind-$i.log | head -1)
    echo -e "$kind\t$i\t$rc\t$((e-s))\t$line" >> /tmp/gv/results.tsv
  done
done
echo DONE >> /tmp/gv/results.tsv
