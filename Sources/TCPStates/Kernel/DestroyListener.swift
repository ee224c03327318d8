import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// One socket the kernel freed, and the TIME_WAIT socket that replaced it:
/// a full TCP socket that becomes a TIME_WAIT one is freed too.
public struct DestroyedSocket: Sendable, Equatable {
    /// The destroy message's socket: state CLOSED, its cookie and endpoints.
    public var destroyed: Connection
    /// The TIME_WAIT socket on its endpoints right after, nil when there is
    /// none. It has the same cookie if a dump saw the full socket, else one
    /// of its own (the kernel makes cookies when first asked).
    public var successor: Connection?
    /// Whether the look-up for the successor went unanswered (its answer was
    /// lost under load), so that nil says nothing: the next poll decides.
    public var successorIsUnknown = false

    public init(destroyed: Connection, successor: Connection?, successorIsUnknown: Bool = false) {
        self.destroyed = destroyed
        self.successor = successor
        self.successorIsUnknown = successorIsUnknown
    }
}

/// What the listener's thread handed over since the last `take`.
public struct DestroyBatch: Sendable {
    public var sockets: [DestroyedSocket] = []
    /// Times the kernel dropped destroy messages (ENOBUFS: its queue for
    /// this socket overflowed); how many it dropped each time is unknown.
    public var kernelOverflows = 0
    /// Messages dropped because the watch did not take them fast enough.
    public var backlogDrops = 0
    /// Why the thread stopped, if it failed.
    public var failure: SourceError?
}

/// NETLINK_SOCK_DIAG sockets subscribed to the destroy multicast groups:
/// the kernel sends one inet_diag_msg (state CLOSED) for every full socket
/// it frees, so that sockets living less than a refresh are still seen.
/// Works unprivileged. TIME_WAIT expiry sends nothing.
///
/// A thread of its own reads the messages as they come, so that a slow
/// refresh cannot make the kernel drop them. For each freed TCP socket it
/// asks, in one batched round trip per read, whether a TIME_WAIT socket
/// replaced it. It hands the results over through a lock-protected
/// queue and wakes the owner through a pipe: `fileDescriptor` becomes
/// readable, then the owner calls `take()`. Everything public is for the
/// owner's thread; the reader thread touches only its sockets and the queue.
public final class DestroyListener: @unchecked Sendable {
    /// What to subscribe to and keep.
    public struct Configuration: Sendable {
        /// Messages for sockets no filter would list are dropped on the reader thread.
        public var filter: ConnectionFilter
        /// Bytes asked for the receive buffer: SO_RCVBUFFORCE where permitted,
        /// else SO_RCVBUF (capped by net.core.rmem_max). The kernel counts
        /// about 1 KiB a queued message.
        public var receiveBufferBytes: Int32 = 32 << 20
        /// Sockets held for the owner at most; more are counted as `backlogDrops`.
        public var backlogLimit = 1 << 18
        /// Stamped on every socket handed over (`netnsInode`): the namespace
        /// the listener was opened in, when several are watched; 0 for one.
        public var netnsInode: UInt64 = 0
        /// The pipe that wakes the owner, shared by the listeners of several
        /// namespaces; nil for one of the listener's own.
        public var wake: WakePipe?

        public init(filter: ConnectionFilter) { self.filter = filter }
    }

    private struct Queue {
        var batch = DestroyBatch()
        /// A wake-up byte is in the pipe and not yet consumed.
        var notified = false
    }

    private let configuration: Configuration
    private let socket: OpaquePointer
    /// For the reader thread's cookie lookups (non-blocking).
    private let lookups: OpaquePointer
    private let queue = Locked(Queue())
    private let wake: WakePipe
    /// Tells the reader thread to end.
    private let stopping: WakePipe
    private var thread: pthread_t?
    /// Whether the kernel runs the port filter (SO_ATTACH_FILTER took it).
    public private(set) var filtersInKernel = false
    /// The receive buffer the kernel granted, in bytes.
    public private(set) var receiveBufferBytes: Int32 = 0

    /// Becomes readable when destroyed sockets wait in `take()`.
    public var fileDescriptor: Int32 { wake.fileDescriptor }

