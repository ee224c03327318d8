import CMNL
#if canImport(Glibc)
import Glibc
#endif

extension NetlinkSocket {
    /// Sends SOCK_DESTROY for `connection` (as a dump of this namespace
    /// reported it) and reads the kernel's acknowledgement.
    public func destroy(_ connection: Connection) throws(SourceError) -> DestroyResult {
        sequence &+= 1
        let request = InetDiagRequest.destroy(connection, sequence: sequence)
        let sent = request.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        guard sent >= 0 else { throw .system("netlink SOCK_DESTROY request failed", errno) }
        // An acknowledgement is a header, the error and the request echoed: about 100 bytes.
        var reply = [UInt8](repeating: 0, count: 4096)
        let received = reply.withUnsafeMutableBytes { raw in
            var count: Int
            repeat {
                count = mnl_socket_recvfrom(socket, raw.baseAddress, raw.count)
            } while count < 0 && errno == EINTR
            return count
        }
        guard received >= 0 else { throw .system("netlink SOCK_DESTROY answer failed", errno) }
        do {
            return try reply.withUnsafeBytes { try DestroyResult(acknowledgement: UnsafeRawBufferPointer(rebasing: $0[..<received])) }
        } catch {
            throw SourceError("netlink SOCK_DESTROY answer unreadable: \(error)")
        }
    }
}

/// Ends sockets through sock_diag SOCK_DESTROY, as `ss -K` does, over a
/// netlink socket of its own, opened in the network namespace current at
/// init (a socket keeps its namespace).
public final class SocketDestroyer {
    private let netlink: NetlinkSocket

    public init() throws(SourceError) {
        netlink = try NetlinkSocket()
    }

    /// The one line to show when the kernel refuses for want of the capability.
    public static let notPermittedMessage =
        "killing sockets needs CAP_NET_ADMIN (run as root); nothing was killed"

    /// Destroys each socket in order and returns each one's result, in the
    /// same order.
    ///
    /// Stops at the first EPERM with a `SourceError` (errno EPERM) before any
    /// further request: the kernel checks CAP_NET_ADMIN against the socket's
    /// network namespace, the same for every socket listed from one
    /// namespace, so an EPERM means none was killed (a socket before it can
    /// only have been already gone).
    public func destroy(_ connections: [Connection]) throws(SourceError) -> [DestroyResult] {
        var results: [DestroyResult] = []
        results.reserveCapacity(connections.count)
        for connection in connections {
            let result = try netlink.destroy(connection)
            if result == .failed(errno: EPERM) {
                throw SourceError(Self.notPermittedMessage, errno: EPERM)
            }
            results.append(result)
        }
        return results
    }

    /// Destroys sockets of several network namespaces, each in its own: for
    /// each namespace of `namespaces` (in order) that holds some of
    /// `connections` (by their `netnsInode`), enters it on this thread, opens
    /// a destroyer there, comes back, and destroys that namespace's sockets
    /// with it. Returns each socket's result in the order of `connections`.
    ///
    /// An EPERM thrown before anything was killed is thrown (nothing was);
    /// after, that namespace's sockets fail with EPERM and the rest go on, so
    /// that what was killed is still reported. A namespace that cannot be
    /// entered any more fails its sockets with that errno (ENOENT, ESRCH:
    /// its holder exited since the listing).
    public static func destroy(_ connections: [Connection],
                               across namespaces: [DiscoveredNamespace]) throws(SourceError) -> [DestroyResult] {
        var indicesByNamespace: [UInt64: [Int]] = [:]
        for (index, connection) in connections.enumerated() {
            indicesByNamespace[connection.netnsInode, default: []].append(index)
        }
        var results = [DestroyResult?](repeating: nil, count: connections.count)
        var killedAny = false
        for namespace in namespaces {
            guard let indices = indicesByNamespace.removeValue(forKey: namespace.identity.inode) else { continue }
            let group = indices.map { connections[$0] }
            let groupResults: [DestroyResult]
            do {
                let destroyer = try opened(in: namespace)
                groupResults = try destroyer.destroy(group)
            } catch let error as SourceError {
                guard let code = error.errno, !(code == EPERM && !killedAny) else { throw error }
                groupResults = Array(repeating: .failed(errno: code), count: group.count)
            } catch {
                throw SourceError("cannot act in network namespace \(namespace.identity.label): \(error)")
            }
            for (index, result) in zip(indices, groupResults) { results[index] = result }
            killedAny = killedAny || groupResults.contains(.killed)
        }
        guard indicesByNamespace.isEmpty else {
            throw SourceError("a socket to kill names a network namespace that was not listed")
        }
        return results.compactMap { $0 }
    }

    /// A destroyer whose socket belongs to `namespace`: opened there, unless
    /// it is this thread's own.
    private static func opened(in namespace: DiscoveredNamespace) throws -> SocketDestroyer {
        if namespace.isOwn { return try SocketDestroyer() }
        return try NetworkNamespace.withEntered(namespace.path, inode: namespace.identity.inode) { try SocketDestroyer() }
    }
}
