import Foundation
import SidingTestKit
import Testing

/// The man pages against the built commands' own help, so a command or option added without
/// regenerating them (Deploy/man/generate.sh) fails here; and the shell completions the install
/// script generates, installed into a staging root.
@Suite struct ManualPageTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Deploy")

    @Test(arguments: [("siding", "siding.1"), ("sidingd", "sidingd.8")])
    func everyCommandAndOptionTheHelpListsIsInTheManPage(tool: String, page: String) throws {
        let manual = try String(contentsOf: Self.deploy.appendingPathComponent("man/\(page)"), encoding: .utf8)
        // `.It Fl -home Ar home`, `.It Fl h , -help`: every long option the page documents.
        let documented = Set(
            manual.split(separator: "\n").filter { $0.hasPrefix(".It Fl ") }.flatMap { $0.split(separator: " ") }
                .filter { $0.hasPrefix("-") }.map { "-" + $0 })
        let binary = BuiltProducts.directory + "/" + tool
        var pending: [[String]] = [[]]
        var visited = 0
        while let path = pending.popLast(), visited < 100 {
            visited += 1
            let help = try runProcess(binary, path + ["--help"])
            #expect(help.status == 0, "\(tool) \(path) --help: \(help.stderr)")
            let (subcommands, options) = Self.parse(help.stdout)
            if path.isEmpty { #expect(!subcommands.isEmpty, "\(tool) --help lists no subcommands") }
            for subcommand in subcommands {
                #expect(
                    manual.contains(".It Em \(subcommand)\n"),
                    "\(page) lacks `\(tool) \((path + [subcommand]).joined(separator: " "))`: run Deploy/man/generate.sh")
                pending.append(path + [subcommand])
            }
            for option in options {
                #expect(
                    documented.contains(option), "\(page) lacks \(option) of `\(([tool] + path).joined(separator: " "))`: run Deploy/man/generate.sh")
            }
        }
        #expect(visited > 1 && pending.isEmpty)
        for section in ["ENVIRONMENT", "FILES", "EXIT STATUS", "SEE ALSO"] { #expect(manual.contains(".Sh \(section)\n"), "\(page): \(section)") }
        for file in ["siding.toml", "node.key", "siding.db", "siding.sock", "SIDING_HOME"] { #expect(manual.contains(file), "\(page): \(file)") }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/groff")), arguments: ["siding.1", "sidingd.8"])
    func manPagesFormatWithoutWarnings(page: String) throws {
        let result = try runProcess("/usr/bin/groff", ["-mandoc", "-ww", "-z", "-Tutf8", Self.deploy.appendingPathComponent("man/\(page)").path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func theInstallStepPutsManPagesAndCompletionsForEveryShellInTheStandardPlaces() throws {
        let root = TemporaryDirectory("install")
        let result = try runProcess(
            "/bin/bash", [Self.deploy.appendingPathComponent("install-manuals.sh").path],
            environment: ProcessInfo.processInfo.environment.merging(["DESTDIR": root.path, "BINDIR": BuiltProducts.directory]) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        let share = root.path + "/usr/local/share"
        let expected = [
            "man/man1/siding.1": ".Dt SIDING 1", "man/man8/sidingd.8": ".Dt SIDINGD 8",
            "bash-completion/completions/siding": "complete -o filenames -F _siding siding",
            "bash-completion/completions/sidingd": "complete -o filenames -F _sidingd sidingd",
            "zsh/site-functions/_siding": "#compdef siding", "zsh/site-functions/_sidingd": "#compdef sidingd",
            "fish/vendor_completions.d/siding.fish": "complete -c 'siding'", "fish/vendor_completions.d/sidingd.fish": "complete -c 'sidingd'",
        ]
        for (file, marker) in expected {
            let text = (try? String(contentsOfFile: share + "/" + file, encoding: .utf8)) ?? ""
            #expect(text.contains(marker), "\(file) lacks \(marker): \(text.prefix(200))")
            if ["siding", "_siding", "siding.fish"].contains((file as NSString).lastPathComponent) {
                for subcommand in ["contact", "peer", "status", "backup"] {
                    #expect(text.contains(subcommand), "\(file) does not complete \(subcommand)")
                }
            }
        }
        for tool in ["siding", "sidingd"] {
            let syntax = try runProcess("/bin/bash", ["-n", share + "/bash-completion/completions/" + tool])
            #expect(syntax.status == 0, "\(syntax.stderr)")
        }
    }

    /// The subcommand names and long options one `--help` lists.
    static func parse(_ help: String) -> (subcommands: [String], options: [String]) {
        var section = ""
        var subcommands: [String] = []
        var options: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " " {
                section = String(line)
                continue
            }
            let words = line.split(separator: " ")
            guard line.hasPrefix("  "), !line.hasPrefix("    "), let word = words.first else { continue }
            if section == "SUBCOMMANDS:" && word != "See" && word != "help" { subcommands.append(String(word)) }
            if section == "OPTIONS:" {
                options += words.prefix(2).filter { $0.hasPrefix("--") }.map { String($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
            }
        }
        return (subcommands, options)
    }
}
