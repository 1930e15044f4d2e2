import SidingCLI

@main
enum SidingMain {
    static func main() async {
        SidingCommand.checkArgumentsAreUTF8()
        await SidingCommand.main(SidingCommand.hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
    }
}
