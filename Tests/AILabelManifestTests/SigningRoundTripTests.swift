import AILabelMedia
import Foundation
import Testing

@testable import AILabelManifest

@Suite("Signing and validating in ailabel")
struct SigningRoundTripTests {
    static let sources = ["tiny-8x8.jpg", "small-160x120.jpg", "medium-480x360.jpg", "tiny-4x4.png", "small-96x64.png", "medium-320x240.png"]

    @Test("Signed files validate as Trusted with the label's facts", arguments: sources)
    func roundTrip(_ source: String) throws {
        let asset = try TestPaths.read("sources/" + source)
        var definition = TestSigning.definition(title: source)
        definition.watermarks = [WatermarkAction(description: "visible AI disclosure label", kind: .visible),
                                 WatermarkAction(description: "invisible watermark")]
        definition.softBindings = [SoftBinding(algorithm: "io.ailabel.watermark.1", value: "AQID")]
        let signed = try TestSigning.signer.sign(asset, definition: definition)
        let report = ManifestValidator(trust: TestSigning.trust).validate(asset: signed)
        #expect(report.state == .trusted, "\(report.statuses)")
        #expect(report.failures.isEmpty)
        #expect(report.successCodes.contains("assertion.dataHash.match"))
        #expect(report.successCodes.contains("claimSignature.validated"))
        let summary = try #require(report.activeManifest)
        #expect(summary.claimGeneratorName == "ailabel")
        #expect(summary.actions.first?.action == "c2pa.created")
        #expect(summary.actions.first?.digitalSourceType == TestSigning.aiGenerated)
        // Spec 2.4 conformance: the badge is a perceptible edit with a source type; the mark is bound.
        #expect(summary.actions.contains { $0.action == "c2pa.edited" && $0.digitalSourceType == WatermarkAction.visibleMarkSourceType })
        #expect(summary.actions.contains { $0.action == "c2pa.watermarked.bound" && $0.digitalSourceType == nil })
        #expect(summary.disclosure?["jurisdiction"] == .text("EU"))
        #expect(summary.softBindings == [SoftBinding(algorithm: "io.ailabel.watermark.1", value: "AQID")])
        #expect(summary.signer?.commonName == "ailabel unit test signer")
        #expect(summary.title == source)
        // Without the anchor the same file is Valid, with the untrusted failure listed.
        let untrusted = ManifestValidator().validate(asset: signed)
        #expect(untrusted.state == .valid)
        #expect(untrusted.failureCodes == ["signingCredential.untrusted"])
    }

    @Test("Signing through the media layer's handler gives the same result", arguments: ["small-160x120.jpg", "small-96x64.png"])
    func handlerRoundTrip(_ source: String) throws {
        let asset = try TestPaths.read("sources/" + source)
        let handler = try #require(AssetRegistry.standard.handler(for: asset))
        let signed = try TestSigning.signer.sign(asset, handler: handler, definition: TestSigning.definition())
        let validator = ManifestValidator(trust: TestSigning.trust)
        #expect(validator.validate(asset: signed, handler: handler).state == .trusted)
        #expect(validator.validate(asset: signed).state == .trusted)
        _ = try handler.parse(signed)
    }

