import AILabelMedia
import Foundation
import Testing

@testable import AILabelManifest

/// `c2pa.hash.boxes` (box hash, as Microsoft signs): validated box run by box run, with the
/// reference SDK's verdict on the same embedded files.
@Suite("Box hash (c2pa.hash.boxes)")
struct BoxHashTests {
    /// An asset with a store whose hard binding is a box hash: one entry per box of the laid-out
    /// file (the C2PA box unhashed), or, with `grouped`, the boxes before the scan hashed together.
    static func boxHashed(_ source: String, grouped: Bool = false) throws -> [UInt8] {
        let asset = try TestPaths.read("sources/" + source)
        let actions = ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([("actions", .array([
            .textMap([("action", .text("c2pa.created")), ("digitalSourceType", .text(TestSigning.aiGenerated))]),
        ]))]))
        func store(boxes: CBOR) throws -> [UInt8] {
            var builder = ManifestBuilder()
            builder.add(actions)
            builder.add(ManifestBuilder.cborAssertion(label: "c2pa.hash.boxes", content: .textMap([("boxes", boxes)])))
            let claim = builder.claim(title: source, generatorVersion: "test").encoded()
            let signature = try TestSigning.signer.coseSignature(claimBytes: claim, placeholder: false)
            return ManifestBuilder.storeBox(previous: [], manifest: builder.manifestBox(claimBytes: claim, signatureBytes: signature))
        }
        // Lay out once to learn the boxes (the store's own bytes are never hashed, so its size does
        // not change the others), then sign the entries and lay out the real store.
        let (laidOut, _) = try ManifestDebug.laidOut(rawStore: try store(boxes: .array([])), in: asset)
        let boxes = try #require(BoxHash.boxes(of: laidOut))
        var entries: [CBOR] = []
        var pending: [C2PABox] = []
        func flush() {
            guard let first = pending.first, let last = pending.last else { return }
            entries.append(.textMap([("names", .array(pending.map { .text($0.name) })), ("alg", .text("sha256")),
                                     ("hash", .bytes(HashAlgorithm.sha256.hash(laidOut[first.range.lowerBound..<last.range.upperBound]))),
                                     ("pad", .bytes([]))]))
            pending = []
        }
        for box in boxes {
            if box.name == BoxHash.c2paName {
                flush()
                entries.append(.textMap([("names", .array([.text(box.name)])), ("alg", .text("sha256")), ("hash", .bytes([0])), ("pad", .bytes([]))]))
            } else {
                pending.append(box)
                if !grouped || box.name == "SOS" || box.name == "IDAT" { flush() }
            }
        }
        flush()
        return try ManifestDebug.embed(rawStore: try store(boxes: .array(entries)), in: asset)
    }

    @Test("A box-hashed JPEG and PNG validate, and a changed box is a mismatch, as in the reference SDK",
          arguments: ["small-160x120.jpg", "small-96x64.png", "medium-480x360.jpg"], [false, true])
    func boxHash(_ source: String, grouped: Bool) throws {
        let signed = try Self.boxHashed(source, grouped: grouped)
        var damaged = signed
        // A byte of the image data (the last box before the end) changed.
        damaged[damaged.count - 20] ^= 0x55
        for (label, asset) in [("intact", signed), ("damaged", damaged)] {
            let ours = ManifestValidator(trust: TestSigning.trust).validate(asset: asset)
            let name = "boxhash-\(label)-" + source
            let sdk = try Referee.read(try TestSigning.write(asset, name: name), trust: [TestSigning.trustAnchorsPath])
            #expect(ours.state.rawValue == sdk.state, "\(name): ailabel \(ours.statuses) SDK \(sdk)")
            #expect(ours.failureCodes == sdk.failure, "\(name): ailabel \(ours.failureCodes) SDK \(sdk.failure)")
            if label == "intact" {
                #expect(ours.successCodes.contains("assertion.boxesHash.match"))
            }
        }
    }
}
