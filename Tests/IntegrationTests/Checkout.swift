import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The repository these tests belong to, and its committed files.
enum Checkout {
    /// The checkout's root: three levels above this file.
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOfFile: "\(root)/\(relativePath)", encoding: .utf8)
    }

    /// The first line where two texts differ, for a readable failure.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let la = a.split(separator: "\n", omittingEmptySubsequences: false)
        let lb = b.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(la.count, lb.count) {
            let x = index < la.count ? String(la[index]) : "<end>"
            let y = index < lb.count ? String(lb[index]) : "<end>"
            if x != y { return "line \(index + 1): committed \"\(x)\", generated \"\(y)\"" }
        }
        return "no difference"
    }
}
