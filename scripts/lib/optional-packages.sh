# shellcheck shell=bash
# Sourced by scripts/allocbench, for the main job only (the quick campaign): the optional Debian packages
# it compares against. As root on Debian, the missing ones are installed with apt-get, after saying what
# and why; otherwise (not root, --no-install, not Debian) the campaign runs without them and one line says
# which apt-get command would add them. Installing is a convenience: when it fails (no network, a package
# this release does not offer) the campaign runs all the same, after a warning.

# "package|why", in the order apt-get is given them.
OPTIONAL_PACKAGES=(
  "libjemalloc2|so the quick campaign can compare jemalloc"
  "libmimalloc2.0|so the quick campaign can compare mimalloc (malloc and heap API)"
  "libtcmalloc-minimal4|so the quick campaign can compare tcmalloc"
  "postgresql-15|so the quick campaign can time real PostgreSQL 15's AllocSet (pg15-real)"
  "postgresql-server-dev-15|to build the extension that times it inside PostgreSQL 15 (pg15-real)"
)

optional_package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Installs (or names) the missing optional packages. $1: "install" to install as root, "no-install" not to.
offer_optional_packages() {
  local mode="$1" entry pkg all=() missing=() failed=()
  for entry in "${OPTIONAL_PACKAGES[@]}"; do all+=("${entry%%|*}"); done
  if [[ -n "${ALLOCBENCH_OPTIONAL_ROOT:-}" ]]; then
    # the suite looks for them under that directory only: installing could not make them appear there
    echo "allocbench: ALLOCBENCH_OPTIONAL_ROOT is set: not installing optional packages" >&2
    return 0
  fi
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "allocbench: not Debian (no apt-get): allocators and PostgreSQL 15 that are missing are listed as not run;" \
         "on Debian, apt-get install ${all[*]} adds them" >&2
    return 0
  fi
  for pkg in "${all[@]}"; do optional_package_installed "$pkg" || missing+=("$pkg"); done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  if [[ "$mode" != install ]]; then
    echo "allocbench: --no-install: running without ${missing[*]}; apt-get install ${missing[*]} adds them" >&2
    return 0
  fi
  if [[ "$(id -u)" != 0 ]]; then
    echo "allocbench: running without ${missing[*]}; to add them: sudo apt-get install ${missing[*]}" >&2
    return 0
  fi
  for entry in "${OPTIONAL_PACKAGES[@]}"; do
    pkg="${entry%%|*}"
    if [[ " ${missing[*]} " == *" $pkg "* ]]; then echo "allocbench: installing $pkg ${entry#*|}" >&2; fi
  done
  echo "allocbench: (as root; --no-install skips this)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || echo "allocbench: warning: apt-get update failed; trying the package lists there are" >&2
  if apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
    return 0
  fi
  # one unavailable package fails the whole command: install the others one by one
  for pkg in "${missing[@]}"; do
    apt-get install -y -qq --no-install-recommends "$pkg" >&2 || failed+=("$pkg")
  done
  if [[ ${#failed[@]} -gt 0 ]]; then
    echo "allocbench: warning: could not install ${failed[*]} (no network, or not offered by this release);" \
         "running without them" >&2
  fi
  return 0
}
