# Sourced by the scripts: exports JAVA_HOME pointing at a JDK >= 21 (JAVA_HOME first, then /usr/lib/jvm).
# The machine's default java may be older; Gorgon is built with release 21.
gorgon_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

gorgon_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(gorgon_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "gorgon: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*); install one, e.g. apt-get install -y openjdk-21-jdk-headless" >&2
  return 1
}

# Installs Debian packages when one of the given commands is missing and we can (root, with apt-get); one line on
# stderr says what and why. Not root, or no apt-get: does nothing (what needs the commands says so itself).
# Usage: gorgon_apt_install_for WHO WHY "COMMAND..." PACKAGE...
#   e.g. gorgon_apt_install_for scripts/test "the cluster tests" "redis-server redis-cli" redis-server redis-tools
# Returns 0 when the commands are there (or now installed), 1 otherwise; callers under set -e add '|| true'.
gorgon_apt_install_for() {
  local who=$1 why=$2 commands=$3 cmd missing=
  shift 3
  for cmd in $commands; do command -v "$cmd" >/dev/null 2>&1 || missing=1; done
  [ -z "$missing" ] && return 0
  { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; } || return 1
  echo "$who: installing $* for $why" >&2
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") >/dev/null 2>&1; then
    echo "$who: could not install $*; $why will say what is missing" >&2
    return 1
  fi
}
