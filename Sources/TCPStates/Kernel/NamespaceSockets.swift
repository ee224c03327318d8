#if canImport(Glibc)
import Glibc
#endif

extension NetlinkSocket {
    /// A sock_diag socket of `namespace`: opened inside it (the calling thread
    /// enters and comes back), it answers for that namespace from then on,
    /// from any thread. Entering needs CAP_SYS_ADMIN; the tool's own namespace does not.
    public static func opened(in namespace: DiscoveredNamespace) throws -> NetlinkSocket {
        if namespace.isOwn { return try NetlinkSocket() }
        return try NetworkNamespace.withEntered(namespace.path, inode: namespace.identity.inode) {
            try NetlinkSocket()
        }
    }
}

/// One sock_diag socket per network namespace, kept open across refreshes:
/// `refresh` opens sockets in namespaces that appeared and closes those of
/// namespaces that went away. Used by one thread at a time.
public final class NamespaceSockets {
    /// The namespaces held, in `NamespaceDiscovery` order, each with its socket.
    public private(set) var entries: [(namespace: DiscoveredNamespace, socket: NetlinkSocket)] = []
    /// How many namespaces of the last refresh could not be entered (unprivileged).
    public private(set) var deniedCount = 0

    public init() {}

    /// What a refresh changed.
    public struct Changes {
        public var opened: [DiscoveredNamespace] = []
        public var closed: [DiscoveredNamespace] = []
    }

    /// Holds a socket for each of `namespaces` (as `NamespaceDiscovery` found
    /// them) and for no other. A namespace that cannot be entered for lack of
    /// privilege is counted in `deniedCount` (thrown when not `skipsDenied`:
    /// one the user named); one that vanished meanwhile is skipped.
    /// Other failures are thrown.
    @discardableResult
    public func refresh(_ namespaces: [DiscoveredNamespace], skipsDenied: Bool = true) throws -> Changes {
        var changes = Changes()
        var held: [UInt64: (namespace: DiscoveredNamespace, socket: NetlinkSocket)] = [:]
        for entry in entries { held[entry.namespace.identity.inode] = entry }
        var next: [(namespace: DiscoveredNamespace, socket: NetlinkSocket)] = []
        var denied = 0
        for namespace in namespaces {
            if let kept = held.removeValue(forKey: namespace.identity.inode) {
                // Names and holders change (a name added, a holder exited): keep the newest.
                next.append((namespace, kept.socket))
                continue
            }
            do {
                next.append((namespace, try NetlinkSocket.opened(in: namespace)))
                changes.opened.append(namespace)
            } catch let error as SourceError {
                switch NamespaceFailure(error) {
                case .denied where skipsDenied: denied += 1
                case .denied: throw error
                case .vanished: continue
                case .other: throw error
                }
            }
        }
        changes.closed = held.values.map(\.namespace)
        entries = next  // the sockets of vanished namespaces close here, with the last reference
        deniedCount = denied
        return changes
    }

    /// The socket of the namespace with this inode.
    public func socket(forInode inode: UInt64) -> NetlinkSocket? {
        entries.first { $0.namespace.identity.inode == inode }?.socket
    }
}

/// Why a namespace found by discovery could not be entered.
public enum NamespaceFailure: Sendable {
    /// Not allowed (unprivileged): counted, not fatal.
    case denied
    /// Gone between discovery and entering (its holder exited, its name was deleted).
    case vanished
    case other

    public init(_ error: SourceError) {
        switch error.errno {
        case EPERM?, EACCES?: self = .denied
        case ENOENT?, ESRCH?: self = .vanished
        default: self = .other
        }
    }
}
