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

# Short-lived CLI runs: quick start matters more than peak speed. The default collector
# (G1), not Serial: JDK 17 maps the archived heap objects of a class-data-sharing archive
# (among them the module graph, which is then not rebuilt on every start) only with G1.
# One compiler thread: a short run is over before a second one pays for the core it takes
# from the run itself (about 7 ms of a cold verify on two cores). Loops compiled after 2000
# turns, not 60000 (Tier3BackEdgeThreshold): a run's few long loops (the checksum and CRC
# over a megabyte of firmware) would otherwise run interpreted for most of their length.
IOTASIGN_JVM_FLAGS="-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:Tier3BackEdgeThreshold=2000 -Xshare:auto"
# Long-running commands (the update server, the serial signer, the virtual ESP8266, the
# USB watcher): the full JIT pays for itself after start-up. The launchers source this file
# with their own arguments, so $1 is the command.
iotasign_long_running="-XX:+UseSerialGC -Xshare:auto"
case "${1:-}" in
    serve|serial-signer|devsim) IOTASIGN_JVM_FLAGS="$iotasign_long_running" ;;
    usb) for _a in "$@"; do [ "$_a" = --watch ] && IOTASIGN_JVM_FLAGS="$iotasign_long_running"; done ;;
esac

# Commands that open no PKCS#11 token start from the class path, which skips the jar
# manifest's Add-Exports (opening the JDK's PKCS#11 wrapper to the tool costs every run
# that asks for it about 9 ms): the commands listed here, unless an argument names a
# token (a pkcs11: URI as KEY). Every other run starts with -jar, so the manifest opens
# the wrapper. CommandTreeTest runs each listed command without the export.
case "${1:-}" in
    ""|-V|--version|-h|--help|help|inspect|verify|pack|sample-firmware) iotasign_entry=classpath ;;
    *) iotasign_entry=jar ;;
esac
for _a in "$@"; do
    case "$_a" in *[pP][kK][cC][sS]11:*) iotasign_entry=jar ;; esac
done

IOTASIGN_MIN_JAVA=17

# Every run goes through here, so these helpers set variables instead of printing into a
# command substitution: each subshell or external program is time added to every start.

# Sets IOTASIGN_JAVA_RELEASE to the release file of the JDK whose java executable is $1
# (following links), or to nothing when it has none.
iotasign_locate_release() {
    _real="$1"
    if command -v readlink >/dev/null 2>&1; then
        _real="$(readlink -f "$1" 2>/dev/null)" || _real="$1"
    fi
    IOTASIGN_JAVA_RELEASE="${_real%/bin/java}/release"
    if [ "$IOTASIGN_JAVA_RELEASE" = "$_real/release" ] || [ ! -f "$IOTASIGN_JAVA_RELEASE" ]; then
        IOTASIGN_JAVA_RELEASE=""
    fi
}

# Sets _value to the quoted value of KEY="..." in IOTASIGN_JAVA_RELEASE, or to nothing.
iotasign_release_value() {
    _value=""
    [ -n "$IOTASIGN_JAVA_RELEASE" ] || return 0
    while IFS= read -r _l || [ -n "$_l" ]; do
        case "$_l" in "$1"=\"*\"*) _value="${_l#*\"}"; _value="${_value%%\"*}"; return 0 ;; esac
    done < "$IOTASIGN_JAVA_RELEASE"
}

# Sets _major to the major version (8, 17, 25) of the java executable $1, or to nothing
# when unknown. Reads the JDK's release file when there is one (no JVM start), else asks
# java -version.
iotasign_java_major() {
    iotasign_locate_release "$1"
    iotasign_release_value JAVA_VERSION
    _v="$_value"
    if [ -z "$_v" ]; then
        _line="$("$1" -version 2>&1)" || _line=""
        _line="${_line%%
*}"
        case "$_line" in *\"*) _v="${_line#*\"}"; _v="${_v%%\"*}" ;; esac
    fi
    case "$_v" in 1.*) _v="${_v#1.}" ;; esac
    _major="${_v%%[!0-9]*}"
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
    iotasign_java_major "$IOTASIGN_JAVA"
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

# Class-data sharing: a JVM maps the classes of a run from an archive instead of reading,
# parsing and verifying them from the jar, which is most of iotasign's start-up. The archive
# belongs to one jar and one JVM build, so it is made here, on this machine, by this JVM:
# the first run after a new jar or JDK trains it (StartupTraining runs the quick commands in
# a temporary folder and lists the classes they load; -Xshare:dump writes them out) and
# every later run uses it. A static archive, not -XX:ArchiveClassesAtExit: JDK 17 leaves
# picocli's Java 5 class files out of dynamic archives, and they are most of start-up.
# Anything that goes wrong (no release file, unwritable folder, a JVM that cannot dump, an
# archive the JVM refuses) costs only speed and prints nothing: -Xshare:auto falls back, and
# -Xlog:cds=off keeps it quiet. A failed attempt is remembered (.failed) until the jar or
# the JDK changes, so it is not paid on every run. IOTASIGN_CDS=off turns it all off.
#
# iotasign_cds JAR DIR: sets IOTASIGN_CDS_ARCHIVE (the archive to pass as
# -XX:SharedArchiveFile, or empty) and IOTASIGN_CDS_FLAGS. Call after iotasign_find_java.
iotasign_cds() {
    IOTASIGN_CDS_ARCHIVE=""
    IOTASIGN_CDS_FLAGS=""
    [ "${IOTASIGN_CDS:-on}" = off ] && return 0
    _jar="$1"
    iotasign_release_value JAVA_RUNTIME_VERSION   # of the JDK iotasign_find_java chose
    _id="$_value"
    case "$_id" in ""|*[!A-Za-z0-9._+-]*) return 0 ;; esac
    # One archive per JVM build; a colon would split the JVM's archive path list.
    _archive="$2/iotasign-$_id.jsa"
    case "$_archive" in *:*) return 0 ;; esac
    # Which jar the archive was made for: path, size and time as ls shows them, and a jar
    # newer than the archive. Times alone cannot tell: every bundle's files carry the same
    # fixed time. The stamp alone cannot either: ls shows a recent file's time to the minute,
    # and a rebuild changing only a comment keeps the size. The JVM refuses (silently, so
    # for good) an archive of another jar.
    _stamp="$(ls -lnL "$_jar" 2>/dev/null)" || _stamp=""
    _made=""
    [ -f "$_archive.jar" ] && IFS= read -r _made < "$_archive.jar"
    if [ ! -f "$_archive" ] || [ "$_made" != "$_stamp" ] || [ "$_jar" -nt "$_archive" ]; then
        _made=""
        [ -f "$_archive.failed" ] && IFS= read -r _made < "$_archive.failed"
        [ -n "$_stamp" ] && [ "$_made" = "$_stamp" ] && ! [ "$_jar" -nt "$_archive.failed" ] && return 0
        iotasign_cds_make "$_jar" "$_archive" "$_stamp" || return 0
    fi
    IOTASIGN_CDS_ARCHIVE="$_archive"
    IOTASIGN_CDS_FLAGS="-Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
}

