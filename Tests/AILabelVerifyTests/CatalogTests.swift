import AILabelKit
import AILabelMedia
import AILabelTestSupport
import AILabelVerify
import AILabelVocabulary
import Foundation
import Testing

@Suite("Catalogue feeds: verdicts per record under kz, eu and cn")
struct CatalogVerdictTests {
    static func verifier(_ profile: String, mapping: CatalogMapping = .default) throws -> CatalogVerifier {
        CatalogVerifier(verifier: Verifier(options: VerifyOptions(profile: try Profile.load(profile), scan: .metadata)), mapping: mapping)
    }

    static func expected() throws -> [String: [String: String]] {
        let data = try Data(contentsOf: Repository.fixture("catalog/expected.json"))
        return try JSONDecoder().decode([String: [String: String]].self, from: data)
    }

    @Test("Every record of the sample catalogue gets its expected verdict, in JSON, JSON Lines and CSV alike", arguments: ["products.json", "products.jsonl", "products.csv"])
    func sampleCatalogue(feed: String) throws {
        let expected = try Self.expected()
        #expect(expected.count >= 50)
        let path = Repository.fixture("catalog/\(feed)").path
        for profile in ["kz", "eu", "cn"] {
            let reports = try Self.verifier(profile).verify(feedPath: path)
            #expect(reports.count == expected.count)
            for report in reports {
                #expect(report.format == "catalog-record")
                let id = String(report.path.split(separator: "#").last ?? "")
                #expect(report.path == "\(path)#\(id)")
                let entry = try #require(expected[id], "\(report.path)")
                #expect(report.verdict.rawValue == entry[profile], "\(profile) \(id) (\(entry["kind"] ?? "")): \(report.findings.map(\.message))")
                if report.verdict == .missingDisclosure {
                    #expect(report.findings.contains { $0.code.rawValue.hasPrefix("catalog.") && $0.severity == .error && $0.reference != nil })
                }
            }
        }
    }

    @Test("Records verified on one thread give the same reports as records verified in parallel")
    func sequentialMatchesConcurrent() throws {
        let verifier = try Self.verifier("kz")
        for name in ["products.csv", "products.json", "products.jsonl"] {
            let feed = try CatalogFeed.parse(Array(try Data(contentsOf: Repository.fixture("catalog/\(name)"))), path: name)
            let parallel = verifier.verify(feed)
            #expect(parallel.count == feed.records.count && !parallel.isEmpty, "\(name)")
            #expect(verifier.verify(feed, concurrently: false) == parallel, "\(name)")
        }
    }

    @Test("Findings say what is missing: the marker, and the text in each missing language")
    func findings() throws {
        let reports = try Self.verifier("kz").verify(feedPath: Repository.fixture("catalog/products.json").path)
        let byKind = try Self.expected()
        func report(_ kind: String) throws -> FileReport {
            let id = try #require(byKind.first { $0.value["kind"] == kind }?.key)
            return try #require(reports.first { $0.path.hasSuffix("#\(id)") })
        }
        let flagOnly = try report("flag-only")
        #expect(flagOnly.findings.contains { $0.code == "catalog.marker-missing" })
        #expect(flagOnly.findings.filter { $0.code == "catalog.text-missing" }.count == 2)
        let ruOnly = try report("ru-only")
        #expect(!ruOnly.findings.contains { $0.code == "catalog.marker-missing" })
        #expect(ruOnly.findings.filter { $0.code == "catalog.text-missing" }.map(\.message).allSatisfy { $0.contains(" kk ") })
        let iptc = try report("iptc-image")
        #expect(iptc.aiEvidence.contains { $0.source == "iptc" }, "evidence from the record's image counts")
        let generator = try report("generator-image")
        #expect(generator.aiEvidence.contains { $0.source == "generator:automatic1111" })
        #expect(try report("missing-image").findings.contains { $0.code == "catalog.image-missing" })
        #expect(try report("broken-image").findings.contains { $0.code == "catalog.image-unreadable" })
        #expect(try report("declared-human").findings.contains { $0.code == "catalog.image-remote" && $0.severity == .info })
        let compliant = try report("all-compliant")
        #expect(compliant.disclosures.contains { $0.kind == "catalog" })
        #expect(compliant.disclosures.first { $0.kind == "visible" }?.languages == ["kk", "ru"])
    }

