import SidingDaemon

@main
enum SidingdMain {
    static func main() async {
        await SidingdCommand.main()
    }
}
