import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@testable import AILabelManifest

/// GIF signed by ailabel (a `C2PA_GIF` application extension after the global colour table,
/// data-hash bound) judged by the reference SDK, and GIF signed by the reference SDK judged by
/// ailabel, intact and tampered.
@Suite("GIF: signed by ailabel, read by the reference SDK, and the other way round", .serialized)
struct GIFInteropTests {
    static let fixtures = ["media/still.gif", "media/animated.gif", "media/partial-frames.gif", "media/interlaced.gif", "media/xmp.gif"]

    @Test("Every kind of GIF ailabel signs is Trusted in the reference SDK with no failure codes, and so in ailabel", arguments: fixtures)
    func signedGIFIsTrusted(_ fixture: String) throws {
        let asset = try Repository.fixtureBytes(fixture)
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: fixture))
        let handler = GIFHandler()
        let contents = try handler.parse(signed)
        #expect(contents.c2paStoreCount == 1)
        let screenEnd = 13 + (asset[10] & 0x80 != 0 ? 3 * (2 << Int(asset[10] & 0x07)) : 0)
        #expect(contents.c2paStoreRanges.first?.lowerBound == screenEnd, "the store follows the global colour table, as c2pa-rs puts it")
        #expect(ByteRanges.equal(asset, try handler.imageDataRanges(in: asset), signed, contents.imageDataRanges))
        let name = "signed-" + (fixture as NSString).lastPathComponent
        let verdict = try Referee.read(try TestSigning.write(signed, name: name), trust: [TestSigning.trustAnchorsPath], mime: "image/gif")
        #expect(verdict.state == "Trusted", "\(name): \(verdict)")
        #expect(verdict.failure.isEmpty, "\(name): \(verdict.failure)")
        #expect(verdict.digitalSourceTypes?.contains(TestSigning.aiGenerated) == true)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
        // Re-signing replaces ailabel's own manifest in place and stays Trusted.
        let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition(title: fixture))
        #expect(try handler.parse(again).c2paStoreCount == 1)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: again).state == .trusted)
    }

    @Test("A changed byte of a signed GIF's image data is a data hash mismatch in ailabel and in the reference SDK", arguments: fixtures)
    func tamperedGIF(_ fixture: String) throws {
        try ImageTamperCheck.expectDataHashMismatch(fixture, handler: GIFHandler(), mime: "image/gif")
    }

    /// The variants of one SDK-signed GIF: intact, an image byte flipped, a byte of the loop
    /// extension flipped (covered by the hash too), and the store removed.
    static let sdkVariants = ["intact", "image byte flipped", "loop extension byte flipped", "store removed"]

    @Test("GIFs signed (and tampered) by the reference SDK validate in ailabel with the SDK's state and failure codes", arguments: sdkVariants)
    func signedBySDK(_ variant: String) throws {
        let directory = try TestPaths.temporaryDirectory()
        let signedPath = directory + "/sdk-signed.gif"
        let signing = try ProcessRunner.run(
            TestPaths.python,
            [TestPaths.fixtures + "/sdk_sign.py", Repository.fixture("media/animated.gif").path, signedPath, "image/gif",
             "--key", TestSigning.directory + "/" + TestPKI.signerKeyFile, "--chain", TestSigning.directory + "/" + TestPKI.signerChainFile])
        try #require(signing.status == 0, "sdk_sign.py failed: \(signing.stderr)")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: signedPath)))
        let contents = try GIFHandler().parse(bytes)
        #expect(contents.c2paStoreRanges.first?.lowerBound == 13 + 768, "the SDK puts the store right after the global colour table")
        switch variant {
        case "image byte flipped":
            bytes[try #require(contents.imageDataRanges.first).upperBound - 5] ^= 0x40
        case "loop extension byte flipped":
            let loop = try #require(contents.blocks.first { $0.name.contains("NETSCAPE") })
            bytes[loop.offset + loop.size - 3] ^= 0x01
        case "store removed":
            var removal = MetadataEdit()
            removal.c2paStore = .remove
            bytes = try GIFHandler().rewrite(bytes, applying: removal).bytes
        default:
            break
        }
        let path = try TestSigning.write(bytes, name: "sdk-" + variant.replacingOccurrences(of: " ", with: "-") + ".gif")
        let verdict = try Referee.read(path, trust: [TestSigning.trustAnchorsPath], mime: "image/gif")
        let report = ManifestValidator(trust: TestSigning.trust).validate(asset: bytes)
        let expectedState = verdict.state == "absent" ? "Absent" : verdict.state
        #expect(report.state.rawValue == expectedState, "\(variant): ailabel \(report.state) \(report.statuses), SDK \(verdict)")
        #expect(report.failureCodes == verdict.failure.sorted(), "\(variant): ailabel \(report.failureCodes), SDK \(verdict.failure)")
        if variant == "intact" { #expect(verdict.state == "Trusted") }
    }

    @Test("A GIF on disk is validated by positioned reads and a streamed hash")
    func streamedGIF() throws {
        let signed = try TestSigning.signer.sign(try Repository.fixtureBytes("media/animated.gif"), definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "streamed.gif")
        let report = ManifestValidator(trust: TestSigning.trust).validate(fileAt: path, chunkSize: 64)
        #expect(report.state == .trusted, "\(report.statuses)")
    }

    static let wildGIF = Repository.root().appendingPathComponent("../shared/wild/other/c2pa-rs__sdk_tests_fixtures_sample1.gif").standardized

    @Test("c2pa-rs's own sample1.gif (90 frames, a comment, local colour tables) signed by ailabel is Trusted in the reference SDK, and signed by the SDK validates the same in ailabel",
          .enabled(if: FileManager.default.fileExists(atPath: wildGIF.path), "skipped: ../shared/wild (real files by others) is absent beside the repository"))
    func wildSample() throws {
        let asset = [UInt8](try Data(contentsOf: Self.wildGIF))
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition(title: "sample1.gif"))
        #expect(try GIFHandler().parse(signed).c2paStoreRanges.first?.lowerBound == 13 + 768)
        let verdict = try Referee.read(try TestSigning.write(signed, name: "wild-signed.gif"), trust: [TestSigning.trustAnchorsPath], mime: "image/gif")
        #expect(verdict.state == "Trusted" && verdict.failure.isEmpty, "\(verdict)")

        let directory = try TestPaths.temporaryDirectory()
        let sdkSigned = directory + "/wild-sdk-signed.gif"
        let signing = try ProcessRunner.run(
            TestPaths.python,
            [TestPaths.fixtures + "/sdk_sign.py", Self.wildGIF.path, sdkSigned, "image/gif",
             "--key", TestSigning.directory + "/" + TestPKI.signerKeyFile, "--chain", TestSigning.directory + "/" + TestPKI.signerChainFile])
        try #require(signing.status == 0, "sdk_sign.py failed: \(signing.stderr)")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: sdkSigned)))
        for tampered in [false, true] {
            if tampered { bytes[bytes.count - 100] ^= 0x08 }
            let path = try TestSigning.write(bytes, name: tampered ? "wild-sdk-tampered.gif" : "wild-sdk-intact.gif")
            let sdk = try Referee.read(path, trust: [TestSigning.trustAnchorsPath], mime: "image/gif")
            let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: bytes)
            #expect(ours.state.rawValue == sdk.state && ours.failureCodes == sdk.failure.sorted(), "tampered \(tampered): ailabel \(ours.state) \(ours.failureCodes), SDK \(sdk)")
        }
    }
}
