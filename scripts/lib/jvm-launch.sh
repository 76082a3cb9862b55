# shellcheck shell=bash
# Sourced by scripts/allocbench and by the fleet's remote launcher (scripts/fleet/remote-allocbench.sh): how the
# allocbench jar is started, the same on every host.

# Runs the jar on a JDK home, replacing this shell. $1: JDK home, $2: jar, then the command and its options.
exec_allocbench_jar() {
  local jdk="$1" jar="$2" tunable
  shift 2
  # glibc reads GLIBC_TUNABLES at process start, so these go in the environment (appended to the user's
  # tunables; a key the user set keeps the user's value). JMH forks inherit this environment.
  # - jemalloc can only be dlopen'ed with more static TLS than glibc reserves by default;
  # - glibc's mmap and trim thresholds are pinned at the values its dynamic adjustment ends at (32 MiB,
  #   64 MiB), so no measurement depends on what the process freed before (org.allocbench.nativecore.GlibcMalloc
  #   says why; the processes the suite starts itself get the same from there).
  for tunable in glibc.malloc.mmap_threshold=33554432 glibc.malloc.trim_threshold=67108864 \
                 glibc.rtld.optional_static_tls=16384; do
    case ":${GLIBC_TUNABLES:-}:" in
      *:"${tunable%%=*}"=*) ;;
      *) GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}$tunable" ;;
    esac
  done
  export GLIBC_TUNABLES

  # The commands that make temporary files (their own, JMH's, their child JVMs') get a private directory for
  # them: allocbench removes it as it ends, and its reaper after a kill (org.allocbench.owned.PrivateTemp). The
  # JDK reads java.io.tmpdir only as it starts, so it is made here.
  local tmp_option=()
  case "${1:-run}" in
    run|bench|hugepages|memory|limit|gate|verify-pg|latency|fleet)
      tmp_option=("-Djava.io.tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/allocbench-tmp-XXXXXXXX")") ;;
  esac

  # FFM downcalls need native access; the Unsafe flag silences JMH's JDK 25 warning (see DESIGN.md).
  exec "$jdk/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    "${tmp_option[@]}" -jar "$jar" "$@"
}
