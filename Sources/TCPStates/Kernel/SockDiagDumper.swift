/// What the lister asks of a sock_diag socket: one dump at a time. The
/// netlink socket is the real one; tests replay captured replies through it.
public protocol SockDiagDumper: AnyObject {
    /// Sends one dump request (of both families when `family` is nil) and
    /// hands `body` each socket of the reply until NLMSG_DONE.
    func dump(
        family: AddressFamily?, stateMask: UInt32, bytecode: [UInt8]?,
        transport: TransportProtocol, extensions: InetDiagExtensions,
        capture: ((UnsafeRawBufferPointer) -> Void)?,
        _ body: (Connection) throws -> Void
    ) throws
}

extension NetlinkSocket: SockDiagDumper {}
