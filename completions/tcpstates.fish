function __tcpstates_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __tcpstates_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __tcpstates_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __tcpstates_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __tcpstates_parse_tokens -S
    set -l unparsed_tokens (__tcpstates_tokens -pc)
    switch $unparsed_tokens[1]
    case 'tcpstates'
        __tcpstates_parse_subcommand 0 'p/port=+' 'local-port=+' 'remote-port=+' 's/state=+' 'l/listening' 'a/all' '4' '6' 'local=+' 'remote=+' 'addr=+' 'pid=+' 'command=+' 'netns=' 'all-netns' 't/tcp' 'u/udp' 'P/processes' 'o/timers' 'i/info' 'json' 'no-header' 'sort=' 'source=' 'format=' 'S/summary' 'by-port' 'w/watch' 'interval=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'explain'
            __tcpstates_parse_subcommand 1 'json' 'version' 'h/help'
        case 'trace'
            __tcpstates_parse_subcommand 0 'p/port=+' 'local-port=+' 'remote-port=+' 's/state=+' 'l/listening' 'a/all' '4' '6' 'local=+' 'remote=+' 'addr=+' 'json' 'no-header' 'c/count=' 'duration=' 'buffer-kb=' 'version' 'h/help'
        case 'kill'
            __tcpstates_parse_subcommand 0 'p/port=+' 'local-port=+' 'remote-port=+' 's/state=+' 'l/listening' 'a/all' '4' '6' 'local=+' 'remote=+' 'addr=+' 'pid=+' 'command=+' 'netns=' 'all-netns' 'json' 'no-header' 'y/yes' 'dry-run' 'version' 'h/help'
        case 'help'
            __tcpstates_parse_subcommand -r 1 'version'
        end
    end
end

