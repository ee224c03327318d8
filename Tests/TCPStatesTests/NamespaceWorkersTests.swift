import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

@Suite struct NamespaceWorkersTests {
    @Test("results come back in index order whatever thread ran them")
    func order() {
        let results = NamespaceWorkers.map(count: 200, threads: 4) { index -> (Int, UInt) in
            (index * index, UInt(bitPattern: Int(bitPattern: pthread_self())))
        }
        #expect(results.map(\.0) == (0..<200).map { $0 * $0 })
        #expect(NamespaceWorkers.threadCount(jobs: 1) == 1)
        #expect(NamespaceWorkers.threadCount(jobs: 1000) >= 1)
    }
}