    /// Opens and subscribes the socket; the thread starts with `start()`.
    public init(_ configuration: Configuration) throws(SourceError) {
        self.configuration = configuration
        guard let socket = mnl_socket_open(NETLINK_SOCK_DIAG) else {
            throw SourceError.system("cannot open a netlink sock_diag socket", errno)
        }
        // nl_groups bit (group - 1): SKNLGRP_INET_TCP_DESTROY 1, INET_UDP 2, INET6_TCP 3, INET6_UDP 4.
        var groups: UInt32 = 0
        if configuration.filter.transports.contains(.tcp) {
            groups |= Self.groupBit(SKNLGRP_INET_TCP_DESTROY.rawValue) | Self.groupBit(SKNLGRP_INET6_TCP_DESTROY.rawValue)
        }
        if configuration.filter.transports.contains(.udp) {
            groups |= Self.groupBit(SKNLGRP_INET_UDP_DESTROY.rawValue) | Self.groupBit(SKNLGRP_INET6_UDP_DESTROY.rawValue)
        }
        guard mnl_socket_bind(socket, groups, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = errno
            mnl_socket_close(socket)
            throw SourceError.system("cannot subscribe to sock_diag destroy events", code)
        }
        let fd = mnl_socket_get_fd(socket)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        guard let lookups = mnl_socket_open(NETLINK_SOCK_DIAG) else {
            let code = errno
            mnl_socket_close(socket)
            throw SourceError.system("cannot open a netlink sock_diag socket", code)
        }
        guard mnl_socket_bind(lookups, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = errno
            mnl_socket_close(socket)
            mnl_socket_close(lookups)
            throw SourceError.system("cannot bind the netlink sock_diag socket", code)
        }
        let lookupFD = mnl_socket_get_fd(lookups)
        _ = fcntl(lookupFD, F_SETFL, fcntl(lookupFD, F_GETFL) | O_NONBLOCK)
        self.lookups = lookups
        let wake: WakePipe
        let stopping: WakePipe
        do throws(SourceError) {
            if let shared = configuration.wake { wake = shared } else { wake = try WakePipe() }
            stopping = try WakePipe()
        } catch {
            mnl_socket_close(socket)
            mnl_socket_close(lookups)
            throw error
        }
        self.wake = wake
        self.stopping = stopping
        self.socket = socket
        receiveBufferBytes = Self.setReceiveBuffer(fd, bytes: configuration.receiveBufferBytes)
        _ = Self.setReceiveBuffer(lookupFD, bytes: 4 << 20)
        if let program = DestroyMessageFilter.program(for: configuration.filter) {
            filtersInKernel = Self.attach(program, to: fd)
        }
    }

    deinit {
        stop()
        mnl_socket_close(socket)
        mnl_socket_close(lookups)
    }

    private static func groupBit(_ group: UInt32) -> UInt32 { 1 << (group - 1) }

