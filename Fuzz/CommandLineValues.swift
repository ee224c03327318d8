// The values of --port/--local-port/--remote-port (ports and ranges),
// --state, and --local/--remote/--addr (addresses and CIDR prefixes), and
// what is built from them: the kernel's bytecode and the trace filter.
// Seeds: a few values from the tests (Fuzz/seeds/CommandLineValues).
import TCPStates

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommandLineValues(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var filter = ConnectionFilter()
    if let ports = try? PortRanges(parsing: text) {
        for range in ports.ranges { precondition(range.lower <= range.upper) }
        filter.ports = ports
        filter.localPorts = ports
        filter.remotePorts = ports
    }
    if let states = try? StateSet(parsing: text) {
        precondition(!states.isEmpty)
        filter.states = states
    }
    if let prefix = try? AddressPrefix(parsing: text) {
        precondition(prefix.length >= 0 && prefix.length <= (prefix.address.family == .ipv4 ? 32 : 128))
        precondition(prefix.contains(prefix.address), "\(text) does not contain its own address")
        filter.addresses = [prefix]
        filter.localAddresses = [prefix]
    }
    if let program = InetDiagBytecode.compile(filter) {
        precondition(program.count % 4 == 0 && program.count <= 60_000)
    }
    _ = TraceFilterExpression.make(filter)
    let socket = Connection(
        kernelState: 1, local: Endpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 80),
        remote: Endpoint(address: IPAddress(ipv6High: 0, low: 0xFFFF_7F00_0001), port: 8080),
        recvQueue: 0, sendQueue: 0, uid: 0, inode: 1)
    _ = filter.matches(socket)
    return 0
}