    @Test("A manifest over 64 KB spans several APP11 segments")
    func multiSegment() throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        var definition = TestSigning.definition()
        definition.customAssertions = [(label: "io.ailabel.test.bulk", value: .bytes([UInt8](repeating: 0xA5, count: 150_000)))]
        let signed = try TestSigning.signer.sign(asset, definition: definition)
        // The segments after SOI, as the media layer lists them.
        let segments = Array(try JPEGHandler().parse(signed).blocks.dropFirst())
        let app11 = segments.filter { $0.name == "APP11" }
        #expect(app11.count == 3)
        #expect(app11[0].size == 64012)
        #expect(app11[1].size == 64020)
        #expect(segments[0].name == "APP0" && segments[1].name == "APP11")
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: signed).state == .trusted)
    }

    @Test("Re-signing replaces ailabel's own manifest")
    func resignReplaces() throws {
        let asset = try TestPaths.read("sources/small-96x64.png")
        let once = try TestSigning.signer.sign(asset, definition: TestSigning.definition())
        let twice = try TestSigning.signer.sign(once, definition: TestSigning.definition())
        let report = ManifestValidator(trust: TestSigning.trust).validate(asset: twice)
        #expect(report.state == .trusted)
        #expect(report.manifestCount == 1)
        #expect(report.activeManifest?.ingredients.isEmpty == true)
    }

    @Test("A foreign manifest becomes the parent ingredient and stays in the store")
    func foreignParent() throws {
        let foreign = try TestPaths.read("sdk/signed.jpg")
        let signed = try TestSigning.signer.sign(foreign, definition: TestSigning.definition())
        var trust = TestSigning.trust
        trust.anchors += try ParsedCertificate.certificates(fromPEMBundle: TestPaths.readText("keys/fixtures-root.pem"))
        let report = ManifestValidator(trust: trust).validate(asset: signed)
        #expect(report.state == .trusted, "\(report.statuses)")
        #expect(report.manifestCount == 2)
        let ingredient = try #require(report.activeManifest?.ingredients.first)
        #expect(ingredient.relationship == "parentOf")
        #expect(ingredient.validation?.state == .trusted)
        #expect(ingredient.validation?.activeManifest?.claimGeneratorName == "make_fixtures.py")
        #expect(report.activeManifest?.actions.first?.action == "c2pa.opened")
        // Spec 2.4: no digitalSourceType on c2pa.opened; the declaration is in ailabel's vendor parameter.
        #expect(report.activeManifest?.actions.first?.digitalSourceType == TestSigning.aiGenerated)
        #expect(report.activeManifest?.actions.first?.sourceTypeParameter == ManifestDefinition.declaredSourceTypeParameter)
        // Re-signing keeps the foreign parent.
        let again = try TestSigning.signer.sign(signed, definition: TestSigning.definition())
        let second = ManifestValidator(trust: trust).validate(asset: again)
        #expect(second.state == .trusted)
        #expect(second.manifestCount == 2)
        #expect(second.activeManifest?.ingredients.first?.validation?.activeManifest?.claimGeneratorName == "make_fixtures.py")
    }

    @Test("A sidecar binds the whole asset")
    func sidecar() throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        let sidecar = try TestSigning.signer.signSidecar(forAsset: asset, format: "image/jpeg", definition: TestSigning.definition())
        let validator = ManifestValidator(trust: TestSigning.trust)
        #expect(validator.validate(sidecar: sidecar, asset: asset).state == .trusted)
        var changed = asset
        changed[changed.count / 2] ^= 0x10
        let report = validator.validate(sidecar: sidecar, asset: changed)
        #expect(report.state == .invalid)
        #expect(report.failureCodes == ["assertion.dataHash.mismatch"])
    }

    @Test("Validating a file on disk streams it")
    func fileValidation() throws {
        let asset = try TestPaths.read("sources/medium-480x360.jpg")
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition())
        let path = try TestSigning.write(signed, name: "streamed.jpg")
        #expect(ManifestValidator(trust: TestSigning.trust).validate(fileAt: path).state == .trusted)
    }

    @Test("Changing one pixel byte after signing is a data hash mismatch")
    func tamperedPixels() throws {
        let signed = try TestSigning.signer.sign(try TestPaths.read("sources/medium-480x360.jpg"), definition: TestSigning.definition())
        var tampered = signed
        tampered[tampered.count - 100] ^= 0x01
        let report = ManifestValidator(trust: TestSigning.trust).validate(asset: tampered)
        #expect(report.state == .invalid)
        #expect(report.failureCodes == ["assertion.dataHash.mismatch"])
        #expect(report.failures.first?.explanation.contains("changed after signing") == true)
    }

    @Test("An unreadable existing store is not silently discarded")
    func unreadableStore() throws {
        let asset = try TestPaths.read("sources/small-160x120.jpg")
        let signed = try TestSigning.signer.sign(asset, definition: TestSigning.definition())
        let store = try #require(try ManifestDebug.locateStore(in: signed).store)
        let broken = try ManifestDebug.embed(rawStore: Array(store.prefix(store.count - 10)), in: asset)
        #expect(throws: ManifestError.storeMalformed) { try TestSigning.signer.sign(broken, definition: TestSigning.definition()) }
        var definition = TestSigning.definition()
        definition.replaceUnreadableStore = true
        let replaced = try TestSigning.signer.sign(broken, definition: definition)
        #expect(ManifestValidator(trust: TestSigning.trust).validate(asset: replaced).state == .trusted)
    }
}
