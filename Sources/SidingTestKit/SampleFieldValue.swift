import SidingCore

/// A value local input may give a declared field, distinct per field so a test can tell where each one
/// went; one line, so `show` prints it on its key's line.
public enum SampleFieldValue {
    /// `contact` is the ID a participant must name (a contact the node knows).
    public static func valid(for field: FieldSpec, contact: String) -> String {
        switch field.shape {
        case .text, .multilineText: "v-\(field.name)"
        case .countryCode: "DE"
        case .date: "2024-05-01"
        case .email: "\(field.name)@example.org"
        case .phone: "+41 22 \(field.name.utf8.count)"
        case .tag: "t-\(field.name)"
        case .contactID: contact
        }
    }
}