# Trains and writes the archive $2 for jar $1 (whose stamp is $3), atomically (a temporary
# name, then mv), so a second run at once or a kill part-way never leaves half an archive
# behind. The stamp is renamed into place after the archive: a run that sees the new
# archive with the old stamp only trains again. The training also signs on a throwaway
# SoftHSM2 token in a folder of its own (never the user's token, store or PINs), so the
# token code is archived for sign; the folder is removed after.
iotasign_cds_make() {
    (umask 077 && mkdir -p "${2%/*}") 2>/dev/null || return 1
    [ -w "${2%/*}" ] || return 1
    _tmp="$2.$$"
    _training_home="$_tmp.token"
    # shellcheck disable=SC2086 # the flag list is meant to split into words
    if IOTASIGN_HOME="$_training_home" SOFTHSM2_CONF="$_training_home/softhsm/softhsm2.conf" \
            IOTASIGN_PIN=training-only IOTASIGN_SO_PIN=training-only-so \
            "$IOTASIGN_JAVA" $IOTASIGN_JVM_FLAGS --add-modules jdk.crypto.cryptoki \
            --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED \
            -XX:DumpLoadedClassList="$_tmp.classes" -cp "$1" \
            org.iotasign.cli.StartupTraining --token-home "$_training_home" </dev/null >/dev/null 2>&1 \
        && rm -rf "$_training_home" \
        && "$IOTASIGN_JAVA" -Xshare:dump -XX:SharedClassListFile="$_tmp.classes" \
            -XX:SharedArchiveFile="$_tmp.jsa" -cp "$1" </dev/null >/dev/null 2>&1 \
        && [ -s "$_tmp.jsa" ] && mv -f "$_tmp.jsa" "$2" 2>/dev/null; then
        printf '%s\n' "$3" > "$_tmp.stamp" 2>/dev/null && mv -f "$_tmp.stamp" "$2.jar" 2>/dev/null
        rm -f "$_tmp.classes" "$_tmp.stamp" "$2.failed" 2>/dev/null
        return 0
    fi
    rm -rf "$_training_home" 2>/dev/null
    rm -f "$_tmp.classes" "$_tmp.jsa" 2>/dev/null
    printf '%s\n' "$3" > "$2.failed" 2>/dev/null
    return 1
}

# iotasign_exec JAR ARGS...: replaces the shell with the JVM running iotasign from JAR.
# Call after iotasign_find_java and iotasign_cds.
iotasign_exec() {
    _jar="$1"
    shift
    if [ "$iotasign_entry" = classpath ]; then
        set -- -cp "$_jar" org.iotasign.cli.Main "$@"
    else
        set -- -jar "$_jar" "$@"
    fi
    # shellcheck disable=SC2086 # the flag lists are meant to split into words
    exec "$IOTASIGN_JAVA" $IOTASIGN_JVM_FLAGS $IOTASIGN_CDS_FLAGS ${IOTASIGN_CDS_ARCHIVE:+"-XX:SharedArchiveFile=$IOTASIGN_CDS_ARCHIVE"} \
        ${IOTASIGN_JAVA_OPTS:-} "$@"
}
