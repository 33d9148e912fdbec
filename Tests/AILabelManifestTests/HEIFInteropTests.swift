import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// HEIF/HEIC and AVIF signed by ailabel (the C2PA `uuid` box after `ftyp`, bound by
/// `c2pa.hash.bmff.v3`) and by the reference SDK, judged by both, intact and tampered.
@Suite("HEIF and AVIF: the BMFF hash binding against the reference SDK", .serialized)
struct HEIFInteropTests {
    static let fixtures = ["media/plain.heic", "media/alpha.heic", "media/metadata.heic", "media/plain.avif", "media/alpha.avif", "media/pillow.avif"]

    static func mime(_ path: String) -> String { path.hasSuffix(".avif") ? "image/avif" : "image/heif" }

    @Test("Every HEIC and AVIF ailabel signs is Trusted in the reference SDK with a BMFF hash match and no failure codes, and so in ailabel",
          arguments: fixtures)
    func signedHEIFIsTrusted(_ fixture: String) throws {
        let asset = try Repository.fixtureBytes(fixture)
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: fixture))
        let handler = try #require(AssetRegistry.standard.handler(for: signed))
        let contents = try handler.parse(signed)
        #expect(contents.c2paStoreCount == 1)
        #expect(contents.blocks.dropFirst().first?.kind == .c2pa, "the C2PA uuid box follows ftyp, as c2pa-rs puts it")
        #expect(ByteRanges.equal(asset, try handler.imageDataRanges(in: asset), signed, contents.imageDataRanges))
        let name = "signed-" + (fixture as NSString).lastPathComponent
        let verdict = try Referee.read(try TestSigning.write(signed, name: name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(fixture))
        #expect(verdict.state == "Trusted", "\(name): \(verdict)")
        #expect(verdict.failure.isEmpty, "\(name): \(verdict.failure)")
        #expect(verdict.success.contains("assertion.bmffHash.match"), "\(name): \(verdict.success)")
        #expect(verdict.digitalSourceTypes?.contains(TestSigning.aiGenerated) == true)
        let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: signed)
        #expect(ours.state == .trusted, "\(ours.statuses)")
        #expect(ours.successCodes.contains("assertion.bmffHash.match"))
        // Re-signing replaces ailabel's own manifest in place and stays Trusted.
        let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition(title: fixture))
        #expect(again.count == signed.count)
        #expect(try handler.parse(again).c2paStoreCount == 1)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: again).state == .trusted)
    }

    /// Three tampers: a byte of the image data, a byte of the meta box, and a `free` box slipped in
    /// before the media data (excluded itself, but it moves the boxes after it, whose offsets v3 hashes).
    static func tampers(_ signed: [UInt8]) throws -> [(String, [UInt8])] {
        let tree = try BMFFTree(signed)
        let meta = try #require(tree.first(.meta))
        let mdat = try #require(tree.topLevel.first { tree.boxes[$0].type == .mdat })
        var image = signed
        image[tree.boxes[mdat].range.upperBound - 5] ^= 0x21
        var metadata = signed
        metadata[tree.boxes[meta].range.lowerBound + 20] ^= 0x01
        var moved = signed
        moved.insert(contentsOf: [0, 0, 0, 8] + Array("free".utf8), at: tree.boxes[mdat].range.lowerBound)
        return [("image", image), ("meta", metadata), ("moved", moved)]
    }

    @Test("A changed image byte, a changed meta byte and a moved box are BMFF hash mismatches in ailabel and in the reference SDK",
          arguments: ["media/plain.heic", "media/plain.avif"])
    func tamperedHEIF(_ fixture: String) throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes(fixture), definition: TestSigning.definition())
        for (kind, tampered) in try Self.tampers(signed) {
            let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: tampered)
            #expect(ours.failureCodes == ["assertion.bmffHash.mismatch"], "\(kind): \(ours.statuses)")
            let name = "tampered-\(kind)-" + (fixture as NSString).lastPathComponent
            let verdict = try Referee.read(try TestSigning.write(tampered, name: name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(fixture))
            #expect(verdict.state == ours.state.rawValue, "\(kind): SDK \(verdict), ailabel \(ours.state)")
            #expect(verdict.failure == ours.failureCodes, "\(kind): SDK \(verdict.failure), ailabel \(ours.failureCodes)")
        }
    }

    @Test("Files the reference SDK signs, intact and tampered, get the SDK's state and failure codes in ailabel",
          arguments: ["sdk/signed.heic", "sdk/signed.avif"])
    func signedBySDK(_ name: String) throws {
        let asset = try TestPaths.read(name)
        let trustPEM = TestPaths.fixtures + "/keys/fixtures-root.pem"
        let trust = try TrustConfiguration(anchorPEMs: [TestPaths.readText("keys/fixtures-root.pem")])
        for (kind, bytes) in [("intact", asset)] + (try Self.tampers(asset)) {
            let path = try TestSigning.write(bytes, name: "\(kind)-" + (name as NSString).lastPathComponent)
            for anchors in [[], [trustPEM]] {
                let report = ManifestValidator(trust: anchors.isEmpty ? .none : trust).validate(asset: bytes)
                let verdict = try Referee.read(path, trust: anchors, mime: Self.mime(name))
                #expect(report.state.rawValue == verdict.state, "\(name) \(kind): ailabel \(report.state) \(report.statuses), SDK \(verdict)")
                #expect(report.failureCodes == verdict.failure.sorted(), "\(name) \(kind): ailabel \(report.failureCodes), SDK \(verdict.failure)")
                if kind == "intact" { #expect(report.successCodes.contains("assertion.bmffHash.match")) }
            }
        }
    }

    @Test("ailabel signing over an SDK-signed HEIC keeps the SDK's manifest as the parent; the SDK reads it with no failure codes")
    func resignedOverSDK() throws {
        let asset = try TestPaths.read("sdk/signed.heic")
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "resigned.heic")
        let verdict = try Referee.read(path, trust: [TestSigning.trustAnchorsPath, TestPaths.fixtures + "/keys/fixtures-root.pem"], mime: "image/heif")
        #expect(verdict.state == "Trusted", "\(verdict)")
        #expect(verdict.failure.isEmpty && (verdict.ingredientFailure ?? []).isEmpty, "\(verdict)")
        #expect(verdict.manifestCount == 2)
    }

    @Test("A HEIC is validated from its file by positioned reads and a streamed hash")
    func streamedHEIF() throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes("media/alpha.heic"), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "streamed.heic")
        let report = ManifestValidator(trust: TestSigning.trust).validate(fileAt: path, chunkSize: 64)
        #expect(report.state == .trusted, "\(report.statuses)")
    }
}
