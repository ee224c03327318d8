/// A destroy listener in each of several network namespaces: the kernel
/// sends a namespace's destroy messages only to sockets of that namespace,
/// so each is opened inside its own (the opening thread enters and comes
/// back, as `NetlinkSocket.opened(in:)` does) and reads on a thread of its
/// own, with its own buffer, port filter and loss count; its TIME_WAIT
/// look-ups ask the same namespace. They share one wake pipe, so the owner
/// polls one descriptor. Used by one thread (the watch's).
public final class NamespaceDestroyListeners {
    /// What every listener subscribes to; `netnsInode` and `wake` are set per namespace.
    private let configuration: DestroyListener.Configuration
    private let wake: WakePipe
    /// The listeners held, by namespace inode.
    private var listeners: [UInt64: DestroyListener] = [:]
    /// What listeners of namespaces that went away still held when they stopped.
    private var leftover = DestroyBatch()

    /// Becomes readable when destroyed sockets wait in `take()`.
    public var fileDescriptor: Int32 { wake.fileDescriptor }
    /// The namespaces listened to now, by inode.
    public var inodes: Set<UInt64> { Set(listeners.keys) }

    public init(_ configuration: DestroyListener.Configuration) throws(SourceError) {
        self.configuration = configuration
        wake = try WakePipe()
    }

    deinit { for listener in listeners.values { listener.stop() } }

    /// What a refresh could not do.
    public struct Changes {
        /// Namespaces that may not be entered (unprivileged).
        public var denied = 0
        /// Namespaces whose listener failed otherwise, and why: their closes are seen by polls only.
        public var failed: [(namespace: DiscoveredNamespace, error: SourceError)] = []
    }

    /// Listens in each of `namespaces` and in no other: a listener is opened
    /// and started in each namespace not listened to yet, and the listener
    /// of a namespace not among them is stopped and closed (its socket would
    /// otherwise keep the namespace alive), what it had read kept for the
    /// next `take`. A namespace that vanished meanwhile is skipped.
    @discardableResult
    public func refresh(_ namespaces: [DiscoveredNamespace]) -> Changes {
        var changes = Changes()
        var gone = listeners
        for namespace in namespaces {
            let inode = namespace.identity.inode
            if gone.removeValue(forKey: inode) != nil { continue }
            var configuration = configuration
            configuration.netnsInode = inode
            configuration.wake = wake
            do {
                let listener = try DestroyListener.opened(in: namespace, configuration)
                try listener.start()
                listeners[inode] = listener
            } catch let error as SourceError {
                switch NamespaceFailure(error) {
                case .denied: changes.denied += 1
                case .vanished: continue
                case .other: changes.failed.append((namespace, error))
                }
            } catch {
                changes.failed.append((namespace, SourceError("\(error)")))
            }
        }
        for (inode, listener) in gone {
            listener.stop()
            leftover.merge(listener.takeQueued())
            listeners[inode] = nil
        }
        return changes
    }

    /// What every listener queued since the last call, merged.
    public func take() -> DestroyBatch {
        wake.drain()
        var batch = leftover
        leftover = DestroyBatch()
        for listener in listeners.values { batch.merge(listener.takeQueued()) }
        return batch
    }
}

extension DestroyListener {
    /// A listener of `namespace`'s destroy messages, its sockets opened inside
    /// it (the calling thread enters and comes back): they answer for that
    /// namespace from any thread. Entering needs CAP_SYS_ADMIN; the tool's own namespace does not.
    public static func opened(in namespace: DiscoveredNamespace, _ configuration: Configuration) throws -> DestroyListener {
        if namespace.isOwn { return try DestroyListener(configuration) }
        return try NetworkNamespace.withEntered(namespace.path, inode: namespace.identity.inode) {
            try DestroyListener(configuration)
        }
    }
}

extension DestroyBatch {
    /// Adds `other`'s sockets and losses; the first failure stays.
    mutating func merge(_ other: DestroyBatch) {
        sockets += other.sockets
        kernelOverflows += other.kernelOverflows
        backlogDrops += other.backlogDrops
        if failure == nil { failure = other.failure }
    }
}
