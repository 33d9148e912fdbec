import AILabelTestSupport
import Foundation
import Testing

@Suite("ailabel verify --catalog, stamp --catalog and web pages, run as a user runs them")
struct CatalogCLITests {
    func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "\(result.stderr)")
    }

    @Test("verify --catalog reports every record as FEED#ID in JSON, and fails on missing disclosures")
    func verifyCatalog() throws {
        let root = Repository.root()
        let result = try ProcessRunner.ailabel(["verify", "--catalog", "Fixtures/catalog/products.csv", "--format", "json", "--scan", "metadata"], directory: root)
        #expect(result.status == 1)
        let document = try json(result)
        let files = try #require(document["files"] as? [[String: Any]])
        #expect(files.count == 57)
        for file in files {
            #expect(file["format"] as? String == "catalog-record")
            #expect((file["path"] as? String)?.hasPrefix("Fixtures/catalog/products.csv#P") == true)
            for key in ["verdict", "aiEvidence", "disclosures", "c2pa", "findings"] { #expect(file.keys.contains(key)) }
        }
        let summary = try #require(document["summary"] as? [String: Any])
        let verdicts = try #require(summary["verdicts"] as? [String: Int])
        #expect(verdicts["compliant"] == 18)
        #expect(verdicts["no-ai-evidence"] == 15)
        #expect(verdicts["missing-disclosure"] == 24)

        let text = try ProcessRunner.ailabel(["verify", "--catalog", "Fixtures/catalog/products.json", "--scan", "metadata"], directory: root)
        #expect(text.stdout.contains("missing-disclosure  Fixtures/catalog/products.json#P003"))
        #expect(text.stdout.contains("No visible disclosure in kk"))
        #expect(try ProcessRunner.ailabel(["verify", "--catalog", "Fixtures/catalog/products.jsonl", "--fail-on", "unreadable"], directory: root).status == 0)
        let jsonl = try ProcessRunner.ailabel(["verify", "--catalog", "Fixtures/catalog/products.jsonl", "--format", "jsonl", "--scan", "metadata"], directory: root)
        #expect(jsonl.stdout.split(separator: "\n").count == 57)
    }

    @Test("A mapping file is read; a bad one, or --catalog stamping without --out, is bad usage (64)")
    func usage() throws {
        let root = Repository.root()
        let mapped = try ProcessRunner.ailabel(
            ["verify", "--catalog", "Fixtures/catalog/custom.json", "--mapping", "Fixtures/catalog/custom-mapping.json", "--profile", "eu", "--format", "json"], directory: root)
        #expect(mapped.status == 1)
        let files = try #require(try json(mapped)["files"] as? [[String: Any]])
        #expect(files.map { $0["verdict"] as? String } == ["missing-disclosure", "compliant"])
        #expect(try ProcessRunner.ailabel(["verify", "--catalog", "Fixtures/catalog/custom.json", "--mapping", "Fixtures/catalog/absent.json"], directory: root).status == 64)
        #expect(try ProcessRunner.ailabel(["stamp", "--catalog", "Fixtures/catalog/products.json"], directory: root).status == 64)
        #expect(try ProcessRunner.ailabel(["stamp", "--catalog", "Fixtures/catalog/products.json", "--in-place"], directory: root).status == 64)
    }

    @Test("A malformed feed: exit 1, an unreadable report naming the file and line")
    func malformed() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let feed = folder.appendingPathComponent("feed.csv")
        try Data("id,title\n1,\"unclosed\n".utf8).write(to: feed)
        let result = try ProcessRunner.ailabel(["verify", "--catalog", feed.path, "--format", "json"])
        #expect(result.status == 1)
        let files = try #require(try json(result)["files"] as? [[String: Any]])
        #expect(files.first?["verdict"] as? String == "unreadable")
        let findings = try #require(files.first?["findings"] as? [[String: Any]])
        #expect((findings.first?["message"] as? String)?.hasPrefix("\(feed.path):2:") == true)
    }

    @Test("stamp --catalog writes a copy in the same format; verify then passes", arguments: ["products.json", "products.csv", "products.jsonl"])
    func stampThenVerify(feed: String) throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Repository.fixture("catalog/images"), to: folder.appendingPathComponent("images"))
        try FileManager.default.copyItem(at: Repository.fixture("catalog/\(feed)"), to: folder.appendingPathComponent(feed))
        let stamped = try ProcessRunner.ailabel(["stamp", "--catalog", feed, "--out", "stamped-\(feed)", "--profile", "kz"], directory: folder)
        #expect(stamped.status == 0, "\(stamped.stderr)")
        #expect(stamped.stdout.contains("records stamped"))
        let verified = try ProcessRunner.ailabel(["verify", "--catalog", "stamped-\(feed)", "--format", "json"], directory: folder)
        #expect(verified.status == 0, "\(verified.stdout.prefix(2000))")
        let verdicts = try #require((try json(verified)["summary"] as? [String: Any])?["verdicts"] as? [String: Int])
        #expect(verdicts["missing-disclosure"] == 0 && verdicts["compliant"] == 42)
    }

    @Test("verify reads .html and .htm pages in folders as pages, with format html")
    func pages() throws {
        let result = try ProcessRunner.ailabel(["verify", "Fixtures/web", "--format", "json", "--scan", "metadata"], directory: Repository.root())
        #expect(result.status == 1)
        let document = try json(result)
        let files = try #require(document["files"] as? [[String: Any]])
        let pages = files.filter { ($0["path"] as? String)?.hasSuffix("htm") == true || ($0["path"] as? String)?.hasSuffix("html") == true }
        #expect(pages.count == 12)
        #expect(pages.allSatisfy { $0["format"] as? String == "html" })
        let compliant = pages.first { ($0["path"] as? String)?.hasSuffix("/compliant.html") == true }
        #expect(compliant?["verdict"] as? String == "compliant")
        #expect(try ProcessRunner.ailabel(["verify", "Fixtures/web/compliant.html"], directory: Repository.root()).status == 0)
        #expect(try ProcessRunner.ailabel(["verify", "Fixtures/web/hidden-notice.html"], directory: Repository.root()).status == 1)
    }
}
