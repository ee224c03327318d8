// tracefs saved_cmdlines (`PID COMM` lines) and /proc/PID/stat, the two
// places a trace names a process from. Seeds:
// Tests/TCPStatesTests/Fixtures/trace/saved_cmdlines.txt and proc-stat-*.txt.
@testable import TCPStates

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSavedCmdlines(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = Array(UnsafeBufferPointer(start: data, count: size))
    // Ask for every pid the text seems to mention, and for one it does not.
    var pids: Set<Int32> = [0, -1, Int32.max]
    for line in text.split(separator: UInt8(ascii: "\n")).prefix(8) {
        let digits = line.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.prefix(9)
        if let pid = Int32(String(decoding: digits, as: UTF8.self)) { pids.insert(pid) }
    }
    for pid in pids {
        if let command = TaskNames.command(of: pid, inSavedCmdlines: text) {
            precondition(!command.contains(UInt8(ascii: "\n")), "a command with a newline")
        }
    }
    // The same bytes as /proc/PID/stat, and through TaskNames as the tracer uses it.
    _ = TaskNames.parseStat(text)
    var names = TaskNames(readStat: { _ in text }, savedCommand: { TaskNames.command(of: $0, inSavedCmdlines: text) })
    let change = SocketStateChange(
        timestamp: 1, socket: 1, oldState: 1, newState: 4,
        local: Endpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 1),
        remote: Endpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 2), pid: 42, contextFlags: 0)
    _ = names.owner(of: change)
    names.readStat = { _ in nil }
    _ = names.owner(of: change)
    return 0
}
