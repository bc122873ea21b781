# Environment shared by both launchers of iotasign: bin/iotasign in the offline bundle and
# scripts/iotasign in a source checkout. POSIX sh, sourced, so a change here applies to both.
# Uses only shell built-ins (and readlink when present): it must work on a bare laptop.

# SoftHSM2 reads SOFTHSM2_CONF once, when the JVM loads the module, and a JVM cannot set
# its own environment. So the launcher points it at the embedded token store under
# IOTASIGN_HOME (created by iotasign on first use) unless the user set it. The default of
# IOTASIGN_HOME here must match org.iotasign.token.SoftHsmStore.home().
iotasign_home="${IOTASIGN_HOME:-${XDG_DATA_HOME:-${HOME:-.}/.local/share}/iotasign}"
: "${SOFTHSM2_CONF:=$iotasign_home/softhsm/softhsm2.conf}"
export SOFTHSM2_CONF

# Java decodes file names (a drive's outbox, command-line paths) with the character set of
# the locale, and with no locale (a minimal laptop: LANG unset, C or POSIX) that is ASCII:
# every non-ASCII byte of a name becomes U+FFFD. On JDK 17 neither -Dsun.jnu.encoding nor
# -Dfile.encoding changes that; only the locale does. So when the character set in force
# is the C locale's, the launcher asks for C.UTF-8 (built into glibc 2.35+, shipped by
# Debian). Names that are still not UTF-8 are refused by iotasign with a reason.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    ""|C|POSIX)
        if [ -n "${LC_ALL:-}" ]; then
            LC_ALL=C.UTF-8
            export LC_ALL
        else
            LC_CTYPE=C.UTF-8
            export LC_CTYPE
        fi
        ;;
esac

# Short-lived CLI runs: quick start matters more than peak speed.
IOTASIGN_JVM_FLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
# Long-running commands (the update server, the serial signer, the virtual ESP8266): the
# full JIT pays for itself after start-up. The launchers source this file with their own
# arguments, so $1 is the command.
case "${1:-}" in
    serve|serial-signer|devsim) IOTASIGN_JVM_FLAGS="-XX:+UseSerialGC -Xshare:auto" ;;
esac

IOTASIGN_MIN_JAVA=17

# Prints the major version (8, 17, 25) of the java executable $1, or nothing when unknown.
# Reads the JDK's release file when there is one (no JVM start), else asks java -version.
iotasign_java_major() {
    _java="$1"
    _real="$_java"
    if command -v readlink >/dev/null 2>&1; then
        _real="$(readlink -f "$_java" 2>/dev/null || printf '%s' "$_java")"
    fi
    _line=""
    _release="${_real%/bin/java}/release"
    if [ "$_release" != "$_real" ] && [ -f "$_release" ]; then
        while IFS= read -r _l || [ -n "$_l" ]; do
            case "$_l" in JAVA_VERSION=*) _line="$_l"; break ;; esac
        done < "$_release"
    fi
    if [ -z "$_line" ]; then
        _line="$("$_java" -version 2>&1)" || _line=""
        _line="${_line%%
*}"
    fi
    case "$_line" in *\"*) ;; *) return 0 ;; esac
    _v="${_line#*\"}"
    _v="${_v%%\"*}"
    case "$_v" in 1.*) _v="${_v#1.}" ;; esac
    _v="${_v%%[!0-9]*}"
    printf '%s' "$_v"
}

# Sets IOTASIGN_JAVA to a Java 17+ executable from JAVA_HOME, else from PATH; otherwise
# prints one line saying what to do and returns 1.
iotasign_find_java() {
    if [ -n "${JAVA_HOME:-}" ]; then
        IOTASIGN_JAVA="$JAVA_HOME/bin/java"
        if [ ! -x "$IOTASIGN_JAVA" ]; then
            echo "iotasign: JAVA_HOME is $JAVA_HOME but it has no bin/java: point JAVA_HOME at a JDK $IOTASIGN_MIN_JAVA or newer, or unset it to use java from PATH" >&2
            return 1
        fi
        _where="JAVA_HOME"
    else
        IOTASIGN_JAVA="$(command -v java 2>/dev/null)" || IOTASIGN_JAVA=""
        if [ -z "$IOTASIGN_JAVA" ]; then
            echo "iotasign: no Java found (JAVA_HOME is not set and there is no java on PATH): install a JDK $IOTASIGN_MIN_JAVA or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; offline: see docs/offline-install.md) or set JAVA_HOME to one" >&2
            return 1
        fi
        _where="PATH"
    fi
    _major="$(iotasign_java_major "$IOTASIGN_JAVA")"
    if [ -z "$_major" ]; then
        echo "iotasign: cannot tell the version of $IOTASIGN_JAVA (from $_where): check it runs, or set JAVA_HOME to a JDK $IOTASIGN_MIN_JAVA or newer" >&2
        return 1
    fi
    if [ "$_major" -lt "$IOTASIGN_MIN_JAVA" ]; then
        echo "iotasign: $IOTASIGN_JAVA (from $_where) is Java $_major, iotasign needs $IOTASIGN_MIN_JAVA or newer: install a newer JDK or set JAVA_HOME to one" >&2
        return 1
    fi
    return 0
}
