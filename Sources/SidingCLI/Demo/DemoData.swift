import SidingAPI

/// A small, realistic data set for `siding demo`: people from several countries and three rounds of a
/// Track Two dialogue. Names are invented.
enum DemoData {
    struct Person {
        let key: String
        let request: CreateRequest
    }

    static let people: [Person] = [
        person("li", name: "Li Wei", org: "Tsinghua University", role: "Scholar", country: "CN", tags: ["china-india", "water"]),
        person(
            "priya", name: "Priya Raman", org: "Centre for Policy Dialogue", role: "Senior Fellow", country: "IN", tags: ["china-india", "water"]),
        person("tenzin", name: "Tenzin Norbu", org: "Himalayan Rivers Forum", role: "Hydrologist", country: "NP", tags: ["water"]),
        person("anjali", name: "Anjali Mehta", org: "The Daily Frontier", role: "Senior Journalist", country: "IN", tags: ["china-india", "media"]),
        person(
            "zhang", name: "Zhang Min", org: "Retired, People's Liberation Army", role: "Former Officer", country: "CN",
            tags: ["china-india", "security"]),
        person("olena", name: "Olena Kovalenko", org: "Kyiv Dialogue Initiative", role: "Former Official", country: "UA", tags: ["black-sea"]),
    ]

    static func person(_ key: String, name: String, org: String, role: String, country: String, tags: [String]) -> Person {
        Person(
            key: key,
            request: CreateRequest(
                set: [
                    "name": name, "organization": org, "role": role, "country": country,
                    "bio": "\(role) at \(org).",
                ], add: ["tags": tags], circle: CircleRef.networkName))
    }

    struct Round {
        let title: String
        let date: String
        let location: String
        let participants: [String]
        let body: String
    }

    static let conflict = "China-India frontier"

    static let rounds: [Round] = [
        Round(
            title: "Frontier dialogue, round 1", date: "2026-03-14", location: "Kathmandu", participants: ["li", "priya", "zhang"],
            body:
                "Opening round. Both sides agreed to keep the channel informal. Water sharing on the upper rivers was named as the least contested topic to start with."
        ),
        Round(
            title: "Frontier dialogue, round 2", date: "2026-06-20", location: "Colombo", participants: ["li", "priya", "tenzin", "anjali"],
            body:
                "Hydrological data: participants compared monsoon flow records. Proposal for a joint flood early-warning exchange. Press to be briefed only after round 3."
        ),
        Round(
            title: "Frontier dialogue, round 3", date: "2026-10-02", location: "Kathmandu", participants: ["li", "priya", "tenzin", "zhang"],
            body:
                "Draft principles for water sharing data exchange discussed line by line. Disagreement remains on patrol notification; both sides will consult informally."
        ),
    ]
}
