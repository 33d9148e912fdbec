import AILabelTestSupport
import AILabelVerify
import AILabelVocabulary
import Foundation
import Testing

@Suite("Finding codes, evidence sources and disclosure kinds: typed values with the documented strings")
struct ReportVocabularyTests {
    static func document(_ name: String) throws -> String {
        try String(contentsOf: Repository.root().appendingPathComponent("Docs/\(name)"), encoding: .utf8)
    }

    @Test("Every finding code verify writes is in verification-codes.md, and every code there is one verify writes")
    func findingCodesDocumented() throws {
        let text = try Self.document("verification-codes.md")
        let table = text[..<(text.range(of: "## C2PA status codes")?.lowerBound ?? text.endIndex)]
        for code in FindingCode.fixed {
            #expect(table.contains("`\(code.rawValue)`"), "\(code) is not documented")
        }
        for family in ["`c2pa.<status code>`", "`sidecar.c2pa.<status code>`", "`profile.<profile>.<check>`"] {
            #expect(table.contains(family), "\(family) is not documented")
        }
        // The other way: each code the table lists (first column) is a constant, or one of the families.
        let known = Set(FindingCode.fixed.map(\.rawValue))
        for line in table.split(separator: "\n") where line.hasPrefix("| `") {
            let firstColumn = line.dropFirst(2).prefix { $0 != "|" }
            for code in firstColumn.split(separator: "`").enumerated().filter({ $0.offset % 2 == 0 }).map({ String($0.element) })
            where !code.contains("<") && !code.trimmingCharacters(in: .whitespaces).hasPrefix(",") && !code.trimmingCharacters(in: .whitespaces).isEmpty {
                #expect(known.contains(code), "the documented code \(code) is not a FindingCode constant")
            }
        }
    }

    @Test("Every named evidence source and disclosure kind is in the JSON format's documentation")
    func sourcesAndKindsDocumented() throws {
        let cli = try Self.document("cli.md")
        let evidenceRow = try #require(cli.split(separator: "\n").first { $0.hasPrefix("| `aiEvidence` |") })
        let disclosureRow = try #require(cli.split(separator: "\n").first { $0.hasPrefix("| `disclosures` |") })
        for source in EvidenceSource.named { #expect(evidenceRow.contains("`\(source.rawValue)`"), "\(source)") }
        #expect(evidenceRow.contains("`generator:<name>`") && EvidenceSource.generator("comfyui").rawValue == "generator:comfyui")
        for kind in DisclosureKind.named { #expect(disclosureRow.contains("`\(kind.rawValue)`"), "\(kind)") }
    }

    @Test("Reports encode the typed values as the plain strings they always were")
    func encodedAsStrings() throws {
        let report = FileReport(
            path: "a.jpg", format: "jpeg", verdict: .missingDisclosure,
            aiEvidence: [Evidence(source: .generator("midjourney"), detail: "d")],
            disclosures: [Disclosure(kind: .ailabelXMP, detail: "d", intact: true)],
            findings: [Finding(code: .profile("kz", check: "machine-readable"), severity: .error, message: "m")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        #expect(json.contains(#""aiEvidence":[{"detail":"d","source":"generator:midjourney"}]"#))
        #expect(json.contains(#""disclosures":[{"detail":"d","intact":true,"kind":"ailabel-xmp"}]"#))
        #expect(json.contains(#""code":"profile.kz.machine-readable""#))
        #expect(try JSONDecoder().decode(FileReport.self, from: Data(json.utf8)) == report)
    }
}
