# awk -v want=EXPECT -f in-order.awk OUTPUT
# Passes if OUTPUT has a line matching each line of EXPECT (extended
# regexes; '#' lines and empty ones skipped), in that order; else prints
# the first one missing and exits 1.
BEGIN { while ((getline l < want) > 0) if (l !~ /^#/ && l != "") pat[n++] = l; i = 0 }
i < n && $0 ~ pat[i] { i++ }
END { if (i < n) { print "missing (in order): " pat[i]; exit 1 } }
