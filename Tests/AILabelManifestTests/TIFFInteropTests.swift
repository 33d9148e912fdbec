import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// TIFF and DNG signed by ailabel (tag 0xCD41 of an appended IFD0, data-hash bound) judged by the
/// reference SDK and by ailabel's validator, intact and tampered; and TIFF and DNG signed by the SDK
/// (at test time, with the fixtures PKI) judged by ailabel as the SDK judges them.
@Suite("TIFF and DNG: signed by ailabel and by the reference SDK, each read by the other", .serialized)
struct TIFFInteropTests {
    static let fixtures = [
        "media/rgb-strips.tif", "media/alpha-lzw.tif", "media/multipage.tif", "media/gray16.tif", "media/bigtiff.tif",
        "media/metadata.tif", "media/bigendian.tif", "media/tiled-bigtiff.tif", "media/raw.dng",
    ]

    static func mime(_ fixture: String) -> String { fixture.hasSuffix(".dng") ? "image/dng" : "image/tiff" }

    @Test("Every kind of TIFF and DNG ailabel signs is Trusted in the reference SDK with no failure codes, and so in ailabel", arguments: fixtures)
    func signedTIFFIsTrusted(_ fixture: String) throws {
        let asset = try Repository.fixtureBytes(fixture)
        let handler = TIFFHandler()
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: fixture))
        let contents = try handler.parse(signed)
        #expect(contents.c2paStoreCount == 1)
        #expect(contents.blocks.last?.kind == .c2pa, "the store is the file's last bytes, as c2pa-rs writes it")
        #expect(ByteRanges.equal(asset, try handler.imageDataRanges(in: asset), signed, contents.imageDataRanges))
        let name = "signed-" + (fixture as NSString).lastPathComponent
        let verdict = try Referee.read(try TestSigning.write(signed, name: name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(fixture))
        #expect(verdict.state == "Trusted", "\(name): \(verdict)")
        #expect(verdict.failure.isEmpty, "\(name): \(verdict.failure)")
        #expect(verdict.digitalSourceTypes?.contains(TestSigning.aiGenerated) == true)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
        // Re-signing replaces ailabel's own manifest in place of the tail it appended, and stays Trusted.
        let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition(title: fixture))
        #expect(try handler.parse(again).c2paStoreCount == 1)
        #expect(again.count < signed.count + 4096, "the second signature replaced the first one's tail")
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: again).state == .trusted)
        let againVerdict = try Referee.read(try TestSigning.write(again, name: "again-" + name), trust: [TestSigning.trustAnchorsPath], mime: Self.mime(fixture))
        #expect(againVerdict.state == "Trusted" && againVerdict.failure.isEmpty, "\(name): \(againVerdict)")
    }

    @Test("A changed byte of a signed TIFF's image data is a data hash mismatch in ailabel and in the reference SDK", arguments: ["media/rgb-strips.tif", "media/tiled-bigtiff.tif", "media/raw.dng"])
    func tamperedTIFF(_ fixture: String) throws {
        try ImageTamperCheck.expectDataHashMismatch(fixture, handler: TIFFHandler(), mime: Self.mime(fixture))
    }

    /// Signs `fixture` with the reference SDK and the fixtures PKI.
    static func sdkSigned(_ fixture: String) throws -> String {
        let destination = try TestPaths.temporaryDirectory() + "/sdk-" + (fixture as NSString).lastPathComponent
        let keys = TestPaths.fixtures + "/keys/"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.python)
        process.arguments = [TestPaths.fixtures + "/sdk_sign.py", Repository.fixture(fixture).path, destination, mime(fixture),
                             "--key", keys + "fixtures-signer.key", "--chain", keys + "fixtures-chain.pem"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("sdk_sign.py failed: \(message)")
            throw CancellationError()
        }
        return destination
    }

    /// One of each layout the SDK writes differently: classic II, big-endian, BigTIFF tiled, multi-page, DNG.
    static let sdkFixtures = ["media/rgb-strips.tif", "media/bigendian.tif", "media/tiled-bigtiff.tif", "media/multipage.tif", "media/raw.dng"]

    @Test("Files the reference SDK signs (its multi-page layout too), intact and tampered: ailabel gives the SDK's state and codes", arguments: sdkFixtures)
    func sdkSignedTIFF(_ fixture: String) throws {
        let path = try Self.sdkSigned(fixture)
        let root = TestPaths.fixtures + "/keys/fixtures-root.pem"
        let trust = try TrustConfiguration(anchorPEMs: [try TestPaths.readText("keys/fixtures-root.pem")])
        let sdk = try Referee.read(path, trust: [root], mime: Self.mime(fixture))
        let signed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let ours = ManifestValidator(trust: trust).validate(asset: signed)
        #expect(sdk.state == "Trusted" && ours.state == .trusted, "\(fixture): SDK \(sdk), ailabel \(ours.statuses)")
        #expect(Set(ours.failureCodes) == Set(sdk.failure), "\(fixture)")

        let image = try #require(try TIFFHandler().imageDataRanges(in: signed).first)
        var tampered = signed
        tampered[image.lowerBound + image.count / 2] ^= 0x44
        let tamperedPath = path + ".tampered" + (fixture.hasSuffix(".dng") ? ".dng" : ".tif")
        try Data(tampered).write(to: URL(fileURLWithPath: tamperedPath))
        let sdkTampered = try Referee.read(tamperedPath, trust: [root], mime: Self.mime(fixture))
        let oursTampered = ManifestValidator(trust: trust).validate(asset: tampered)
        #expect(sdkTampered.state == "Invalid" && oursTampered.state == .invalid, "\(fixture)")
        #expect(Set(oursTampered.failureCodes) == Set(sdkTampered.failure), "\(fixture): SDK \(sdkTampered.failure), ailabel \(oursTampered.failureCodes)")

        // ailabel signs over the SDK's manifest: the SDK's store becomes the parent ingredient, the
        // store moves into IFD0, and the SDK reads the result as Trusted.
        let resigned = try TestSigning.signer.sign(signed, definition: TestSigning.definition(title: fixture))
        let contents = try TIFFHandler().parse(resigned)
        #expect(contents.c2paStoreCount == 1 && contents.blocks.filter { $0.name.contains("C2PA only") }.isEmpty, "\(fixture)")
        let verdict = try Referee.read(try TestSigning.write(resigned, name: "resigned-" + (fixture as NSString).lastPathComponent),
                                       trust: [TestSigning.trustAnchorsPath, root], mime: Self.mime(fixture))
        #expect(verdict.state == "Trusted" && verdict.failure.isEmpty, "\(fixture): \(verdict)")
        #expect(verdict.manifestCount == 2, "\(fixture): the SDK's manifest is kept as the parent")
    }
}
