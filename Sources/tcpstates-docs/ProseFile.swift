/// Hand-written roff kept in the repository beside what is generated: a
/// file of blocks, each opened by a comment line naming what it describes:
///
///     .\" @option --sort                 body of the --sort entry
///     .\" @option explain <state>        a subcommand's argument
///     .\" @command explain               text of the subcommand's section
///     .\" @synopsis explain              its SYNOPSIS lines
///
/// A block runs to the next such line.
struct ProseFile {
    private(set) var blocks: [String: [String]] = [:]
    private var used: Set<String> = []

    init(text: String) throws {
        var key: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix(".\\\" @") {
                let name = String(line.dropFirst(5))
                guard blocks[name] == nil else { throw DocsError("the prose file has two blocks for '\(name)'") }
                key = name
                blocks[name] = []
            } else if let key {
                blocks[key]?.append(line)
            }
        }
        for (name, lines) in blocks {
            var lines = lines
            while lines.last?.isEmpty == true { lines.removeLast() }
            blocks[name] = lines
        }
    }

    /// The block for `key`, remembered as used.
    mutating func take(_ key: String) -> [String]? {
        guard let block = blocks[key] else { return nil }
        used.insert(key)
        return block
    }

    /// Blocks no command or argument asked for: prose about an option that
    /// was renamed or removed.
    var unused: [String] { blocks.keys.filter { !used.contains($0) }.sorted() }
}

struct DocsError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