function __tcpstates_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __tcpstates_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __tcpstates_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __tcpstates_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__tcpstates_tokens -p)
    if test -z "$(__tcpstates_tokens -t)"
        set -l index (count (__tcpstates_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'tcpstates' -f
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -s 'p' -l 'port' -d 'Sockets with a local or remote port in LIST: 8080, 80,443, 8000-8100.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -l 'local-port' -l 'sport' -d 'Sockets whose local port is in LIST.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -l 'remote-port' -l 'dport' -d 'Sockets whose remote port is in LIST.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -s 's' -l 'state' -d 'Sockets in these states: diagram names (LISTEN, SYN_SENT, SYN_RCVD, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED), ss or netstat spellings, or the groups all, connected, synchronized, bucket, big.' -rfka 'LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT CLOSED all connected synchronized bucket big'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" l listening' -s 'l' -l 'listening' -d 'Listening sockets only (--state LISTEN).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" a all' -s 'a' -l 'all' -d 'Also CLOSED sockets: bound, never listening or connected (a listing\'s and a watch\'s; kill refuses it).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" 4' -s '4' -d 'IPv4 sockets only.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" 6' -s '6' -d 'IPv6 sockets only.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -l 'local' -d 'Sockets whose local address is ADDR or in ADDR/PREFIX (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -l 'remote' -d 'Sockets whose remote address is ADDR or in ADDR/PREFIX (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -l 'addr' -d 'Sockets with ADDR or ADDR/PREFIX on either side (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -l 'pid' -d 'Sockets held by process PID (repeatable; implies --processes).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates"' -l 'command' -d 'Sockets held by a process named NAME (repeatable; implies --processes).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" netns' -l 'netns' -d 'The sockets of network namespace NAME (under /run/netns) or PATH (/proc/PID/ns/net), or of each of a comma-separated list; needs root.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" all-netns' -l 'all-netns' -d 'The sockets of every network namespace (named, held by processes, this one), each naming its own; unprivileged, this one only.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" t tcp' -s 't' -l 'tcp' -d 'List TCP sockets (the default; with --udp, both).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" u udp' -s 'u' -l 'udp' -d 'List UDP sockets (UNCONN or ESTABLISHED); with --tcp, both.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" P processes' -s 'P' -l 'processes' -d 'Show the processes holding each socket (pid/command; root sees all).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" o timers' -s 'o' -l 'timers' -d 'Show the armed timer (retransmit, keepalive, time_wait, persist), its time left and retransmissions.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" i info' -s 'i' -l 'info' -d 'Show TCP internals: rtt, cwnd, ssthresh, retransmissions, bytes, delivery rate, idle times, congestion control.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" json' -l 'json' -d 'Write JSON: a listing or a kill report as one document; a watch or trace as one object per line.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" no-header' -l 'no-header' -d 'Leave out the header line.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" sort' -l 'sort' -d 'Order rows by state, local, remote or port (default: the kernel\'s order).' -rfka 'state local remote port'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" source' -l 'source' -d 'Where to read sockets: auto (netlink, else /proc), netlink or proc.' -rfka 'auto netlink proc'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" format' -l 'format' -d 'Output format: table, json (the same as --json) or prometheus (state counts per port, text exposition format).' -rfka 'table json prometheus'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" S summary' -s 'S' -l 'summary' -d 'Count the sockets per state instead of listing them.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" by-port' -l 'by-port' -d 'Count per local port of the listeners (with the sockets they accepted) and per port named with --port; the rest as "other". Implies --summary.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" w watch' -s 'w' -l 'watch' -d 'Keep watching: a live screen on a terminal; NDJSON events with --json or when stdout is not a terminal.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" interval' -l 'interval' -d 'Seconds between refreshes with --watch (default 1, at least 0.1).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" version' -l 'version' -d 'Show the version.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_positional "tcpstates" -eq 1' -fa 'explain' -d 'Draw the TCP state diagram, or explain one state.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_positional "tcpstates" -eq 1' -fa 'trace' -d 'Print every TCP state transition as the kernel makes it (needs root).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_positional "tcpstates" -eq 1' -fa 'kill' -d 'End the matching TCP sockets, as ss -K does (needs CAP_NET_ADMIN).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_positional "tcpstates" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_positional "tcpstates explain" -eq 1' -fka 'LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT CLOSED'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates explain" json' -l 'json' -d 'Write the same as one JSON document.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates explain" version' -l 'version' -d 'Show the version.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace"' -s 'p' -l 'port' -d 'Sockets with a local or remote port in LIST: 8080, 80,443, 8000-8100.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace"' -l 'local-port' -l 'sport' -d 'Sockets whose local port is in LIST.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace"' -l 'remote-port' -l 'dport' -d 'Sockets whose remote port is in LIST.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace"' -s 's' -l 'state' -d 'Sockets in these states: diagram names (LISTEN, SYN_SENT, SYN_RCVD, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED), ss or netstat spellings, or the groups all, connected, synchronized, bucket, big.' -rfka 'LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT CLOSED all connected synchronized bucket big'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" l listening' -s 'l' -l 'listening' -d 'Listening sockets only (--state LISTEN).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" a all' -s 'a' -l 'all' -d 'Also CLOSED sockets: bound, never listening or connected (a listing\'s and a watch\'s; kill refuses it).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" 4' -s '4' -d 'IPv4 sockets only.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" 6' -s '6' -d 'IPv6 sockets only.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace"' -l 'local' -d 'Sockets whose local address is ADDR or in ADDR/PREFIX (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace"' -l 'remote' -d 'Sockets whose remote address is ADDR or in ADDR/PREFIX (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace"' -l 'addr' -d 'Sockets with ADDR or ADDR/PREFIX on either side (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" json' -l 'json' -d 'Write JSON: a listing or a kill report as one document; a watch or trace as one object per line.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" no-header' -l 'no-header' -d 'Leave out the header line.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" c count' -s 'c' -l 'count' -d 'Stop after N transitions.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" duration' -l 'duration' -d 'Stop after SECONDS seconds.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" buffer-kb' -l 'buffer-kb' -d 'Kernel trace buffer per CPU, in KiB.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" version' -l 'version' -d 'Show the version.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates trace" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -s 'p' -l 'port' -d 'Sockets with a local or remote port in LIST: 8080, 80,443, 8000-8100.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -l 'local-port' -l 'sport' -d 'Sockets whose local port is in LIST.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -l 'remote-port' -l 'dport' -d 'Sockets whose remote port is in LIST.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -s 's' -l 'state' -d 'Sockets in these states: diagram names (LISTEN, SYN_SENT, SYN_RCVD, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED), ss or netstat spellings, or the groups all, connected, synchronized, bucket, big.' -rfka 'LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT CLOSED all connected synchronized bucket big'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" l listening' -s 'l' -l 'listening' -d 'Listening sockets only (--state LISTEN).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" a all' -s 'a' -l 'all' -d 'Also CLOSED sockets: bound, never listening or connected (a listing\'s and a watch\'s; kill refuses it).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" 4' -s '4' -d 'IPv4 sockets only.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" 6' -s '6' -d 'IPv6 sockets only.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -l 'local' -d 'Sockets whose local address is ADDR or in ADDR/PREFIX (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -l 'remote' -d 'Sockets whose remote address is ADDR or in ADDR/PREFIX (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -l 'addr' -d 'Sockets with ADDR or ADDR/PREFIX on either side (comma-separated list).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -l 'pid' -d 'Sockets held by process PID (repeatable; implies --processes).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill"' -l 'command' -d 'Sockets held by a process named NAME (repeatable; implies --processes).' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" netns' -l 'netns' -d 'The sockets of network namespace NAME (under /run/netns) or PATH (/proc/PID/ns/net), or of each of a comma-separated list; needs root.' -rfka ''
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" all-netns' -l 'all-netns' -d 'The sockets of every network namespace (named, held by processes, this one), each naming its own; unprivileged, this one only.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" json' -l 'json' -d 'Write JSON: a listing or a kill report as one document; a watch or trace as one object per line.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" no-header' -l 'no-header' -d 'Leave out the header line.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" y yes' -s 'y' -l 'yes' -d 'Kill without asking (for scripts).'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" dry-run' -l 'dry-run' -d 'List what would be killed and kill nothing.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" version' -l 'version' -d 'Show the version.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates kill" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tcpstates' -n '__tcpstates_should_offer_completions_for_flags_or_options "tcpstates help" version' -l 'version' -d 'Show the version.'