    @Test("A mapping file names the fields; its phrases count as disclosures")
    func mapping() throws {
        let mapping = try CatalogMapping.load(path: Repository.fixture("catalog/custom-mapping.json").path)
        #expect(mapping.id == "sku" && mapping.images == ["pictures"] && mapping.aiFlag == "is_ai")
        let path = Repository.fixture("catalog/custom.json").path
        let kz = try Self.verifier("kz", mapping: mapping).verify(feedPath: path)
        #expect(kz.map(\.verdict) == [.compliant, .missingDisclosure])
        #expect(kz[0].path.hasSuffix("#S1") && kz[0].aiEvidence.contains { $0.source == "iptc" })
        let eu = try Self.verifier("eu", mapping: mapping).verify(feedPath: path)
        #expect(eu[1].verdict == .compliant, "the mapping's own phrase 'synthetic render' counts: \(eu[1].findings)")
        #expect(throws: CatalogError.self) {
            let url = try Repository.temporaryDirectory().appendingPathComponent("bad-mapping.json")
            try Data(#"{"titel": "name"}"#.utf8).write(to: url)
            _ = try CatalogMapping.load(path: url.path)
        }
    }

    @Test("A feed that cannot be read is one unreadable report naming the file and line")
    func unreadableFeed() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("broken.csv")
        try Data("id,title\r\n1,ok\r\n2,\"never closed\r\n3,x\r\n".utf8).write(to: csv)
        let reports = try Self.verifier("kz").verify(feedPath: csv.path)
        #expect(reports.count == 1)
        #expect(reports[0].verdict == .unreadable && reports[0].format == "catalog")
        #expect(reports[0].findings.first?.message.hasPrefix("\(csv.path):3:") == true, "\(reports[0].findings)")
        let json = folder.appendingPathComponent("broken.json")
        try Data("[{\"id\": 1},\n {\"id\": 2,,}]".utf8).write(to: json)
        let jsonReports = try Self.verifier("kz").verify(feedPath: json.path)
        #expect(jsonReports[0].verdict == .unreadable)
        #expect(jsonReports[0].findings[0].message.hasPrefix("\(json.path):2:"), "the line of the syntax error: \(jsonReports[0].findings)")
        let bomJSON = folder.appendingPathComponent("bom.json")
        try Data("\u{FEFF}[\n{\"id\": \"a\"},\n\n{\"id\": }\n]".utf8).write(to: bomJSON)
        #expect(try Self.verifier("kz").verify(feedPath: bomJSON.path)[0].findings[0].message.hasPrefix("\(bomJSON.path):4:"))
        let jsonl = folder.appendingPathComponent("broken.jsonl")
        try Data("{\"id\": 1}\n\n{\"id\": 2\n".utf8).write(to: jsonl)
        #expect(try Self.verifier("kz").verify(feedPath: jsonl.path)[0].findings[0].message.hasPrefix("\(jsonl.path):3:"))
        #expect(try Self.verifier("kz").verify(feedPath: folder.appendingPathComponent("absent.csv").path)[0].verdict == .unreadable)
    }

    @Test("Records without an ID, repeated IDs, wrapper objects and nested Merchant fields")
    func recordShapes() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = folder.appendingPathComponent("feed.json")
        let json = """
            {"products": [
              {"id": "A", "title": "Poster", "ai_generated": "true"},
              {"id": "A", "title": "Poster, again"},
              {"title": "No id", "structured_description": {"digital_source_type": "trained_algorithmic_media", "content": "Создано ИИ. ЖИ арқылы жасалған."}}
            ], "generated": "2026-01-18"}
            """
        try Data(json.utf8).write(to: feed)
        let reports = try CatalogVerdictTests.verifier("kz").verify(feedPath: feed.path)
        #expect(reports.map(\.path) == ["\(feed.path)#A", "\(feed.path)#A~2", "\(feed.path)#record-3"])
        #expect(reports[1].findings.contains { $0.code == "catalog.duplicate-id" })
        #expect(reports[2].findings.contains { $0.code == "catalog.id-missing" })
        #expect(reports.map(\.verdict) == [.missingDisclosure, .noAIEvidence, .compliant])
        // Stamping keeps the wrapper object and its other fields.
        let output = folder.appendingPathComponent("out.json")
        _ = try CatalogVerdictTests.verifier("kz").stamp(feedPath: feed.path, output: output.path)
        let stamped = try CatalogFeed.load(path: output.path)
        #expect(stamped.wrapperKey == "products" && stamped.wrapper["generated"] == .string("2026-01-18"))
        #expect(stamped.records[0].fields["digital_source_type"] == .string("trained_algorithmic_media"))
        // A dry run writes nothing.
        let dry = folder.appendingPathComponent("dry.json")
        let result = try CatalogVerdictTests.verifier("kz").stamp(feedPath: feed.path, output: dry.path, dryRun: true)
        #expect(result.changes.count == 1 && !FileManager.default.fileExists(atPath: dry.path))
    }

    @Test("A CSV feed's byte-order mark and columns survive stamping")
    func csvStampKeepsShape() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = folder.appendingPathComponent("feed.csv")
        try Data("\u{FEFF}id,title,ai_generated\r\n1,\"Tea, green\",yes\r\n2,Cup,no\r\n".utf8).write(to: feed)
        let output = folder.appendingPathComponent("out.csv")
        _ = try CatalogVerdictTests.verifier("eu").stamp(feedPath: feed.path, output: output.path)
        let bytes = [UInt8](try Data(contentsOf: output))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let table = try CSVTable.parse(bytes, file: output.path)
        #expect(table.header == ["id", "title", "ai_generated", "digital_source_type", "description"])
        #expect(table.rows[0].fields == ["1", "Tea, green", "yes", "trained_algorithmic_media", "Created with AI"])
        #expect(table.rows[1].fields == ["2", "Cup", "no", "", ""])
        #expect(try CatalogVerdictTests.verifier("eu").verify(feedPath: output.path).map(\.verdict) == [.compliant, .noAIEvidence])
    }

    @Test("Stamping adds the marker and texts; verify then finds the stamped records compliant", arguments: ["products.json", "products.jsonl", "products.csv"])
    func stampRoundTrip(feed: String) throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The copy sits beside the images, so its relative paths still resolve.
        try FileManager.default.copyItem(at: Repository.fixture("catalog/images"), to: folder.appendingPathComponent("images"))
        let input = folder.appendingPathComponent(feed)
        try FileManager.default.copyItem(at: Repository.fixture("catalog/\(feed)"), to: input)
        let expected = try Self.expected()
        for profile in ["kz", "eu", "cn"] {
            let output = folder.appendingPathComponent("stamped-\(profile)-\(feed)")
            let verifier = try Self.verifier(profile)
            let result = try verifier.stamp(feedPath: input.path, output: output.path)
            #expect(result.missingTexts.isEmpty)
            #expect(!result.changes.isEmpty)
            let reports = verifier.verify(feedPath: output.path)
            #expect(reports.count == expected.count)
            for report in reports {
                let id = String(report.path.split(separator: "#").last ?? "")
                let before = expected[id]?[profile]
                // Records that needed a disclosure are now compliant; the rest are untouched.
                let wanted = before == "no-ai-evidence" ? "no-ai-evidence" : "compliant"
                #expect(report.verdict.rawValue == wanted, "\(profile) \(id): \(report.findings.map(\.message))")
            }
            // Records without AI are written back unchanged.
            let original = try CatalogFeed.load(path: input.path)
            let stamped = try CatalogFeed.load(path: output.path)
            #expect(stamped.format == original.format && stamped.records.count == original.records.count)
            for (a, b) in zip(original.records, stamped.records) where expected[a.fields["id"]?.text ?? ""]?[profile] == "no-ai-evidence" {
                #expect(a.fields.filter { !($0.value.text ?? "x").isEmpty } == b.fields.filter { !($0.value.text ?? "x").isEmpty })
            }
        }
    }
}

