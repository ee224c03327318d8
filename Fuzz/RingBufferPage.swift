// Pages read from tracefs per_cpu/cpuN/trace_pipe_raw, and the
// sock:inet_sock_set_state records in them, decoded at the offsets of the
// captured format file. Seeds: Tests/TCPStatesTests/Fixtures/trace/trace_pipe_raw-cpu1.bin.
import Foundation
import TCPStates

let recordDecoder: SocketStateChangeDecoder = {
    let path = #filePath.replacingOccurrences(of: "Fuzz/RingBufferPage.swift", with: "")
        + "Tests/TCPStatesTests/Fixtures/trace/format"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
          let format = try? TraceEventFormat(parsing: text),
          let decoder = try? SocketStateChangeDecoder(format: format)
    else { fatalError("cannot read the captured event format at \(path)") }
    return decoder
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRingBufferPage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let page = UnsafeRawBufferPointer(start: data, count: size)
    var records = 0
    let summary = try? RingBufferPage.decode(page) { timestamp, record in
        records += 1
        if let change = recordDecoder.decode(record, timestamp: timestamp) {
            _ = (change.family, change.ranInInterrupt)
        }
    }
    if let summary { precondition(summary.records == records) }
    return 0
}
