import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("Metadata round trips over every fixture")
struct RoundTripTests {
    static let fixtures = Repository.fixtureFiles(in: "media")

    private func testPacket(_ marker: String) throws -> [UInt8] {
        var packet = XMPPacket()
        packet.set(.text(marker), namespace: "http://example.com/ns/test/", preferredPrefix: "test", name: "Marker")
        packet.set(
            .alternative([XMPLanguageString(language: "kk", text: "Жасанды интеллект"), XMPLanguageString(language: "ru", text: "Создано ИИ")]),
            namespace: "http://example.com/ns/test/", preferredPrefix: "test", name: "Texts")
        return packet.serialized()
    }

    @Test("XMP, EXIF, text chunks and JPEG comments written then read give back what was written; image data stays byte-identical", arguments: fixtures)
    func writeThenRead(fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        let file = try MediaFile(path: fixture, bytes: bytes)
        var edit = MetadataEdit()
        edit.xmp = .replace(try testPacket("round-trip"))
        let exif = try EXIFMetadata.addingMissing(
            [EXIFMetadata.ASCIIValue(directory: .ifd0, tag: EXIFTag.artist, value: "Round Trip Artist")], to: file.contents.exif)
        if let exif { edit.exif = .replace(exif) }
        if file.format == .png { edit.setTextEntries = [TextEntry(keyword: "ailabel-test", text: "Қазақ мәтіні", chunk: .iTXt)] }
        if file.format == .jpeg { edit.comments = file.contents.comments + ["ЖИ арқылы жасалған — AI-generated"] }

        let rewritten = try file.handler.rewrite(bytes, applying: edit).bytes
        let reread = try file.handler.parse(rewritten)

        let packet = try XMPPacket(parsing: try #require(reread.xmp))
        #expect(packet.value(namespace: "http://example.com/ns/test/", name: "Marker") == .text("round-trip"))
        #expect(
            packet.value(namespace: "http://example.com/ns/test/", name: "Texts")
                == .alternative([XMPLanguageString(language: "kk", text: "Жасанды интеллект"), XMPLanguageString(language: "ru", text: "Создано ИИ")]))
        if exif != nil {
            let tags = try EXIFMetadata(tiff: try #require(reread.exif))
            #expect(tags.tag(EXIFTag.artist)?.value == "Round Trip Artist")
            // What the owner wrote is still there.
            for original in (try file.contents.exif.map { try EXIFMetadata(tiff: $0) }?.tags ?? []) {
                #expect(tags.tag(original.tag, in: original.directory)?.value == original.value)
            }
        }
        if file.format == .jpeg {
            #expect(reread.comments == file.contents.comments + ["ЖИ арқылы жасалған — AI-generated"])
        }
        if file.format == .png {
            #expect(reread.textEntries.contains(TextEntry(keyword: "ailabel-test", text: "Қазақ мәтіні", chunk: .iTXt)))
            for original in file.contents.textEntries { #expect(reread.textEntries.contains(original)) }
        }
        #expect(reread.width == file.contents.width && reread.height == file.contents.height)
        let before = file.contents.imageDataRanges.map { Array(bytes[$0]) }
        let after = reread.imageDataRanges.map { Array(rewritten[$0]) }
        #expect(before == after, "the compressed image data changed")
        #expect(!before.isEmpty)
    }

    @Test("Removing XMP leaves no packet and the rest intact", arguments: fixtures)
    func removeXMP(fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        let file = try MediaFile(path: fixture, bytes: bytes)
        var edit = MetadataEdit()
        edit.xmp = .remove
        let rewritten = try file.handler.rewrite(bytes, applying: edit).bytes
        let reread = try file.handler.parse(rewritten)
        #expect(reread.xmp == nil)
        #expect(reread.exif == file.contents.exif)
        #expect(reread.icc == file.contents.icc)
    }

    @Test("An empty edit rewrites a file to the same bytes", arguments: fixtures)
    func identityRewrite(fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        let file = try MediaFile(path: fixture, bytes: bytes)
        #expect(try file.handler.rewrite(bytes, applying: MetadataEdit()).bytes == bytes)
    }

    @Test("A C2PA store round-trips, split over several APP11 segments when over 64000 bytes", arguments: [
        "media/photo-640x480.jpg", "media/photo.png", "media/progressive.jpg", "media/alpha.png",
    ])
    func c2paStoreRoundTrip(fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        let file = try MediaFile(path: fixture, bytes: bytes)
        for size in [200, 64_000, 150_000] {
            let store = TestJUMBF.store(payloadSize: size)
            var edit = MetadataEdit()
            edit.c2paStore = .replace(store)
            let rewritten = try file.handler.rewrite(bytes, applying: edit)
            let reread = try file.handler.parse(rewritten.bytes)
            #expect(reread.c2paStore == store)
            #expect(reread.c2paStoreCount == 1)
            #expect(reread.c2paStoreRanges == [try #require(rewritten.c2paStoreRange)])
            if file.format == .jpeg {
                let segments = reread.blocks.filter { $0.kind == .c2pa }
                #expect(segments.count == (store.count + 63_999) / 64_000)
                #expect(segments.allSatisfy { $0.size <= 64_020 })
                // Right after SOI and APP0.
                let order = reread.blocks.map(\.kind)
                #expect(order.firstIndex(of: .c2pa)! <= 2)
            } else {
                #expect(reread.blocks[1].name == "caBX")
            }
            // Re-writing replaces rather than adds.
            var again = MetadataEdit()
            again.c2paStore = .replace(TestJUMBF.store(payloadSize: 100))
            let twice = try file.handler.parse(try file.handler.rewrite(rewritten.bytes, applying: again).bytes)
            #expect(twice.c2paStoreCount == 1)
            var removal = MetadataEdit()
            removal.c2paStore = .remove
            let removed = try file.handler.parse(try file.handler.rewrite(rewritten.bytes, applying: removal).bytes)
            #expect(removed.c2paStore == nil && removed.c2paStoreCount == 0)
        }
    }

    @Test("An XMP packet too large for one JPEG segment is split into Extended XMP and read back whole")
    func extendedXMP() throws {
        let bytes = try Repository.fixtureBytes("media/xmp.jpg")
        let file = try MediaFile(path: "xmp.jpg", bytes: bytes)
        var packet = try XMPPacket(parsing: try #require(file.contents.xmp))
        let big = String(repeating: "0123456789abcdef", count: 9000)  // 144 KB
        packet.set(.text(big), namespace: "http://example.com/ns/test/", preferredPrefix: "test", name: "Big")
        packet.set(.text("small"), namespace: "http://example.com/ns/test/", preferredPrefix: "test", name: "Small")
        var edit = MetadataEdit()
        edit.xmp = .replace(packet.serialized())
        let rewritten = try file.handler.rewrite(bytes, applying: edit).bytes
        let reread = try file.handler.parse(rewritten)
        #expect(reread.blocks.filter { $0.kind == .extendedXMP }.count >= 3)
        let merged = try XMPPacket(parsing: try #require(reread.xmp), extended: try #require(reread.extendedXMP))
        #expect(merged.value(namespace: "http://example.com/ns/test/", name: "Big") == .text(big))
        #expect(merged.value(namespace: "http://example.com/ns/test/", name: "Small") == .text("small"))
        let main = try XMPPacket(parsing: try #require(reread.xmp))
        #expect(main.value(namespace: "http://purl.org/dc/elements/1.1/", name: "creator") != nil, "small properties stay in the main packet")
    }

    @Test("An ICC profile carried across a rewrite reads back identical", arguments: ["media/icc.jpg", "media/icc.png"])
    func iccRoundTrip(fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        let file = try MediaFile(path: fixture, bytes: bytes)
        let profile = try #require(file.contents.icc)
        var edit = MetadataEdit()
        edit.icc = .replace(profile)
        let reread = try file.handler.parse(try file.handler.rewrite(bytes, applying: edit).bytes)
        #expect(reread.icc == profile)
        #expect(reread.blocks.filter { $0.kind == .icc }.count == 1)
    }
}

/// Builds minimal JUMBF superboxes labelled `c2pa` for container tests.
enum TestJUMBF {
    static func store(payloadSize: Int) -> [UInt8] {
        var description: [UInt8] = Array("jumd".utf8)
        description += [0x63, 0x32, 0x70, 0x61, 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        description += [0x03] + Array("c2pa".utf8) + [0]
        let descriptionBox = be32(description.count + 4) + description
        let content = Array("json".utf8) + (0..<payloadSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let contentBox = be32(content.count + 4) + content
        let body = Array("jumb".utf8) + descriptionBox + contentBox
        return be32(body.count + 4) + body
    }

    static func be32(_ value: Int) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
