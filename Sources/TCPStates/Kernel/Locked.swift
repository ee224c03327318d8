#if canImport(Glibc)
import Glibc
#endif

/// A value behind a POSIX mutex: what threads hand each other (STYLE.md:
/// a small lock-protected queue). Not `Synchronization.Mutex`: on Linux its
/// lock is a futex compare-and-swap inside the standard library, which
/// ThreadSanitizer does not see, so every access under it was reported as a
/// race (`make sanitize`); pthread_mutex_lock is one it intercepts.
final class Locked<Value> {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` on the value with the lock held.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

extension Locked: @unchecked Sendable where Value: Sendable {}
