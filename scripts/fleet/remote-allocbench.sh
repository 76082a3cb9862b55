#!/usr/bin/env bash
# The fleet playbook's launcher on a host: runs the copied allocbench jar on the host's JDK 25+, started as
# scripts/allocbench starts it (scripts/lib/jvm-launch.sh, copied beside this script with jdk.sh).
# Usage: remote-allocbench.sh JAR COMMAND [OPTIONS...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/jdk.sh
source "$here/jdk.sh"
# shellcheck source=../lib/jvm-launch.sh
source "$here/jvm-launch.sh"
[[ $# -ge 2 ]] || { echo "usage: remote-allocbench.sh JAR COMMAND [OPTIONS...]" >&2; exit 2; }
jar="$1"
shift
jdk="$(find_jdk25 || true)"
if [[ -z "$jdk" ]]; then
  echo "no JDK 25 or newer on $(hostname) (JAVA_HOME=${JAVA_HOME:-unset}, none in /usr/lib/jvm):" \
       "install one (e.g. openjdk-25-jdk-headless or Eclipse Temurin 25) or set allocbench_java_home" >&2
  exit 3
fi
exec_allocbench_jar "$jdk" "$jar" "$@"
