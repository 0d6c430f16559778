# Sourced by the scripts that fetch Debian packages (POSIX sh).
# archive_uri: the Debian archive from the host's apt sources (deb822
# first, then the one-line format; security archives skipped), so that no
# mirror is written into a script. DEB_ARCHIVE_URI overrides it. The caller
# defines die().
archive_uri() {
    if [ -n "${DEB_ARCHIVE_URI:-}" ]; then echo "$DEB_ARCHIVE_URI"; return; fi
    u=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk '{print $2}' | grep -v -e '-security' | head -n 1 || true)
    if [ -z "$u" ]; then
        u=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
            awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' |
            grep -v -e '-security' | head -n 1 || true)
    fi
    [ -n "$u" ] || die "no Debian archive found in /etc/apt (set DEB_ARCHIVE_URI)"
    echo "$u"
}
