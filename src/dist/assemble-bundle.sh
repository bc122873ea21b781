#!/usr/bin/env bash
# Assembles target/iotasign-VERSION-bundle.tar.gz from the shaded jar: generates the man
# pages from the picocli model (picocli-codegen's ManPageGenerator writes AsciiDoc,
# asciidoctor renders it to roff) and the bash completion script (picocli AutoComplete).
# Run by Maven's package phase (exec-maven-plugin); scripts/bundle is the command people use.
#
# Reproducible: every file's mode is set here, the tar has sorted entries, owner 0:0 and
# every mtime at the project's outputTimestamp, and gzip writes no name or time. Same
# commit and same tools (JDK, asciidoctor, tar, gzip) give the same bytes.
#
# usage: assemble-bundle.sh BASEDIR BUILDDIR VERSION OUTPUT_TIMESTAMP JAVA CLASSPATH
#   CLASSPATH: the project's classes and dependencies plus picocli-codegen
set -euo pipefail
export LC_ALL=C
base="$1" build="$2" version="$3" stamp="$4" java="$5" classpath="$6"

epoch="$(date -u -d "$stamp" +%s 2>/dev/null)" || {
    echo "assemble-bundle: project.build.outputTimestamp '$stamp' is not a date: set it to an ISO-8601 instant in pom.xml" >&2
    exit 1
}
command -v asciidoctor >/dev/null || {
    echo "assemble-bundle: asciidoctor is needed to render the man pages: scripts/ensure-packages asciidoctor" \
         "(or build with -Diotasign.bundle.skip=true to skip the bundle)" >&2
    exit 1
}

name="iotasign-$version"
gen="$build/bundle-gen"
stage="$build/bundle-stage"
root="$stage/$name"
out="$build/$name-bundle.tar.gz"
rm -rf "$stage" "$gen"
mkdir -p "$gen"
"$java" -cp "$classpath" picocli.codegen.docgen.manpage.ManPageGenerator --exit --outdir="$gen/man-adoc" org.iotasign.cli.CommandTree
"$java" -Dpicocli.autocomplete.systemExitOnError -cp "$classpath" picocli.AutoComplete --name=iotasign --completionScript="$gen/iotasign-completion.bash" \
    org.iotasign.cli.CommandTree >/dev/null
mkdir -p "$root/bin" "$root/lib" "$root/hsm-config" "$root/docs" "$root/man/man1" "$root/completion" "$root/scripts"

install -m 755 "$base/src/dist/bin/iotasign" "$root/bin/iotasign"
install -m 644 "$base/src/dist/lib/iotasign-env.sh" "$root/lib/iotasign-env.sh"
install -m 644 "$build/$name-all.jar" "$root/lib/iotasign.jar"
install -m 644 "$base"/hsm-config/*.properties "$root/hsm-config/"
install -m 644 "$base"/docs/*.md "$root/docs/"
install -m 755 "$base/scripts/offline-deps" "$root/scripts/offline-deps"
[ -f "$base/README.md" ] && install -m 644 "$base/README.md" "$root/README.md"
install -m 644 "$gen/iotasign-completion.bash" "$root/completion/iotasign.bash"

# picocli gives subcommands no version line; every page should name the release.
adoc="$gen/man-adoc"
sed -i -e "s/^:revnumber: *$/:revnumber: iotasign $version/" -e "s/^:mansource: *$/:mansource: iotasign $version/" "$adoc"/*.adoc
# SOURCE_DATE_EPOCH fixes the date asciidoctor prints on every page.
SOURCE_DATE_EPOCH="$epoch" asciidoctor --backend=manpage --destination-dir="$root/man/man1" "$adoc"/*.adoc
chmod 644 "$root"/man/man1/*

(cd "$root" && find . -type f ! -name SHA256SUMS -printf '%P\n' | sort | xargs sha256sum) > "$root/SHA256SUMS"
chmod 644 "$root/SHA256SUMS"
find "$root" -type d -exec chmod 755 {} +

tar --create --format=gnu --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
    --directory="$stage" "$name" | gzip -9 -n > "$out.tmp"
mv -f "$out.tmp" "$out"
sum="$(sha256sum "$out" | cut -d' ' -f1)"
printf '%s  %s\n' "$sum" "$(basename "$out")" > "$out.sha256"
rm -rf "$stage" "$gen"
echo "bundle: $out"
echo "SHA-256: $sum"
