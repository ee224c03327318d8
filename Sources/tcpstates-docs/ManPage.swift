/// Makes the man page: the template with its marker lines replaced by what
/// the command definition says.
///
///     .\" @SYNOPSIS    every command's usage
///     .\" @OPTIONS     the root command's options, by section
///     .\" @COMMANDS    a subsection per subcommand: its text and arguments
struct ManPage {
    let root: CommandInfo
    var prose: ProseFile

    mutating func render(template: String) throws -> String {
        var out: [String] = []
        var seen: Set<String> = []
        for line in template.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            switch line {
            case ".\\\" @SYNOPSIS": out += synopsis(); seen.insert(line)
            case ".\\\" @OPTIONS": out += options(of: root, keyPrefix: ""); seen.insert(line)
            case ".\\\" @COMMANDS": out += try commands(); seen.insert(line)
            default: out.append(line)
            }
        }
        guard seen.count == 3 else {
            throw DocsError("the template needs the marker lines .\\\" @SYNOPSIS, @OPTIONS and @COMMANDS")
        }
        if let stale = prose.unused.first {
            throw DocsError("the prose file describes '\(stale)', which the command does not have")
        }
        return out.joined(separator: "\n")
    }

    private var subcommands: [CommandInfo] {
        (root.subcommands ?? []).filter { $0.shouldDisplay != false && $0.commandName != "help" }
    }

    // MARK: SYNOPSIS

    private mutating func synopsis() -> [String] {
        var lines = usage(of: root, keyPrefix: "")
        for command in subcommands {
            lines.append(".br")
            lines += prose.take("synopsis \(command.commandName)") ?? usage(of: command, keyPrefix: command.commandName + " ")
        }
        lines += [".br", ".B \(root.commandName)", ".BR \\-\\-help | \\-\\-version"]
        return lines
    }

    /// `.B tcpstates` then `[-p list]`-style items for every shown argument.
    private func usage(of command: CommandInfo, keyPrefix: String) -> [String] {
        var lines = [".B \(Roff.text(command.fullName))"]
        for argument in command.shownArguments where !argument.isBuiltIn {
            if argument.isPositional {
                let name = Roff.text(argument.valueName ?? "value")
                lines.append(argument.isOptional != false ? ".RI [ \(name) ]" : ".I \(name)")
                continue
            }
            let name = Roff.text(argument.names?.first?.spelled ?? argument.key)
            if argument.isOption {
                lines += [".RB [ \(name)", ".IR \(Roff.text(argument.valueName ?? "value")) ]"]
            } else {
                lines.append(".RB [ \(name) ]")
            }
        }
        return lines
    }

    // MARK: OPTIONS

    /// A `.SS` per section title in order of first appearance (untitled
    /// arguments under "General"), a `.TP` entry per argument.
    private mutating func options(of command: CommandInfo, keyPrefix: String) -> [String] {
        var order: [String] = []
        var sections: [String: [ArgumentInfo]] = [:]
        for argument in command.shownArguments {
            if !keyPrefix.isEmpty && argument.isBuiltIn { continue }
            let title = argument.sectionTitle ?? "General"
            if sections[title] == nil { order.append(title) }
            sections[title, default: []].append(argument)
        }
        var lines: [String] = []
        for title in order {
            if keyPrefix.isEmpty { lines.append(".SS \(Roff.text(title))") }
            for argument in sections[title] ?? [] { lines += entry(argument, keyPrefix: keyPrefix) }
        }
        return lines
    }

    private mutating func entry(_ argument: ArgumentInfo, keyPrefix: String) -> [String] {
        var lines = [".TP", heading(argument)]
        if let block = prose.take("option " + keyPrefix + argument.key) {
            return lines + block
        }
        lines += Roff.paragraphs(argument.abstract ?? "")
        if let discussion = argument.discussion, !discussion.isEmpty { lines += Roff.paragraphs(discussion) }
        if let value = argument.defaultValue, !(argument.abstract ?? "").contains("default") {
            lines.append("Default: \(Roff.text(value)).")
        }
        return lines
    }

    /// `.BR \-p ", " \-\-port " \fIlist\fR"`: the names in bold, the value in italics.
    private func heading(_ argument: ArgumentInfo) -> String {
        if argument.isPositional { return ".I \(Roff.text(argument.valueName ?? "value"))" }
        let names = (argument.names ?? []).map { Roff.text($0.spelled) }
        let value = argument.isOption ? " \\fI\(Roff.text(argument.valueName ?? "value"))\\fR" : ""
        if names.count == 1 && value.isEmpty { return ".B \(names[0])" }
        var parts: [String] = []
        for (index, name) in names.enumerated() {
            if index > 0 { parts.append("\", \"") }
            parts.append(name)
        }
        if !value.isEmpty { parts.append("\"\(value)\"") }
        return ".BR " + parts.joined(separator: " ")
    }

    // MARK: COMMANDS

    private mutating func commands() throws -> [String] {
        var lines: [String] = []
        for command in subcommands {
            lines.append(".SS \"\(Roff.text(command.fullName))\"")
            lines += Roff.paragraphs(command.abstract ?? "")
            if let block = prose.take("command \(command.commandName)") {
                lines += block
            } else if let discussion = command.discussion, !discussion.isEmpty {
                lines.append(".PP")
                lines += Roff.paragraphs(discussion)
            }
            lines += options(of: command, keyPrefix: command.commandName + " ")
        }
        return lines
    }
}
