// tcpstates-docs: writes the man page from the command definition.
//
//     tcpstates --experimental-dump-help |
//         tcpstates-docs TEMPLATE PROSE > man/tcpstates.1
//
// `make docs` runs it; a test runs it again and compares with the committed page.
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("tcpstates-docs: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 2, let templatePath = arguments.first, let prosePath = arguments.last else {
    fail("usage: tcpstates --experimental-dump-help | tcpstates-docs TEMPLATE PROSE")
}
do {
    let info = try JSONDecoder().decode(ToolInfo.self, from: FileHandle.standardInput.readDataToEndOfFile())
    let template = try String(contentsOfFile: templatePath, encoding: .utf8)
    let prose = try ProseFile(text: String(contentsOfFile: prosePath, encoding: .utf8))
    var page = ManPage(root: info.command, prose: prose)
    FileHandle.standardOutput.write(Data(try page.render(template: template).utf8))
} catch let error as DocsError {
    fail(error.message)
} catch {
    fail("\(error)")
}
