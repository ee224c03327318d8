import ArgumentParser
import TCPStates

/// The parser reads the root command's options wherever they stand, even
/// after a subcommand's name. So a subcommand named first is parsed on its
/// own, as a command of its own: it sees only the options it declares, and
/// any other is a usage error from the parser itself.
extension TCPStatesCommand {
    /// Help asked of a subcommand parsed on its own: written as the root
    /// would write it (`tcpstates trace ...`).
    struct SubcommandHelp: Error {
        let command: ParsableCommand.Type
    }

    /// The command to run for `arguments` (without the program name).
    static func parseScoped(_ arguments: [String]) throws -> ParsableCommand {
        guard let first = arguments.first else { return try parseAsRoot([]) }
        if first == "help" { return try parseHelp(Array(arguments.dropFirst())) }
        guard let subcommand = subcommand(named: first) else {
            let command: ParsableCommand
            do {
                command = try parseAsRoot(arguments)
            } catch {
                // A word that is no option: say what it was probably meant to be.
                if let word = strayWord(in: message(for: error)), arguments.contains(word) {
                    throw ValidationError(hint(forStray: word))
                }
                throw error
            }
            if command is TCPStatesCommand { return command }
            if let named = subcommand(named: type(of: command).configuration.commandName ?? "") {
                throw ValidationError("a subcommand comes first: tcpstates \(named.configuration.commandName ?? "") [options]")
            }
            // The parser's own help command, for `--help`: written here, where a failed write is seen.
            throw SubcommandHelp(command: TCPStatesCommand.self)
        }
        // The version is the tool's: `tcpstates trace --version` as before.
        if arguments.dropFirst().elementsEqual(["--version"]) { return try parseAsRoot(["--version"]) }
        let command: ParsableCommand
        do {
            command = try subcommand.parseAsRoot(Array(arguments.dropFirst()))
        } catch where subcommand.exitCode(for: error) == .success {
            throw SubcommandHelp(command: subcommand)
        }
        // `--help` comes back as the parser's own help command.
        guard type(of: command) == subcommand else { throw SubcommandHelp(command: subcommand) }
        return command
    }

    /// The help to point a usage error at: the subcommand's when one is named first.
    static func helpCommand(for arguments: [String]) -> String {
        guard let first = arguments.first, first != "help", subcommand(named: first) != nil else { return "tcpstates --help" }
        return "tcpstates \(first) --help"
    }

    /// `tcpstates help [SUBCOMMAND]`: a name that is no subcommand is a usage error.
    private static func parseHelp(_ names: [String]) throws -> ParsableCommand {
        guard let name = names.first else { throw SubcommandHelp(command: TCPStatesCommand.self) }
        guard names.count == 1, let subcommand = subcommand(named: name) else {
            let known = configuration.subcommands.map { $0.configuration.commandName ?? "" }.joined(separator: ", ")
            throw ValidationError("no subcommand '\(OutsideText.escaped(names.joined(separator: " ")))' to help with; tcpstates has \(known)")
        }
        throw SubcommandHelp(command: subcommand)
    }

    /// The word the parser names in `Unexpected argument 'WORD'`.
    private static func strayWord(in message: String) -> String? {
        guard let range = message.firstRange(of: "Unexpected argument '"),
              let end = message[range.upperBound...].lastIndex(of: "'") else { return nil }
        return String(message[range.upperBound..<end])
    }

    private static func subcommand(named name: String) -> ParsableCommand.Type? {
        configuration.subcommands.first { $0.configuration.commandName == name }
    }
}
