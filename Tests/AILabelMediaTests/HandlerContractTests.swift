import AILabelKit
import AILabelManifest
import AILabelMedia
import AILabelTestSupport
import AILabelVocabulary
import Foundation
import Testing

/// The contract every registered handler keeps (Docs/adding-a-format.md), run on every registered
/// format with the media fixtures of its extensions: a format registered without fixtures fails here.
@Suite("Every registered format handler keeps the handler contract")
struct HandlerContractTests {
    /// Each registered handler with its fixtures (files named with its extensions under Fixtures/media).
    static var cases: [HandlerCase] {
        AssetRegistry.standard.handlers.map { handler in
            HandlerCase(
                handler: handler,
                fixtures: Repository.fixtureFiles(in: "media", extensions: Set(handler.declaration.extensions))
                    .filter { !$0.contains("huge-dimensions") })
        }
    }

    struct HandlerCase: Sendable, CustomTestStringConvertible {
        let handler: any AssetHandler
        let fixtures: [String]
        var testDescription: String { handler.format.rawValue }
    }

    /// A JUMBF superbox labelled `c2pa` (what the container layer recognises as a manifest store), with
    /// a content box of `payload` bytes.
    static func store(payload: Int) -> [UInt8] {
        func box(_ type: String, _ content: [UInt8]) -> [UInt8] {
            let length = UInt32(8 + content.count)
            return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
                + Array(type.utf8) + content
        }
        let uuid: [UInt8] = [0x63, 0x32, 0x70, 0x61, 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        let description = box("jumd", uuid + [0x03] + Array("c2pa".utf8) + [0])
        return box("jumb", description + box("bidb", (0..<payload).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
    }

    static let packet: [UInt8] = Array("""
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF \
        xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" \
        xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" \
        Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>\
        </rdf:RDF></x:xmpmeta><?xpacket end="w"?>
        """.utf8)

    /// A metadata stamp as `stamp` makes one: XMP replaced, a C2PA store put in.
    static func stampEdit(storePayload: Int) -> MetadataEdit {
        var edit = MetadataEdit()
        edit.xmp = .replace(packet)
        edit.c2paStore = .replace(store(payload: storePayload))
        return edit
    }

    @Test("The declaration is complete and the registry finds the handler by its bytes, its name and its format", arguments: cases)
    func declaration(_ item: HandlerCase) throws {
        let declaration = item.handler.declaration
        #expect(!declaration.format.rawValue.isEmpty && declaration.format.rawValue == declaration.format.rawValue.lowercased())
        #expect(!declaration.displayName.isEmpty && !declaration.signatures.isEmpty && !declaration.extensions.isEmpty)
        #expect(declaration.mimeType.contains("/"))
        #expect(AssetRegistry.standard.handlers.filter { $0.format == declaration.format }.count == 1, "one handler per format name")
        #expect(AssetRegistry.standard.handler(for: declaration.format)?.format == declaration.format)
        #expect(AssetRegistry.metadataReading.handler(for: declaration.format)?.format == declaration.format)
        for suffix in declaration.extensions { #expect(AssetRegistry.standard.format(claimedByPath: "a/b." + suffix.uppercased()) == declaration.format) }
        #expect(!item.fixtures.isEmpty, "Fixtures/media has no \(declaration.extensions.joined(separator: "/")) file for \(declaration.displayName)")
        for path in item.fixtures {
            let bytes = try Repository.fixtureBytes(path)
            // Magic bytes pick the handler; formats that share them (TIFF, DNG) are told apart by parsing.
            let sniffed = try #require(AssetRegistry.standard.handler(for: bytes.prefix(AssetRegistry.standard.sniffLength)), "\(path)")
            #expect(sniffed.refined(by: try sniffed.parse(bytes)).format == declaration.format, "\(path)")
        }
    }

    @Test("A metadata stamp round-trips, leaves the image data byte-identical, and frames the store as the store locator finds it",
          arguments: cases)
    func roundTrip(_ item: HandlerCase) throws {
        for path in item.fixtures {
            let bytes = try Repository.fixtureBytes(path)
            let before = try item.handler.parse(bytes)
            // 150 000 bytes: more than one JPEG segment holds.
            for payload in [100, 150_000] {
                let store = Self.store(payload: payload)
                let rewritten = try item.handler.rewrite(bytes, applying: Self.stampEdit(storePayload: payload))
                let after = try item.handler.parse(rewritten.bytes)
                #expect(after.xmp == Self.packet, "\(path)")
                #expect(after.c2paStore == store && after.c2paStoreCount == 1, "\(path)")
                #expect(after.width == before.width && after.height == before.height, "\(path)")
                #expect(ByteRanges.equal(bytes, before.imageDataRanges, rewritten.bytes, after.imageDataRanges), "\(path): image data changed")
                #expect(try item.handler.imageDataRanges(in: rewritten.bytes) == after.imageDataRanges, "\(path)")

                // The structural locator (signing, validation) agrees with parse, and the framing is what rewrite wrote.
                let located = try item.handler.locateC2PAStore(in: rewritten.bytes, isPrefix: false)
                #expect(located.store == store && located.storeCount == 1, "\(path)")
                let range = try #require(rewritten.c2paStoreRange, "\(path)")
                #expect(located.ranges.map(\.lowerBound).min() == range.lowerBound, "\(path)")
                #expect(located.ranges.reduce(0) { $0 + $1.count } == range.count, "\(path)")
                #expect(Array(rewritten.bytes[range]) == (try item.handler.framedC2PAStore(store)), "\(path)")
                // A source cut inside the store is refused, never read past its end.
                #expect(throws: MediaError.self, "\(path)") {
                    try item.handler.locateC2PAStore(in: Array(rewritten.bytes.prefix(range.lowerBound + range.count / 2)) as any ByteSource)
                }

                // Removing the store leaves no trace of it.
                var removal = MetadataEdit()
                removal.c2paStore = .remove
                let removed = try item.handler.rewrite(rewritten.bytes, applying: removal)
                let removedCount = try item.handler.parse(removed.bytes).c2paStoreCount
                #expect(removed.c2paStoreRange == nil && removedCount == 0, "\(path)")
                #expect(try item.handler.locateC2PAStore(in: removed.bytes, isPrefix: false) == .none, "\(path)")
            }
        }
    }

    @Test("Re-stamping with the same edit gives the same bytes", arguments: cases)
    func restampIdempotent(_ item: HandlerCase) throws {
        for path in item.fixtures {
            let bytes = try Repository.fixtureBytes(path)
            let edit = Self.stampEdit(storePayload: 2000)
            let once = try item.handler.rewrite(bytes, applying: edit)
            let twice = try item.handler.rewrite(once.bytes, applying: edit)
            #expect(once.bytes == twice.bytes, "\(path)")
            #expect(once.c2paStoreRange == twice.c2paStoreRange, "\(path)")
            #expect(try item.handler.rewrite(once.bytes, applying: MetadataEdit()).bytes == once.bytes, "\(path): an empty edit changed bytes")
        }
    }

    @Test("Box maps, when declared, cover the file in order with the store as one C2PA box", arguments: cases)
    func boxMap(_ item: HandlerCase) throws {
        guard item.handler.declaration.c2paBindings.contains(.boxHash) else { return }
        for path in item.fixtures where !path.contains("trailing") {
            let rewritten = try item.handler.rewrite(try Repository.fixtureBytes(path), applying: Self.stampEdit(storePayload: 150_000))
            let boxes = try #require(item.handler.c2paBoxes(in: rewritten.bytes), "\(path)")
            #expect(boxes.first?.range.lowerBound == 0 && boxes.last?.range.upperBound == rewritten.bytes.count, "\(path)")
            #expect(zip(boxes, boxes.dropFirst()).allSatisfy { $0.range.upperBound <= $1.range.lowerBound }, "\(path)")
            #expect(boxes.filter { $0.name == C2PABox.c2paName }.map(\.range) == [rewritten.c2paStoreRange], "\(path)")
        }
    }

    /// Every truncation and every length field pointing past the end: a `MediaError` or a result, never
    /// a crash, a trap or an unbounded allocation.
    @Test("Truncated files and sizes past the end are refused with a media error", arguments: cases)
    func hostileInput(_ item: HandlerCase) throws {
        for path in item.fixtures.prefix(4) {
            let signed = try item.handler.rewrite(try Repository.fixtureBytes(path), applying: Self.stampEdit(storePayload: 300)).bytes
            let contents = try item.handler.parse(signed)
            let end = contents.blocks.filter { $0.kind != .trailing }.map { $0.offset + $0.size }.max() ?? signed.count
            // Truncations: every cut before the last block ends is refused by parse and rewrite.
            let step = max(1, end / 300)
            for length in stride(from: 0, to: end, by: step) {
                let cut = Array(signed.prefix(length))
                #expect(throws: MediaError.self, "\(path) cut at \(length)") { try item.handler.parse(cut) }
                #expect(throws: MediaError.self, "\(path) cut at \(length)") { try item.handler.rewrite(cut, applying: Self.stampEdit(storePayload: 10)) }
                _ = try? item.handler.locateC2PAStore(in: cut, isPrefix: false)
                _ = try? item.handler.locateC2PAStore(in: cut, isPrefix: true)
                _ = item.handler.c2paBoxes(in: cut)
            }
            // Sizes past the end: the bytes where each block's length field lies set to 0xFF.
            for block in contents.blocks where block.kind != .imageData {
                for offset in block.offset..<min(block.offset + 8, signed.count) {
                    var damaged = signed
                    damaged[offset] = 0xFF
                    do {
                        _ = try item.handler.parse(damaged)
                    } catch let error as MediaError {
                        #expect(!error.reason.isEmpty)
                    }
                    _ = try? item.handler.rewrite(damaged, applying: Self.stampEdit(storePayload: 10))
                    _ = try? item.handler.locateC2PAStore(in: damaged, isPrefix: false)
                    _ = item.handler.c2paBoxes(in: damaged)
                }
            }
        }
    }

    // MARK: Streaming

    /// Writes `bytes` to a temporary file and opens it as a source read in small chunks, so chunk
    /// boundaries fall inside every structure.
    static func fileSource(_ bytes: [UInt8], name: String) throws -> (FileByteSource, URL) {
        let folder = try Repository.temporaryDirectory("ailabel-contract")
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return (try FileByteSource(path: url.path, chunkSize: 4096), folder)
    }

    /// Everything a parse reports, compared field by field (`MediaContents` holds the handler's own
    /// structure too, which is not compared).
    static func expectSameContents(_ a: MediaContents, _ b: MediaContents, _ context: String) {
        #expect(a.format == b.format && a.width == b.width && a.height == b.height, "\(context)")
        #expect(a.blocks == b.blocks, "\(context): blocks")
        #expect(a.xmp == b.xmp && a.extendedXMP == b.extendedXMP && a.exif == b.exif && a.icc == b.icc, "\(context): metadata")
        #expect(a.comments == b.comments && a.textEntries == b.textEntries && a.iptc == b.iptc, "\(context): text")
        #expect(a.c2paStore == b.c2paStore && a.c2paStoreRanges == b.c2paStoreRanges && a.c2paStoreCount == b.c2paStoreCount, "\(context): store")
        #expect(a.imageDataRanges == b.imageDataRanges && a.warnings == b.warnings, "\(context)")
        #expect(a.coding?.summary == b.coding?.summary, "\(context): coding")
    }

    @Test("Streaming equals in-memory: parse, plan, locate, image data and boxes through a file source give what the array forms give, byte for byte",
          arguments: cases)
    func streamingEqualsInMemory(_ item: HandlerCase) throws {
        for path in item.fixtures {
            let original = try Repository.fixtureBytes(path)
            let stamped = try item.handler.rewrite(original, applying: Self.stampEdit(storePayload: 150_000)).bytes
            for (name, bytes) in [("original", original), ("stamped", stamped)] {
                let context = "\(path) (\(name))"
                let (source, folder) = try Self.fileSource(bytes, name: "contract." + item.handler.declaration.extensions[0])
                defer { try? FileManager.default.removeItem(at: folder) }
                for handler in [item.handler, item.handler.forMetadataReading()] {
                    let streamed = try handler.parse(source)
                    Self.expectSameContents(streamed, try handler.parse(bytes), context)
                    for edit in [Self.stampEdit(storePayload: 2000), MetadataEdit(), { var e = MetadataEdit(); e.c2paStore = .remove; return e }()] {
                        let plan = try handler.planRewrite(of: source, contents: streamed, applying: edit)
                        let rewritten = try handler.rewrite(bytes, applying: edit)
                        #expect(try plan.materialize(from: source) == rewritten.bytes, "\(context): plan")
                        #expect(plan.c2paStoreRange == rewritten.c2paStoreRange, "\(context): store range")
                        // The planned output read through the plan is the file the plan writes.
                        #expect(try plan.output(over: source).read(0..<plan.count) == rewritten.bytes, "\(context): output view")
                    }
                    #expect(try handler.locateC2PAStore(in: source) == handler.locateC2PAStore(in: bytes, isPrefix: false), "\(context): locate")
                    #expect(try handler.imageDataRanges(in: source) == handler.imageDataRanges(in: bytes), "\(context): image data")
                    #expect(handler.c2paBoxes(in: source) == handler.c2paBoxes(in: bytes), "\(context): boxes")
                }
            }
        }
    }

    // MARK: Stamping through the pipeline

    /// A handler that counts the parses made through it, forwarding the source forms to the handler it
    /// wraps. The array forms of `rewrite` and `imageDataRanges` are left to the protocol's bridges,
    /// which parse through this wrapper, so a pipeline that rewrote bytes in memory (as stamping did
    /// before plans: a parse per rewrite) is counted too.
    final class CountingHandler: AssetHandler, @unchecked Sendable {
        // @unchecked: the count is guarded by the lock.
        let inner: any AssetHandler
        private let lock = NSLock()
        private var parsed = 0

        init(_ inner: any AssetHandler) { self.inner = inner }

        var parses: Int { lock.withLock { parsed } }
        func reset() { lock.withLock { parsed = 0 } }

        var declaration: FormatDeclaration { inner.declaration }
        func parse(_ source: any ByteSource) throws -> MediaContents {
            lock.withLock { parsed += 1 }
            return try inner.parse(source)
        }
        func planRewrite(of source: any ByteSource, contents: MediaContents, applying edit: MetadataEdit) throws -> SplicePlan {
            try inner.planRewrite(of: source, contents: contents, applying: edit)
        }
        func imageDataRanges(in source: any ByteSource) throws -> [Range<Int>] { try inner.imageDataRanges(in: source) }
        func locateC2PAStore(in source: any ByteSource) throws -> C2PAStoreLocation { try inner.locateC2PAStore(in: source) }
        func framedC2PAStore(_ store: [UInt8]) throws -> [UInt8] { try inner.framedC2PAStore(store) }
        func c2paBoxes(in bytes: [UInt8]) -> [C2PABox]? { inner.c2paBoxes(in: bytes) }
        func c2paBoxes(in source: any ByteSource) -> [C2PABox]? { inner.c2paBoxes(in: source) }
        func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
            try inner.decodePixels(bytes, maxPixels: maxPixels, lenient: lenient)
        }
        func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
            try inner.encodePixels(image, like: contents)
        }
        func forMetadataReading() -> any AssetHandler { self }
    }

    /// A signer made from a fresh test PKI, written to a temporary folder.
    static func testSigner() throws -> (C2PASigner, URL) {
        let folder = try Repository.temporaryDirectory("ailabel-contract-keys")
        let paths = try TestPKI.generate(commonName: "contract test").write(to: folder.appendingPathComponent("keys").path)
        return (try C2PASigner(keyPath: paths[0], chainPath: paths[1]), folder)
    }

    static func request() -> LabelRequest {
        var request = LabelRequest()
        request.aiSystem = "Contract Test"
        request.created = "2026-01-18T09:00:00Z"
        return request
    }

    /// Stamps `bytes` as the CLI does (read, stamp, write), from a file source, and returns the result
    /// and the bytes written (nil when nothing was written).
    static func stamp(_ bytes: [UInt8], name: String, with stamper: Stamper) throws -> (StampResult, [UInt8]?) {
        let (source, folder) = try fileSource(bytes, name: name)
        defer { try? FileManager.default.removeItem(at: folder) }
        var written: [UInt8]?
        let result = stamper.stamp(input: name, output: "out/" + name, read: { try MediaFile(path: name, source: source, registry: stamper.registry) }) {
            plan, planSource in
            written = try plan.materialize(from: planSource)
            return []
        }
        return (result, written)
    }

    @Test("One parse per file per stamp: unsigned, signed, and a re-stamp left unchanged", arguments: cases)
    func oneParsePerStamp(_ item: HandlerCase) throws {
        let counting = CountingHandler(item.handler)
        let registry = AssetRegistry(handlers: [counting])
        let (signer, folder) = try Self.testSigner()
        defer { try? FileManager.default.removeItem(at: folder) }
        for path in item.fixtures.prefix(3) {
            let name = "one-parse." + item.handler.declaration.extensions[0]
            let bytes = try Repository.fixtureBytes(path)
            counting.reset()
            let (unsigned, _) = try Self.stamp(bytes, name: name, with: Stamper(request: Self.request(), registry: registry))
            #expect(unsigned.status == .stamped, "\(path): \(unsigned.error ?? "")")
            #expect(counting.parses == 1, "\(path): \(counting.parses) parses for an unsigned stamp")
            counting.reset()
            let stamper = Stamper(request: Self.request(), signer: signer, registry: registry)
            let (signed, output) = try Self.stamp(bytes, name: name, with: stamper)
            #expect(signed.status == .stamped && signed.signed, "\(path): \(signed.error ?? "")")
            #expect(counting.parses == 1, "\(path): \(counting.parses) parses for a signed stamp")
            counting.reset()
            let (again, copied) = try Self.stamp(try #require(output), name: name, with: stamper)
            #expect(again.status == .unchanged, "\(path)")
            #expect(copied == output, "\(path): an unchanged file is copied as it is")
            #expect(counting.parses == 1, "\(path): \(counting.parses) parses for a re-stamp")
        }
    }

    @Test("Re-stamping with the visible badge and the watermark leaves a file that carries the same label and marks as it is",
          arguments: cases.filter { $0.handler.declaration.carries.contains(.pixels) })
    func restampWithMarksIdempotent(_ item: HandlerCase) throws {
        let markers: [any PixelMarker] = [try VisibleMarker(), WatermarkMarker()]
        var marked = 0
        // The largest fixtures: a watermark needs room.
        let fixtures = try item.fixtures.map { ($0, try Repository.fixtureBytes($0)) }.sorted { $0.1.count > $1.1.count }.prefix(2)
        for (path, bytes) in fixtures {
            let name = "marks." + item.handler.declaration.extensions[0]
            let (first, output) = try Self.stamp(bytes, name: name, with: Stamper(request: Self.request(), markers: markers))
            #expect(first.status == .stamped, "\(path): \(first.error ?? "")")
            // The marks the file took (a watermark needs 128×128 pixels and must read back after the re-encode):
            // re-stamped with those, the file carries the same label and marks.
            let applied = markers.filter { first.layers.contains($0.name) }
            guard !applied.isEmpty else { continue }
            marked += 1
            let stamped = try #require(output)
            let (second, copied) = try Self.stamp(stamped, name: name, with: Stamper(request: Self.request(), markers: applied))
            #expect(second.status == .unchanged, "\(path): a re-stamp with \(applied.map(\.name)) marked the pixels again")
            #expect(copied == stamped, "\(path): the re-stamped file changed")
            #expect(second.labelID == first.labelID && second.contentID == first.contentID, "\(path)")
        }
        #expect(marked > 0, "no \(item.handler.declaration.displayName) fixture took a mark")
    }

    /// A mark that never goes in (as a watermark in an image too small for it, or one the re-encode loses).
    struct RefusingMarker: PixelMarker {
        var name: String { "watermark" }
        func mark(_ image: RGBImage, label: inout DisclosureLabel) throws -> RGBImage {
            throw MarkNotApplied(reason: "no watermark: refused by the test")
        }
    }

    @Test("A mark asked for but not applied is recorded, so a re-stamp with the same marks leaves the file byte for byte as it is",
          arguments: cases.filter { $0.handler.declaration.carries.contains(.pixels) })
    func restampAfterMarkNotApplied(_ item: HandlerCase) throws {
        let markers: [any PixelMarker] = [try VisibleMarker(), RefusingMarker()]
        let fixtures = try item.fixtures.map { ($0, try Repository.fixtureBytes($0)) }.sorted { $0.1.count > $1.1.count }.prefix(1)
        for (path, bytes) in fixtures {
            let name = "refused." + item.handler.declaration.extensions[0]
            let (first, output) = try Self.stamp(bytes, name: name, with: Stamper(request: Self.request(), markers: markers))
            #expect(first.status == .stamped, "\(path): \(first.error ?? "")")
            #expect(!first.layers.contains("watermark"), "\(path)")
            #expect(first.warnings.contains { $0.contains("watermark") }, "\(path): \(first.warnings)")
            let stamped = try #require(output)
            let packet = try #require(try MediaFile(path: name, bytes: stamped).contents.xmp)
            let record = AILabelRecord(reading: try XMPPacket(parsing: packet))
            #expect(record.marksNotApplied.contains("watermark"), "\(path): the refusal is recorded")
            // Retried (at-least-once delivery): the same request finds the same outcome and writes nothing new.
            let (second, copied) = try Self.stamp(stamped, name: name, with: Stamper(request: Self.request(), markers: markers))
            #expect(second.status == .unchanged, "\(path): \(second.status) \(second.layers) – a retry must not draw the badge again")
            #expect(copied == stamped, "\(path): the re-stamped file changed")
        }
    }
}
