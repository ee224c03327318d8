#!/bin/sh
# Writes README's performance table from bench/RESULTS.md (what `make bench`
# measured), so that README shows one set of figures and they are the latest.
# `make docs` puts its output between README's "bench/readme-table.sh" markers;
# a test fails when README differs from what this writes.
#
# Usage: bench/readme-table.sh [RESULTS.md]    (markdown on stdout)
set -eu
results=${1:-"$(dirname "$0")/RESULTS.md"}
[ -r "$results" ] || { echo "readme-table.sh: cannot read $results" >&2; exit 1; }

awk '
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
# The cells of a markdown table row.
function cells(line, out,    n, i, parts) {
    n = split(line, parts, "|")
    for (i = 2; i < n; i++) out[i - 1] = trim(parts[i])
    return n - 2
}
/^- date: / { date = substr($0, 9) }
/^- machine: / { machine = substr($0, 12); sub(/, load average.*/, "", machine) }
# "## 100000 sockets": keep the rows of the largest size measured.
/^## [0-9]+ sockets$/ {
    size = $2 + 0; section = "size"
    if (size > largest) { largest = size; rows = 0 }
    if (!smallest || size < smallest) { smallest = size; first = "" }
    next
}
/^## Peak RSS/ { section = "rss"; next }
/^## Watch under churn/ { section = "churn"; next }
/^## / { section = ""; next }
section == "size" && size == largest && /^\| / && !/^\| pair / && !/^\|---/ {
    n = cells($0, c)
    # pair | tcpstates | peer | tcpstates ms | peer ms | ratio | ...
    if (n >= 6) { rows++; row[rows] = "| " c[2] " | " c[3] " | " c[4] " | " c[5] " | " c[6] " |" }
}
# The first pair (the full listing) at the smallest size: what start-up costs.
section == "size" && size == smallest && first == "" && /^\| / && !/^\| pair / && !/^\|---/ {
    n = cells($0, c)
    if (n >= 6) first = sprintf("At %d sockets start-up dominates: %s %s ms, %s %s ms.", size, c[2], c[4], c[3], c[5])
}
# churn | connections/s | kernel destroys | ends printed | printed / destroys | watch CPU s per s | ...
section == "churn" && /^\| full speed / {
    n = cells($0, c)
    if (n >= 6) churn = sprintf("`--watch --json` under full-speed loopback churn (%s connections/s): %s of %s socket ends printed (%s), %s s of CPU per second.", c[2], c[4], c[3], c[5], c[6])
}
# Soak of S s at full speed (R connections/s): RSS A MiB after F s, B MiB at the end (growth ...
section == "churn" && /^Soak of [0-9]+ s at full speed / {
    soak = sprintf("Over a %d-second soak at full speed (%s connections/s) its RSS was %s MiB after %s s and %s MiB at the end.", $3, substr($8, 2), $11, $14, $16)
}
section == "rss" && /^\| `/ {
    n = cells($0, c)
    # command | 10 sockets | ... | largest | ratio to ss | growth | met
    if (n >= 4) { rss[c[1]] = c[n - 3]; ratio[c[1]] = c[n - 2] }
}
END {
    if (!largest || !rows) { print "readme-table.sh: no \"## N sockets\" table in the results" > "/dev/stderr"; exit 1 }
    printf "%d sockets, medians of one hyperfine run per pair (%s; %s).\n", largest, date, machine
    print "Ratio = tcpstates / peer: lower is faster."
    print ""
    print "| tcpstates | peer | tcpstates ms | peer ms | ratio |"
    print "|---|---|---:|---:|---:|"
    for (i = 1; i <= rows; i++) print row[i]
    if ("`tcpstates`" in rss && "`ss -tan`" in rss) {
        print ""
        printf "Peak RSS at %d sockets: %s MiB for `tcpstates`, %s MiB for `ss -tan` (ratio %s).\n",
            largest, rss["`tcpstates`"], rss["`ss -tan`"], ratio["`tcpstates`"]
    }
    if (first != "" && smallest < largest) { print ""; print first }
    if (churn != "") { print ""; print churn }
    if (soak != "") { print ""; print soak }
}
' "$results"