@Suite("CSV reading, RFC 4180")
struct CatalogCSVTests {
    @Test("Quoted fields hold commas, doubled quotes and line breaks; a byte-order mark is dropped; CRLF and LF both end records")
    func quoting() throws {
        let text = "\u{FEFF}id,title,description\r\n1,\"Tea, green\",\"He said \"\"hi\"\"\r\nsecond line\"\n2,plain,\"\"\r\n\r\n3,last,x"
        let table = try CSVTable.parse(Array(text.utf8), file: "t.csv")
        #expect(table.header == ["id", "title", "description"])
        #expect(table.rows.count == 3)
        #expect(table.rows[0].fields == ["1", "Tea, green", "He said \"hi\"\r\nsecond line"])
        #expect(table.rows[1].fields == ["2", "plain", ""])
        #expect(table.rows.map(\.line) == [2, 4, 6])
        let again = try CSVTable.parse(Array(table.serialized().utf8), file: "again.csv")
        #expect(again.rows.map(\.fields) == table.rows.map(\.fields))
    }

    @Test("Malformed CSV is a clear error naming the file and line", arguments: [
        ("id,title\n1,\"open\n2,x\n", 2, "never closed"),
        ("id,title\n1,ab\"c\n", 2, "quote inside an unquoted field"),
        ("id,title\n1,\"a\"b\n", 2, "after a closing quote"),
        ("id,title\n1,a\n2,b,c\n", 3, "3 fields but the header has 2"),
        ("id,id\n1,2\n", 1, "twice"),
        ("", 1, "no header"),
    ])
    func malformed(text: String, line: Int, words: String) throws {
        do {
            _ = try CSVTable.parse(Array(text.utf8), file: "feed.csv")
            Issue.record("parsed malformed CSV")
        } catch let error as CatalogError {
            #expect(error.file == "feed.csv" && error.line == line, "\(error)")
            #expect(error.description.hasPrefix("feed.csv:\(line): "))
            #expect(error.reason.contains(words), "\(error)")
        }
    }

