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
