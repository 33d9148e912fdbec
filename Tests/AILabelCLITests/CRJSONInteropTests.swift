import AILabelTestSupport
import Foundation
import Testing

/// `ailabel inspect --crjson` against the reference SDK's `Reader.crjson()` (Fixtures/c2pa/compare_crjson.py
/// says what is compared and what is normalised): on every SDK and signal fixture and every real JPEG
/// and PNG in ../shared/wild (skipped, and said so, when absent).
@Suite("crJSON agrees with the reference SDK's", .serialized)
struct CRJSONInteropTests {
    static let wild = Repository.root().appendingPathComponent("../shared/wild/files").standardizedFileURL

    static func assets() -> [String] {
        var out = (Repository.fixtureFiles(in: "c2pa/sdk") + Repository.fixtureFiles(in: "c2pa/signals")).map { Repository.fixture($0).path }
        if let names = try? FileManager.default.contentsOfDirectory(atPath: wild.path) {
            out += names.filter { [".jpg", ".jpeg", ".png"].contains(where: $0.lowercased().hasSuffix) }.sorted().map { wild.appendingPathComponent($0).path }
        } else {
            print("CRJSONInteropTests: ../shared/wild is absent; only the fixtures are compared")
        }
        return out
    }

    @Test("Same manifests, assertions, claims, signers and failure codes as the SDK on every file with a manifest")
    func agreesWithSDK() throws {
        let folder = try Repository.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var pairs: [String] = []
        var withoutStore: [String] = []
        for (index, asset) in Self.assets().enumerated() {
            #expect(FileManager.default.fileExists(atPath: asset), "\(asset)")
            let result = try ProcessRunner.ailabel(["inspect", "--crjson", asset])
            if result.status == 0 {
                #expect((try? JSONSerialization.jsonObject(with: result.stdoutData)) != nil, "\(asset): not JSON")
                let output = folder.appendingPathComponent("\(index).json")
                try result.stdoutData.write(to: output)
                pairs += [asset, output.path]
            } else {
                #expect(result.stderr.contains(asset), "the failure names the file: \(result.stderr)")
                withoutStore.append(asset)
            }
        }
        let compared = try ProcessRunner.run(Repository.python, [Repository.root().appendingPathComponent("Fixtures/c2pa/compare_crjson.py").path] + pairs)
        #expect(compared.status == 0, "\(compared.stderr)")
        struct Output: Decodable {
            struct File: Decodable { var asset: String; var sdkError: String?; var differences: [[String: AnyCodable]] }
            var files: [File]
        }
        let output = try JSONDecoder().decode(Output.self, from: compared.stdoutData)
        var agreed = 0
        for file in output.files where file.sdkError == nil {
            #expect(file.differences.isEmpty, "\(file.asset): \(file.differences.map { $0.mapValues(\.text) })")
            if file.differences.isEmpty { agreed += 1 }
        }
        print("CRJSONInteropTests: \(agreed) of \(output.files.filter { $0.sdkError == nil }.count) files agree; \(output.files.filter { $0.sdkError != nil }.count) the SDK refuses; \(withoutStore.count) without a store")
        #expect(agreed >= 20)
        // A file ailabel finds no store in: the SDK finds no manifest there either.
        let check = try ProcessRunner.run(Repository.python, ["-c", """
            import c2pa, io, sys
            for path in sys.argv[1:]:
                mime = "image/png" if path.lower().endswith(".png") else "image/jpeg"
                try:
                    c2pa.Reader(mime, io.BytesIO(open(path, "rb").read()))
                    print("READ", path)
                except Exception as error:
                    print("REFUSED", path, type(error).__name__, str(error)[:120].replace("\\n", " "))
            """] + withoutStore)
        for line in check.stdout.split(separator: "\n") where line.hasPrefix("READ") {
            Issue.record("the SDK reads a manifest ailabel's crJSON does not: \(line)")
        }
    }
}

/// A JSON value of any kind, for the comparison report.
struct AnyCodable: Decodable {
    let text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) { text = string }
        else if let strings = try? container.decode([String].self) { text = strings.joined(separator: ",") }
        else { text = "…" }
    }
}
