# Shared by the scripts in this folder: installs what a fresh Debian machine lacks.
# Sourced, not run.

# Debian packages needed to build and test astrosh. libcurl's development files are there
# for the release build: with the Swift runtime linked in statically, FoundationNetworking
# is linked against libcurl at build time instead of through the toolchain's shared library.
ASTROSH_BUILD_PACKAGES=(libedit-dev libmicrohttpd-dev zlib1g-dev pkg-config libcurl4-openssl-dev)

# Installs the given Debian packages that are not installed yet, quietly, on stderr.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "astrosh: installing ${missing[*]}" >&2
  local sudo=() log
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  log=$(mktemp "${TMPDIR:-/tmp}/astrosh-apt.XXXXXX")
  if ! { "${sudo[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"; } \
    >"$log" 2>&1; then
    cat "$log" >&2
    echo "astrosh: could not install ${missing[*]} (apt-get's output is above)" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    echo "astrosh: the Swift toolchain (swift) is not on PATH; install Swift 6 first" >&2
    exit 1
  fi
}

# Builds the release binary (extra arguments go to `swift build`). The Swift runtime and
# Foundation are linked in statically: start-up takes about 40% less time without the
# dynamic linker's work (docs/performance.md), at the price of a larger binary.
build_release() {
  swift build --package-path "$root" -c release --product astrosh --static-swift-stdlib "$@"
}