    @Test("A feed without extension keeps its format and shape when written back: BOM and blank line before a tab header, a header opening with a brace")
    func sniffedFeedsRoundTrip() throws {
        let bomTab = try CatalogFeed.parse(Array("\u{FEFF}\nid\ttitle\n1\tCup, blue\n".utf8), path: "feed")
        #expect(bomTab.format == .csv && bomTab.delimiter == 0x09 && bomTab.records.first?.fields["title"] == .string("Cup, blue"))
        let brace = try CatalogFeed.parse(Array("\u{0B}{id,title\n1,Cup\n".utf8), path: "feed")
        #expect(brace.format == .csv && brace.columns == ["{id", "title"])
        let written = try brace.serialized()
        #expect(String(decoding: written, as: UTF8.self).hasPrefix("\"{id\",title\r\n"))
        let again = try CatalogFeed.parse(written, path: "feed")
        #expect(again.format == .csv && again.columns == brace.columns && again.records.count == 1)
        // A header that is U+FEFF itself (after trimmed vertical tabs) is no byte-order mark to drop.
        let mark = try CatalogFeed.parse(Array("\u{0B}\u{FEFF}\nimage\nhttps://\n".utf8), path: "feed")
        #expect(mark.columns == ["\u{FEFF}"] && mark.records.count == 2)
        let markAgain = try CatalogFeed.parse(try mark.serialized(), path: "feed")
        #expect(markAgain.columns == mark.columns && markAgain.records.count == 2)
        // An empty first column, then one opening with a brace: the line opens with tab and brace.
        let emptyFirst = try CatalogFeed.parse(Array("\u{0B}\t{x\n1\t2\n".utf8), path: "feed")
        #expect(emptyFirst.delimiter == 0x09 && emptyFirst.columns == ["", "{x"])
        let emptyFirstAgain = try CatalogFeed.parse(try emptyFirst.serialized(), path: "feed")
        #expect(emptyFirstAgain.format == .csv && emptyFirstAgain.columns == emptyFirst.columns && emptyFirstAgain.records.count == 1)
    }

