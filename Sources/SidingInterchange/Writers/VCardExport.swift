/// A contact as one vCard 4.0 or 3.0: CRLF line ends, lines folded at 75 octets (never inside a
/// character), text escaped (`\\ \, \; \n`). Reads back field for field (`VCardReader`).
enum VCardExport {
    static func card(_ contact: InterchangeContact, version4: Bool) -> String {
        var lines = ["BEGIN:VCARD", "VERSION:\(version4 ? "4.0" : "3.0")"]
        if let id = contact.sidingID { lines.append("UID:\(VCardCardMapping.sidingPrefix)\(escape(id))") }
        let name = contact.fields[ContactFieldNames.name] ?? ""
        lines.append("FN:\(escape(name))")
        // 3.0 requires N; the whole name goes in the family-name slot (FN is what a reader shows).
        if !version4 { lines.append("N:\(escape(name));;;;") }
        if let organization = contact.fields[ContactFieldNames.organization] { lines.append("ORG:\(escape(organization))") }
        if let role = contact.fields[ContactFieldNames.role] { lines.append("TITLE:\(escape(role))") }
        for email in contact.sets[ContactFieldNames.emails] ?? [] { lines.append("EMAIL:\(escape(email))") }
        for phone in contact.sets[ContactFieldNames.phones] ?? [] {
            lines.append((version4 ? "TEL;VALUE=text:" : "TEL:") + escape(phone))
        }
        if let tags = contact.sets[ContactFieldNames.tags], !tags.isEmpty {
            lines.append("CATEGORIES:" + tags.map(escape).joined(separator: ","))
        }
        if let country = contact.fields[ContactFieldNames.country] { lines.append("ADR:;;;;;;\(escape(country))") }
        if let bio = contact.fields[ContactFieldNames.bio] { lines.append("NOTE:\(escape(bio))") }
        lines.append("END:VCARD")
        return lines.map(folded).joined()
    }

    /// vCard 3.0/4.0 text escaping; CR LF and a lone CR are line breaks like LF.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "\\": output += "\\\\"
            case ",": output += "\\,"
            case ";": output += "\\;"
            case "\n" where previous == "\r": continue
            case "\n", "\r": output += "\\n"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// The line with CRLF, folded so no line exceeds 75 octets: a continuation starts with a space.
    static func folded(_ line: String) -> String {
        var output = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if octets + size > 75 {
                output += "\r\n "
                octets = 1
            }
            output.unicodeScalars.append(scalar)
            octets += size
        }
        return output + "\r\n"
    }
}
