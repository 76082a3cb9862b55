# shellcheck shell=bash
# Sourced by scripts/allocbench and .ci/run: which JDK builds and runs allocbench. One rule for both:
#
#   JAVA_HOME if it is a JDK 25 or newer, else the newest JDK 25+ directory under /usr/lib/jvm
#   (alias symlinks such as default-java skipped); a JDK has bin/java and bin/javac.
#
# Maven cannot source this: the maven-toolchains-plugin configuration in pom.xml states the same rule in
# its own terms (the JDK running Maven if it is 25+, else the newest one discovered), so keep the two in step.

# Prints the Java version of a JDK home ("25.0.3"), or nothing if it is not a JDK.
jdk_version() {
  [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] || return 0
  if [[ -r "$1/release" ]]; then
    sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$1/release"
  else
    "$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p'
  fi
}

# Whether a directory is a JDK 25 or newer.
jdk_is_25_plus() {
  local v
  v="$(jdk_version "$1")"
  [[ "${v%%[.+-]*}" =~ ^[0-9]+$ ]] && (( ${v%%[.+-]*} >= 25 ))
}

# Prints the JDK 25+ home the rule above picks; returns 1 if there is none.
find_jdk25() {
  local home found
  if [[ -n "${JAVA_HOME:-}" ]] && jdk_is_25_plus "$JAVA_HOME"; then
    echo "$JAVA_HOME"
    return 0
  fi
  found="$(for home in /usr/lib/jvm/*/; do
             home="${home%/}"
             [[ -L "$home" ]] && continue
             if jdk_is_25_plus "$home"; then printf '%s %s\n' "$(jdk_version "$home")" "$home"; fi
           done | sort -V | tail -n 1 | cut -d' ' -f2-)"
  [[ -n "$found" ]] || return 1
  echo "$found"
}