    @Test("Tab-separated Merchant text feeds are read and written back with tabs")
    func tabSeparated() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = folder.appendingPathComponent("merchant.txt")
        try Data("id\ttitle\tstructured_title\n1\tShoes, blue\ttrained_algorithmic_media:\"Shoes (Создано ИИ; ЖИ арқылы жасалған)\"\n2\tCup\t:Cup\n".utf8).write(to: feed)
        let loaded = try CatalogFeed.load(path: feed.path)
        #expect(loaded.delimiter == 0x09 && loaded.records.count == 2)
        #expect(loaded.records[0].fields["title"] == .string("Shoes, blue"))
        let reports = try CatalogVerdictTests.verifier("kz").verify(feedPath: feed.path)
        #expect(reports.map(\.verdict) == [.compliant, .noAIEvidence], "\(reports.map(\.findings))")
        let output = folder.appendingPathComponent("out.tsv")
        var written = loaded
        written.path = output.path
        let text = String(decoding: try written.serialized(), as: UTF8.self)
        #expect(text.hasPrefix("id\ttitle\tstructured_title\r\n1\tShoes, blue\ttrained_algorithmic_media:\"Shoes (Создано ИИ; ЖИ арқылы жасалған)\"\r\n"))
    }

    @Test("Limits: too many fields, invalid UTF-8")
    func limits() throws {
        let wide = Array((Array(repeating: "a", count: CSVTable.maximumFields + 1).joined(separator: ",") + "\n").utf8)
        #expect(throws: CatalogError.self) { _ = try CSVTable.parse(wide, file: "wide.csv") }
        #expect(throws: CatalogError.self) { _ = try CSVTable.parse([0x69, 0x64, 0x0A, 0xFF, 0xFE, 0x0A], file: "bad.csv") }
    }

    @Test("Hostile feeds: deep JSON nesting, a huge field, a NUL-laden CSV are errors or verdicts, never crashes")
    func hostileFeeds() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let verifier = try CatalogVerdictTests.verifier("kz")
        let deep = folder.appendingPathComponent("deep.json")
        try Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8).write(to: deep)
        #expect(verifier.verify(feedPath: deep.path).first?.verdict == .unreadable)
        let nested = folder.appendingPathComponent("nested.json")
        let inner = String(repeating: "{\"a\":", count: 400) + "1" + String(repeating: "}", count: 400)
        try Data("[{\"id\": \"n\", \"x\": \(inner)}]".utf8).write(to: nested)
        _ = verifier.verify(feedPath: nested.path)
        let huge = folder.appendingPathComponent("huge.csv")
        try Data(("id,description\n1,\"" + String(repeating: "a", count: 2_000_000) + "\"\n").utf8).write(to: huge)
        let hugeReport = try #require(verifier.verify(feedPath: huge.path).first)
        #expect(hugeReport.verdict == .unreadable && hugeReport.findings[0].message.contains(":2: a field is longer"))
        let binary = folder.appendingPathComponent("binary.csv")
        try Data([0x69, 0x64, 0x0A, 0x00, 0x00, 0x2C, 0x22, 0x0A]).write(to: binary)
        #expect(verifier.verify(feedPath: binary.path).first?.verdict == .unreadable)
    }

    @Test("Phrases match ignoring case and punctuation, at a word start; CJK needs no spaces")
    func phrases() {
        let phrases = DisclosurePhrases(["ru": ["создано ии"], "en": ["ai-generated"], "zh": ["ai生成"], "kk": ["жасанды интеллект"]])
        #expect(phrases.matches(in: "«СОЗДАНО ИИ!»", languages: ["ru"])["ru"] != nil)
        #expect(phrases.matches(in: "An AI generated image.", languages: ["en"])["en"] != nil)
        #expect(phrases.matches(in: "MAI-generated", languages: ["en"])["en"] == nil)
        #expect(phrases.matches(in: "本图片由AI生成", languages: ["zh"])["zh"] != nil)
        #expect(phrases.matches(in: "Жасанды интеллектпен жасалған", languages: ["kk"])["kk"] != nil)
        #expect(phrases.matches(in: "Handmade", languages: ["kk", "ru", "en", "zh"]).isEmpty)
        // A decomposed "й" (и + combining breve) is the same text as the composed one.
        let composed = DisclosurePhrases(["ru": ["сгенерировано нейросетью"]])
        #expect(composed.matches(in: "Фото сгенерировано неи\u{0306}росетью.", languages: ["ru"])["ru"] != nil)
        #expect(composed.matches(in: "сгенерировано", languages: ["ru"]).isEmpty)
        #expect(phrases.matches(in: "", languages: ["en"]).isEmpty)
        #expect(phrases.matches(in: "ai-ai-generated", languages: ["en"])["en"] != nil)
    }

    @Test("Merchant text-feed structured attributes: type:content, with quotes")
    func merchantText() {
        let ai = MerchantStructuredText(parsing: #"trained_algorithmic_media:"Stride & Conquer: Shoes (Size 8)""#)
        #expect(ai?.digitalSourceType == "trained_algorithmic_media" && ai?.content == "Stride & Conquer: Shoes (Size 8)")
        let plain = MerchantStructuredText(parsing: ":Organic T-Shirt - Blue - M")
        #expect(plain?.digitalSourceType == "" && plain?.content == "Organic T-Shirt - Blue - M")
        #expect(MerchantStructuredText(parsing: #"default:"Say ""hi"": now""#)?.content == #"Say "hi": now"#)
        #expect(MerchantStructuredText(parsing: "no colon here") == nil)
        #expect(MerchantStructuredText(parsing: #"trained_algorithmic_media:"unclosed"#) == nil)
        let record = CatalogRecord(line: 2, fields: ["structured_description": .string(#"trained_algorithmic_media:"Создано ИИ""#)])
        #expect(CatalogSignals(record: record, mapping: .default).markers.count == 1)
        #expect(CatalogMapping.default.visibleText(of: record) == ["Создано ИИ"])
    }

    @Test("Digital source types in Merchant, IPTC and schema.org spellings")
    func sourceTypes() {
        for value in ["trained_algorithmic_media", "TRAINED_ALGORITHMIC_MEDIA", "https://schema.org/TrainedAlgorithmicMediaDigitalSource",
                      "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia",
                      "CompositeSyntheticDigitalSource"] {
            #expect(SourceTypeValue.meaning(value) == .generativeAI, "\(value)")
        }
        for value in ["default", "DEFAULT", "digitalCapture", "https://schema.org/DigitalCaptureDigitalSource", "algorithmicMedia"] {
            #expect(SourceTypeValue.meaning(value) == .other, "\(value)")
        }
        #expect(SourceTypeValue.meaning("yes please") == .unknown)
    }
}
