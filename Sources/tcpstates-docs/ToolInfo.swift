/// The parts of the argument parser's `--experimental-dump-help` document
/// (ToolInfoV0) that a man page needs.
struct ToolInfo: Decodable {
    let command: CommandInfo
}

struct CommandInfo: Decodable {
    let commandName: String
    let superCommands: [String]?
    let abstract: String?
    let discussion: String?
    let shouldDisplay: Bool?
    let subcommands: [CommandInfo]?
    let arguments: [ArgumentInfo]?

    /// `tcpstates explain`
    var fullName: String { ((superCommands ?? []) + [commandName]).joined(separator: " ") }
    /// The arguments shown in help, in declaration order.
    var shownArguments: [ArgumentInfo] { (arguments ?? []).filter { $0.shouldDisplay != false } }
}

struct ArgumentInfo: Decodable {
    struct Name: Decodable {
        let kind: String
        let name: String

        /// `--port`, `-p`, `-help`
        var spelled: String {
            switch kind {
            case "long": "--" + name
            case "short": "-" + name
            default: "-" + name
            }
        }
    }

    let kind: String
    let names: [Name]?
    let preferredName: Name?
    let valueName: String?
    let abstract: String?
    let discussion: String?
    let sectionTitle: String?
    let shouldDisplay: Bool?
    let defaultValue: String?
    let isOptional: Bool?

    var isPositional: Bool { kind == "positional" }
    var isOption: Bool { kind == "option" }

    /// The key the prose file uses: `--port`, `-4` or `<state>`.
    var key: String {
        if isPositional { return "<\(valueName ?? "value")>" }
        return (preferredName ?? names?.first)?.spelled ?? "?"
    }

    /// Whether it is a flag every command has.
    var isBuiltIn: Bool { ["--help", "--version"].contains(key) }
}
