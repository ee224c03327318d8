/// A yes/no question on the terminal: asked on stderr, so that stdout keeps
/// only the report, and answered on stdin.
enum ConfirmationPrompt {
    /// Asks `question [y/N]` and reads one line: true for y or yes (any
    /// case), false for anything else, an empty line or end of input.
    static func ask(_ question: String) throws -> Bool {
        try Array("\(question) [y/N] ".utf8).withUnsafeBytes { try Terminal.writeStandardError($0) }
        guard let answer = readLine(strippingNewline: true) else { return false }
        let word = answer.filter { !$0.isWhitespace }.lowercased()
        return word == "y" || word == "yes"
    }
}
