import SidingInterchange
import Testing

@Suite struct InterchangeContactTests {
    @Test func formatsAreNamedAsTheCommandLineNamesThem() {
        #expect(ContactFileFormat(rawValue: "google-csv") == .googleCSV)
        #expect(ContactFileFormat.allCases.map(\.rawValue).contains("thunderbird-csv"))
    }
}
