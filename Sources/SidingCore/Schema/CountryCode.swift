/// ISO 3166-1 alpha-2: the 249 officially assigned country codes (as published by ISO; checked against
/// Debian's iso-codes 3166-1 table), and the look-alikes people type instead.
public enum CountryCode {
    /// Every officially assigned code, upper case.
    public static let assigned: Set<String> = Set(
        [
            "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ",
            "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ",
            "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ",
            "DE DJ DK DM DO DZ",
            "EC EE EG EH ER ES ET",
            "FI FJ FK FM FO FR",
            "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY",
            "HK HM HN HR HT HU",
            "ID IE IL IM IN IO IQ IR IS IT",
            "JE JM JO JP",
            "KE KG KH KI KM KN KP KR KW KY KZ",
            "LA LB LC LI LK LR LS LT LU LV LY",
            "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ",
            "NA NC NE NF NG NI NL NO NP NR NU NZ",
            "OM",
            "PA PE PF PG PH PK PL PM PN PR PS PT PW PY",
            "QA",
            "RE RO RS RU RW",
            "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ",
            "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ",
            "UA UG UM US UY UZ",
            "VA VC VE VG VI VN VU",
            "WF WS",
            "YE YT",
            "ZA ZM ZW",
        ].flatMap { $0.split(separator: " ").map(String.init) })

    /// Codes people use that ISO does not assign (or no longer does), with the code they mean.
    public static let lookAlikes: [String: String] = [
        "UK": "GB", "EL": "GR", "EN": "GB", "JA": "JP", "ZH": "CN", "KO": "KR", "DA": "DK", "SP": "ES",
        "SW": "SE or CH", "AN": "CW, SX or BQ", "YU": "RS or ME", "CS": "RS or ME", "TP": "TL", "ZR": "CD", "BU": "MM",
    ]

    /// The upper-cased code if ISO assigns it; nil otherwise.
    public static func normalised(_ text: String) -> String? {
        let upper = text.uppercased()
        return assigned.contains(upper) ? upper : nil
    }

    /// What to tell someone who typed `text`: a suggestion when it is a known look-alike.
    public static func problem(with text: String) -> String {
        let upper = text.uppercased()
        if let meant = lookAlikes[upper] { return "'\(text)' is not an ISO 3166-1 country code; did you mean \(meant)?" }
        if upper.utf8.count == 2, upper.utf8.allSatisfy({ (65...90).contains($0) }) {
            return "'\(text)' is not an assigned ISO 3166-1 country code; use two letters such as CN, IN or DE"
        }
        return "must be a two-letter ISO 3166-1 code such as CN, IN or DE"
    }
}
