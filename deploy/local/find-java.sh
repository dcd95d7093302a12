# Sourced by the local scripts: sets $java and $java_home to a JDK of version 21 or later, looking at
# JAVA_HOME, then the usual install folders, then the java on the PATH; stops with a clear message
# when there is none.
java_major() { # prints the feature version of the java at $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

find_java() {
  local candidate major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* \
      "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -x $candidate/bin/java ]] || continue
    major=$(java_major "$candidate/bin/java")
    if [[ -n $major && $major -ge 21 ]]; then
      java_home=$candidate
      java=$candidate/bin/java
      return 0
    fi
  done
  if command -v java >/dev/null; then
    major=$(java_major java)
    if [[ -n $major && $major -ge 21 ]]; then
      java=$(command -v java)
      java_home=$(cd "$(dirname "$(readlink -f "$java")")/.." && pwd)
      return 0
    fi
  fi
  echo "No JDK 21 or later found (looked at JAVA_HOME, /usr/lib/jvm, /opt and the PATH)." >&2
  echo "Install one (e.g. Temurin 21+) and set JAVA_HOME to it." >&2
  return 1
}

find_java || exit 1
