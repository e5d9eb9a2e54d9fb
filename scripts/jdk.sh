# Sourced by ./loglane, ./mvnw and .ci/run: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps a suitable JAVA_HOME; otherwise takes the newest JDK under /usr/lib/jvm (or
# /usr/local/lib/jvm, ~/.sdkman, ~/.jdks), else the `java` on PATH if it is new enough.

loglane_java_major() { # $1 = JDK home; prints its major version or nothing
  local rel="$1/release" v
  [ -x "$1/bin/java" ] || return 0
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  fi
  if [ -z "${v:-}" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')
  fi
  echo "${v:-}"
}

loglane_select_jdk() {
  local best="" bestv=0 d v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(loglane_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then return 0; fi
  fi
  for d in /usr/lib/jvm/* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$d" ] || continue
    v=$(loglane_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  if [ -z "$best" ] && command -v java >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    v=$(loglane_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then best="$d"; fi
  fi
  if [ -z "$best" ]; then
    echo "loglane needs a JDK 21 or newer: set JAVA_HOME or install one under /usr/lib/jvm" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

loglane_select_jdk || return 1

# JDK 24+ warns on every start when a library (msgpack-java here, Guice inside Maven) uses
# sun.misc.Unsafe's memory access (JEP 498). JDK 23+ accepts the flag that allows it silently;
# older JDKs refuse unknown flags, so it is set only where it exists.
LOGLANE_UNSAFE_OPT=""
if [ "$(loglane_java_major "$JAVA_HOME")" -ge 23 ] 2>/dev/null; then
  LOGLANE_UNSAFE_OPT="--sun-misc-unsafe-memory-access=allow"
fi
