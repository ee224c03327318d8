#if canImport(Glibc)
import Glibc
#endif

/// A file read on a thread of its own, at most `chunkCount` chunks ahead of
/// its consumer.
///
/// Reading /proc/net/tcp is mostly kernel time (the kernel formats every
/// line, about 1.8 µs a socket here) and /proc/net/tcp6 walks the whole TCP
/// hash again even when it lists nothing. Read ahead, both files' kernel work
/// runs beside the parsing instead of before it, in bounded memory.
///
/// One thread, the consumer, calls `read` and `close`; the reading thread
/// touches only the ring it shares with it. Dropping the last reference
/// closes the file as `close()` does.
public final class ReadAheadFile: @unchecked Sendable {
    /// The path, for messages.
    public let path: String
    private let ring: ReadAheadRing
    private let fd: Int32
    private var thread: pthread_t?
    private var closed = false

    /// Opens `path` and starts reading it; throws a SourceError when it cannot be opened.
    public convenience init(path: String, chunkSize: Int = 64 * 1024, chunkCount: Int = 4) throws(SourceError) {
        try self.init(path: path, chunkSize: chunkSize, chunkCount: chunkCount, readsAhead: true)
    }

    /// `readsAhead: false` reads on the consumer's thread, as when no thread can be started.
    init(path: String, chunkSize: Int, chunkCount: Int, readsAhead: Bool) throws(SourceError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SourceError.system("cannot read \(path)", errno) }
        ring = ReadAheadRing(fd: fd, chunkSize: chunkSize, chunkCount: chunkCount)
        guard readsAhead else {
            ring.finishProducing()
            return
        }
        var handle = pthread_t()
        // The thread owns a reference to the ring, so that the ring outlives
        // it however this object goes away; it gives the reference up when it ends.
        let context = Unmanaged.passRetained(ring)
        if pthread_create(&handle, nil, { context in
            Unmanaged<ReadAheadRing>.fromOpaque(context!).takeRetainedValue().produce()
            return nil
        }, context.toOpaque()) == 0 {
            thread = handle
        } else {
            context.release()
            ring.finishProducing()     // no thread: `read` reads the file itself
        }
    }

    deinit { close() }

    /// Stops the reading thread and closes the file; safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        if let handle = thread {
            ring.cancel()
            pthread_join(handle, nil)
            thread = nil
        }
        Glibc.close(fd)
    }

    /// Copies up to `count` next bytes of the file to `destination`, waiting
    /// for them: returns 0 at the end, -1 with `errno` set after a read error
    /// (EBADF after `close()`).
    public func read(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        guard !closed else {
            errno = EBADF
            return -1
        }
        // Without a reading thread, read the file here.
        guard let copied = ring.take(into: destination, count: count) else { return Glibc.read(fd, destination, count) }
        return copied
    }
}

/// The chunks a `ReadAheadFile`'s thread fills and its consumer empties.
private final class ReadAheadRing: @unchecked Sendable {
    let fd: Int32
    private let chunkSize: Int
    private let chunkCount: Int
    private let storage: UnsafeMutableRawPointer
    // Guarded by `mutex`: the ring of filled chunks and how the producer ended.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var lengths: [Int]
    private var first = 0           // oldest filled chunk
    private var filled = 0          // chunks filled and not yet consumed
    private var producerError: Int32?
    private var producerDone = false
    private var withoutThread = false   // set before any thread could start, then constant
    private var cancelled = false
    // The consumer's own: where it is in the oldest chunk.
    private var consumed = 0

    init(fd: Int32, chunkSize: Int, chunkCount: Int) {
        self.fd = fd
        self.chunkSize = chunkSize
        self.chunkCount = chunkCount
        storage = .allocate(byteCount: chunkSize * chunkCount, alignment: 64)
        lengths = [Int](repeating: 0, count: chunkCount)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        pthread_cond_destroy(changed)
        mutex.deallocate()
        changed.deallocate()
        storage.deallocate()
    }

    /// Called before any thread runs, when none will: `take` answers nil.
    func finishProducing() {
        withoutThread = true
        producerDone = true
    }

    /// Consumer: asks the producer to stop.
    func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// Consumer: copies up to `count` bytes of the oldest chunk, waiting for
    /// one; 0 at the end, -1 with errno after a read error, nil when no
    /// thread ever read the file.
    func take(into destination: UnsafeMutableRawPointer, count: Int) -> Int? {
        if withoutThread { return nil }
        pthread_mutex_lock(mutex)
        while filled == 0 && !producerDone { pthread_cond_wait(changed, mutex) }
        guard filled > 0 else {
            let failure = producerError
            pthread_mutex_unlock(mutex)
            if let failure {
                errno = failure
                return -1
            }
            return 0
        }
        let chunk = first
        let length = lengths[chunk]
        pthread_mutex_unlock(mutex)

        // The producer never touches a filled chunk: no lock while copying.
        let copied = min(count, length - consumed)
        destination.copyMemory(from: storage + chunk * chunkSize + consumed, byteCount: copied)
        consumed += copied
        if consumed == length {
            consumed = 0
            pthread_mutex_lock(mutex)
            first = (first + 1) % chunkCount
            filled -= 1
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
        return copied
    }

    /// The reading thread: fills free chunks until the end, an error, or `cancel()`.
    func produce() {
        var next = 0
        while true {
            pthread_mutex_lock(mutex)
            while filled == chunkCount && !cancelled { pthread_cond_wait(changed, mutex) }
            let stop = cancelled
            pthread_mutex_unlock(mutex)
            if stop { break }

            // A /proc seq_file read returns one page at most: fill the whole
            // chunk before handing it over, or the two threads take turns
            // (and context switches) every 4 KiB.
            let chunk = storage + next * chunkSize
            var count = 0
            var failure: Int32?
            var atEnd = false
            while count < chunkSize {
                let n = Glibc.read(fd, chunk + count, chunkSize - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = errno }
                if n <= 0 {
                    atEnd = true
                    break
                }
                count += n
            }

            pthread_mutex_lock(mutex)
            if count > 0 {
                lengths[next] = count
                filled += 1
                next = (next + 1) % chunkCount
            }
            if atEnd {
                producerError = failure
                producerDone = true
            }
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
            if atEnd { return }
        }
        pthread_mutex_lock(mutex)
        producerDone = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }
}
