import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

@Suite struct WakePipeTests {
    static func isReadable(_ pipe: WakePipe) -> Bool {
        var fds = [pollfd(fd: pipe.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        return poll(&fds, 1, 0) == 1
    }

    @Test("notify makes it readable, from any number of notifiers; drain empties it")
    func wakesAndDrains() throws {
        let pipe = try WakePipe()
        #expect(!Self.isReadable(pipe))
        // More bytes than one drain read takes: the pipe is still emptied.
        for _ in 0..<200 { pipe.notify() }
        #expect(Self.isReadable(pipe))
        pipe.drain()
        #expect(!Self.isReadable(pipe))
    }
}
