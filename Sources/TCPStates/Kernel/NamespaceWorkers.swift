import CMNL
#if canImport(Glibc)
import Glibc
#endif

/// Runs one job per namespace on a few threads at once. Each job runs wholly
/// on one thread (so it may enter a namespace, open a socket there and come
/// back) and hands its result back by value; nothing else is shared.
public enum NamespaceWorkers {
    /// The threads worth starting for `jobs` jobs: one per CPU this process may run on.
    public static func threadCount(jobs: Int) -> Int {
        max(1, min(jobs, Int(CMNL_available_cpus())))
    }

    /// `job(0) ..< job(count)`, in index order, computed on `threads` threads
    /// (the caller's among them). Called from one thread; `job` runs on any.
    public static func map<T: Sendable>(
        count: Int, threads: Int, _ job: @escaping @Sendable (Int) -> T
    ) -> [T] {
        guard threads > 1, count > 1 else { return (0..<count).map(job) }
        let work = SharedWork(count: count, job: job)
        var started: [pthread_t] = []
        for _ in 1..<min(threads, count) {
            var handle = pthread_t()
            let context = Unmanaged.passRetained(work as AnyObject).toOpaque()
            let status = pthread_create(&handle, nil, { context in
                let work = Unmanaged<AnyObject>.fromOpaque(context!).takeRetainedValue() as! WorkRunner
                work.run()
                return nil
            }, context)
            if status == 0 {
                started.append(handle)
            } else {
                Unmanaged<AnyObject>.fromOpaque(context).release()  // no thread: the caller does its share
            }
        }
        work.run()
        for handle in started { pthread_join(handle, nil) }
        return work.results()
    }
}

private protocol WorkRunner: AnyObject { func run() }

/// The next job's index and the results, behind one lock each.
private final class SharedWork<T: Sendable>: WorkRunner, Sendable {
    let count: Int
    let job: @Sendable (Int) -> T
    let next = Locked(0)
    let slots: Locked<[T?]>

    init(count: Int, job: @escaping @Sendable (Int) -> T) {
        self.count = count
        self.job = job
        slots = Locked([T?](repeating: nil, count: count))
    }

    func run() {
        while true {
            let index = next.withLock { value -> Int in
                defer { value += 1 }
                return value
            }
            guard index < count else { return }
            let result = job(index)
            slots.withLock { $0[index] = result }
        }
    }

    func results() -> [T] { slots.withLock { $0.map { $0! } } }
}
