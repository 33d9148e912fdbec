import AILabelMedia
import AILabelTestSupport
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
                // A prefix that holds the whole store finds it; one that ends inside the store throws.
                let prefix = Array(rewritten.bytes.prefix(range.upperBound + 1))
                #expect(try item.handler.locateC2PAStore(in: prefix, isPrefix: true).store == store, "\(path)")
                #expect(throws: MediaError.self, "\(path)") {
                    try item.handler.locateC2PAStore(in: Array(rewritten.bytes.prefix(range.lowerBound + range.count / 2)), isPrefix: true)
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
}