    /// SO_RCVBUFFORCE (CAP_NET_ADMIN, not capped), else SO_RCVBUF; returns what the kernel granted.
    private static func setReceiveBuffer(_ fd: Int32, bytes: Int32) -> Int32 {
        var size = bytes
        let length = socklen_t(MemoryLayout<Int32>.size)
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, length) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, length)
        }
        var granted: Int32 = 0
        var grantedLength = length
        _ = getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &grantedLength)
        return granted
    }

    private static func attach(_ program: [DestroyMessageFilter.Instruction], to fd: Int32) -> Bool {
        var instructions = program.map { sock_filter(code: $0.code, jt: $0.jumpIfTrue, jf: $0.jumpIfFalse, k: $0.k) }
        return instructions.withUnsafeMutableBufferPointer { buffer in
            var fprog = sock_fprog(len: UInt16(buffer.count), filter: buffer.baseAddress)
            return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, socklen_t(MemoryLayout<sock_fprog>.size)) == 0
        }
    }

    /// Starts the reader thread.
    public func start() throws(SourceError) {
        guard thread == nil else { return }
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&handle, nil, { context in
            let listener = Unmanaged<DestroyListener>.fromOpaque(context!).takeRetainedValue()
            listener.readUntilStopped()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<DestroyListener>.fromOpaque(context).release()
            throw SourceError.system("cannot start the destroy event thread", result)
        }
        thread = handle
    }

    /// Stops and joins the reader thread; the second call does nothing.
    public func stop() {
        guard let thread else { return }
        self.thread = nil
        stopping.notify()
        pthread_join(thread, nil)
    }

    /// What the reader thread queued since the last call; for the owner's thread.
    public func take() -> DestroyBatch {
        // The pipe first, then the queue: a wake-up for what comes after the take stays in the pipe.
        wake.drain()
        return takeQueued()
    }

    /// What the reader thread queued, without draining the wake pipe: for
    /// an owner of several listeners sharing one, which drains it once
    /// before taking from each (draining between two takes could swallow
    /// the wake-up of a listener already taken from).
    public func takeQueued() -> DestroyBatch {
        queue.withLock { queue in
            let batch = queue.batch
            queue.batch = DestroyBatch()
            queue.notified = false
            return batch
        }
    }

    // MARK: the reader thread

    private func readUntilStopped() {
        let fd = mnl_socket_get_fd(socket)
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: stopping.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        // A read returns one message (each is its own skb, under 1 KiB): the
        // buffer need not be large, and a watch of many namespaces has one per listener.
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)
        var lookupSequence: UInt32 = 1
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return hand(failure: SourceError.system("poll on the destroy events failed", errno))
            }
            if fds[1].revents != 0 { return }
            var destroyed: [Connection] = []
            var overflows = 0
            // Everything queued now, in as few reads as the buffer allows.
            while destroyed.count < 4096 {
                let received = buffer.withUnsafeMutableBytes { mnl_socket_recvfrom(socket, $0.baseAddress, $0.count) }
                if received < 0 {
                    if errno == EINTR { continue }
                    if errno == ENOBUFS { overflows += 1; continue }
                    if errno == EAGAIN { break }
                    return hand(failure: SourceError.system("reading sock_diag destroy events failed", errno))
                }
                do {
                    try buffer.withUnsafeBytes { raw in
                        try Self.decodeDestroyed(UnsafeRawBufferPointer(rebasing: raw[..<received])) { connection in
                            var connection = connection
                            connection.netnsInode = configuration.netnsInode
                            if configuration.filter.mayHaveHeld(destroyed: connection) { destroyed.append(connection) }
                        }
                    }
                } catch {
                    return hand(failure: SourceError("sock_diag destroy event unreadable: \(error)"))
                }
            }
            let successors = successorsInTimeWait(of: destroyed, sequence: &lookupSequence, buffer: &buffer)
            hand(zip(destroyed, successors).map {
                DestroyedSocket(destroyed: $0, successor: $1.connection, successorIsUnknown: !$1.answered)
            }, overflows: overflows)
        }
    }

    /// The destroy messages of one read. inet_diag_msg has no protocol: a
    /// destroy message says it in an INET_DIAG_PROTOCOL attribute.
    static func decodeDestroyed(_ buffer: UnsafeRawBufferPointer, _ body: (Connection) throws -> Void) throws {
        try InetDiagDecoder.forEachMessage(buffer) { type, _, payload in
            if type == UInt16(SOCK_DIAG_BY_FAMILY) {
                var connection = try InetDiagDecoder.connection(from: payload)
                if protocolAttribute(payload) == TransportProtocol.udp.ipProtocol { connection.transport = .udp }
                try body(connection)
            }
            return true
        }
    }

    /// The u8 of INET_DIAG_PROTOCOL among the attributes after inet_diag_msg, nil without one.
    static func protocolAttribute(_ message: UnsafeRawBufferPointer) -> UInt8? {
        var offset = InetDiagDecoder.messageSize
        while offset + 5 <= message.count {
            let length = Int(message.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = message.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3FFF
            guard length >= 4, offset + length <= message.count else { return nil }
            if type == UInt16(INET_DIAG_PROTOCOL), length >= 5 { return message[offset + 4] }
            offset += (length + 3) & ~3
        }
        return nil
    }

    /// For each TCP socket, the TIME_WAIT socket now on its endpoints: one
    /// request per socket, all sent in one write. The kernel answers each
    /// before the write returns; an answer it could not queue counts as none.
    ///
    /// The lookup names endpoints, not the cookie: the kernel makes a
    /// socket's cookie when it is first asked for, and a TIME_WAIT socket
    /// copies its full socket's cookie only if it was made by then. So a
    /// socket some dump saw keeps its cookie into TIME_WAIT, and one that
    /// no dump saw gets one cookie in its destroy message and another in
    /// TIME_WAIT. One tuple holds one TIME_WAIT socket at a time.
    private func successorsInTimeWait(
        of destroyed: [Connection], sequence: inout UInt32, buffer: inout [UInt8]
    ) -> [(connection: Connection?, answered: Bool)] {
        var successors = [(connection: Connection?, answered: Bool)](repeating: (nil, true), count: destroyed.count)
        var start = 0
        // Each answer takes about 1 KiB of the lookup socket's 4 MiB buffer: 512 at a time leave room.
        while start < destroyed.count {
            let end = min(destroyed.count, start + 512)
            let first = sequence
            var requests: [UInt8] = []
            var asked: [UInt32: Int] = [:]
            for index in start..<end where destroyed[index].transport == .tcp && destroyed[index].cookie != 0 {
                let connection = destroyed[index]
                asked[sequence] = index
                successors[index].answered = false
                requests += InetDiagRequest.lookup(
                    local: connection.local, remote: connection.remote, sequence: sequence)
                sequence &+= 1
            }
            start = end
            guard !requests.isEmpty else { continue }
            exchange(requests, buffer: &buffer) { sequenceNumber, connection in
                guard sequenceNumber &- first < UInt32(asked.count), let index = asked[sequenceNumber] else { return }
                successors[index].answered = true
                if var connection, connection.isTimewait {
                    connection.netnsInode = configuration.netnsInode
                    successors[index].connection = connection
                }
            }
        }
        return successors
    }

    /// Sends `requests` in one write and reads every answer already queued:
    /// sock_diag answers within the write. A socket found calls `body` with
    /// it, an error answer (ENOENT: none there) with nil; a lost answer
    /// calls nothing.
    private func exchange(_ requests: [UInt8], buffer: inout [UInt8], _ body: (UInt32, Connection?) -> Void) {
        let sent = requests.withUnsafeBytes { mnl_socket_sendto(lookups, $0.baseAddress, $0.count) }
        guard sent >= 0 else { return }
        while true {
            let received = buffer.withUnsafeMutableBytes { mnl_socket_recvfrom(lookups, $0.baseAddress, $0.count) }
            if received < 0 {
                if errno == EINTR || errno == ENOBUFS { continue }
                return
            }
            buffer.withUnsafeBytes { raw in
                InetDiagDecoder.forEachMessage(UnsafeRawBufferPointer(rebasing: raw[..<received])) { type, sequence, payload in
                    if type == UInt16(SOCK_DIAG_BY_FAMILY) {
                        if let connection = try? InetDiagDecoder.connection(from: payload) { body(sequence, connection) }
                    } else if type == UInt16(NLMSG_ERROR) {
                        body(sequence, nil)
                    }
                    return true
                }
            }
        }
    }

    private func hand(_ sockets: [DestroyedSocket] = [], overflows: Int = 0, failure: SourceError? = nil) {
        guard !sockets.isEmpty || overflows > 0 || failure != nil else { return }
        let limit = configuration.backlogLimit
        let wake = queue.withLock { queue -> Bool in
            let room = max(0, limit - queue.batch.sockets.count)
            queue.batch.sockets += sockets.prefix(room)
            queue.batch.backlogDrops += max(0, sockets.count - room)
            queue.batch.kernelOverflows += overflows
            if let failure { queue.batch.failure = failure }
            guard !queue.notified else { return false }
            queue.notified = true
            return true
        }
        if wake { self.wake.notify() }
    }
}

extension Connection {
    /// A TIME_WAIT minisock: state TIME_WAIT, or FIN_WAIT_2 as its substate with the timewait timer.
    var isTimewait: Bool {
        kernelState == KernelTCPState.timeWait
            || (kernelState == KernelTCPState.finWait2 && inode == 0 && timer?.kind == 3)  // 3: the timewait timer
    }
}
