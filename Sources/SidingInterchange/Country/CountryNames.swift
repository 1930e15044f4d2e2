import SidingCore

/// The ISO 3166-1 code a country as people write it in an address means, only when it means exactly
/// one: English names (short, official, common), alpha-3 and alpha-2 codes, the usual variants and the
/// native names of the countries NGOs most often write them in. Never a guess: anything else is nil.
enum CountryNames {
    static func code(for text: String) -> String? {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { return nil }
        if trimmed.unicodeScalars.count == 2, let code = CountryCode.normalised(trimmed) { return code }
        if trimmed.unicodeScalars.count == 2, let meant = CountryCode.lookAlikes[trimmed.uppercased()], meant.count == 2 {
            return meant
        }
        let key = normalisedKey(trimmed)
        guard !ambiguous.contains(key) else { return nil }
        return variants[key] ?? CountryNamesISO.table[key] ?? variants[key.replacingDots] ?? CountryNamesISO.table[key.replacingDots]
    }

    /// Lower case, inner spaces collapsed, a leading "the" dropped, dots in abbreviations removed
    /// ("U.S.A." is "usa").
    private static func normalisedKey(_ text: String) -> String {
        var words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
        if words.count > 1, words[0] == "the" { words.removeFirst() }
        return words.joined(separator: " ")
    }

    /// Names that are ISO's for one country but that people use for two ("Congo" for either).
    private static let ambiguous: Set<String> = ["congo", "korea", "virgin islands"]

    private static let variants: [String: String] = [
        // English variants and abbreviations
        "usa": "US", "us": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US",
        "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
        "northern ireland": "GB", "united kingdom of great britain and northern ireland": "GB",
        "russia": "RU", "south korea": "KR", "republic of korea": "KR", "north korea": "KP",
        "iran": "IR", "syria": "SY", "vietnam": "VN", "viet nam": "VN", "laos": "LA", "bolivia": "BO", "venezuela": "VE",
        "tanzania": "TZ", "moldova": "MD", "czechia": "CZ", "czech republic": "CZ", "macedonia": "MK",
        "north macedonia": "MK", "ivory coast": "CI", "cote d'ivoire": "CI", "côte d'ivoire": "CI", "cape verde": "CV",
        "swaziland": "SZ", "eswatini": "SZ", "burma": "MM", "myanmar": "MM", "east timor": "TL", "holland": "NL",
        "the netherlands": "NL", "palestine": "PS", "vatican": "VA", "vatican city": "VA", "holy see": "VA",
        "drc": "CD", "dr congo": "CD", "democratic republic of the congo": "CD", "congo-kinshasa": "CD",
        "republic of the congo": "CG", "congo-brazzaville": "CG", "taiwan": "TW", "hong kong": "HK", "macau": "MO",
        "macao": "MO", "brunei": "BN", "micronesia": "FM", "turkey": "TR", "türkiye": "TR", "turkiye": "TR",
        "uae": "AE", "u.a.e.": "AE", "emirates": "AE",
        // Native names
        "deutschland": "DE", "österreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "españa": "ES",
        "espana": "ES", "méxico": "MX", "perú": "PE", "brasil": "BR", "france": "FR", "italia": "IT", "nederland": "NL",
        "belgië": "BE", "belgique": "BE", "danmark": "DK", "sverige": "SE", "norge": "NO", "suomi": "FI", "polska": "PL",
        "česko": "CZ", "česká republika": "CZ", "magyarország": "HU", "românia": "RO", "ελλάδα": "GR", "ellada": "GR",
        "россия": "RU", "российская федерация": "RU", "україна": "UA", "беларусь": "BY", "қазақстан": "KZ",
        "казахстан": "KZ", "србија": "RS", "србия": "RS", "българия": "BG", "hrvatska": "HR", "slovensko": "SK",
        "slovenija": "SI", "éire": "IE", "ísland": "IS", "eesti": "EE", "latvija": "LV", "lietuva": "LT",
        "中国": "CN", "中華人民共和國": "CN", "中华人民共和国": "CN", "日本": "JP", "日本国": "JP", "にっぽん": "JP", "にほん": "JP",
        "한국": "KR", "대한민국": "KR", "台灣": "TW", "台湾": "TW", "香港": "HK", "việt nam": "VN", "ประเทศไทย": "TH",
        "भारत": "IN", "bharat": "IN", "ভারত": "IN", "پاکستان": "PK", "বাংলাদেশ": "BD", "नेपाल": "NP", "ශ්‍රී ලංකාව": "LK",
        "مصر": "EG", "المغرب": "MA", "الجزائر": "DZ", "تونس": "TN", "ليبيا": "LY", "السودان": "SD", "الأردن": "JO",
        "لبنان": "LB", "سوريا": "SY", "العراق": "IQ", "السعودية": "SA", "المملكة العربية السعودية": "SA", "اليمن": "YE",
        "فلسطين": "PS", "الإمارات": "AE", "قطر": "QA", "الكويت": "KW", "عمان": "OM", "البحرين": "BH", "ایران": "IR",
        "افغانستان": "AF", "türkei": "TR", "ישראל": "IL", "ኢትዮጵያ": "ET", "soomaaliya": "SO", "kenya": "KE",
        "moçambique": "MZ", "sénégal": "SN", "cameroun": "CM", "haïti": "HT", "indonesia": "ID", "pilipinas": "PH",
    ]
}

extension String {
    fileprivate var replacingDots: String { String(filter { $0 != "." }) }
}
