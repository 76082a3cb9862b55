#!/bin/bash
# gate.sh BASELINE CANDIDATE FORKS WORK [extra gate args]: one gate run with the gate from jars/base.jar
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
b=$1; c=$2; f=$3; w=$4; shift 4
GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384 $J --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -jar /tmp/gate-validation/jars/gate.jar gate --baseline "$b" --candidate "$c" --forks "$f" --max-regression 5% --work "$w" "$@"
