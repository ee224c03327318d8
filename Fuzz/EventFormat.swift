// The tracepoint's format file (events/sock/inet_sock_set_state/format):
// any text that parses must give a decoder that reads the captured records
// within their bounds. Seeds: Tests/TCPStatesTests/Fixtures/trace/format.
import Foundation
import TCPStates

let capturedPage: [UInt8] = {
    let path = #filePath.replacingOccurrences(of: "Fuzz/EventFormat.swift", with: "")
        + "Tests/TCPStatesTests/Fixtures/trace/trace_pipe_raw-cpu1.bin"
    guard let bytes = FileManager.default.contents(atPath: path) else { fatalError("cannot read \(path)") }
    return [UInt8](bytes)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventFormat(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let format = try? TraceEventFormat(parsing: text),
          let decoder = try? SocketStateChangeDecoder(format: format)
    else { return 0 }
    capturedPage.withUnsafeBytes { page in
        _ = try? RingBufferPage.decode(page) { timestamp, record in
            _ = decoder.decode(record, timestamp: timestamp)
            // The same record cut short: a decoder must not read past its end.
            for cut in [0, 1, record.count / 2, record.count - 1] where cut >= 0 && cut < record.count {
                _ = decoder.decode(UnsafeRawBufferPointer(rebasing: record[..<cut]), timestamp: timestamp)
            }
        }
    }
    return 0
}
