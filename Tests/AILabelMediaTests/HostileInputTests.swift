@testable import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("Hostile input: every malformed file gives a clear error, never a crash")
struct HostileInputTests {
    static let malformed = Repository.fixtureFiles(in: "malformed")

    @Test("Each malformed fixture is refused with a reason naming the file", arguments: malformed)
    func refusesMalformed(fixture: String) throws {
        let path = Repository.fixture(fixture).path
        do {
            _ = try MediaFile(path: path)
            Issue.record("\(fixture) was accepted")
        } catch let error as MediaError {
            #expect(error.path == path)
            #expect(!error.reason.isEmpty)
            #expect(error.description.hasPrefix(path + ": "))
        }
    }

    /// Files whose container is wrong but whose pixels are sound (a misnamed file, a text bomb that
    /// libpng skips) are refused by the container layer, not by the decoders.
    @Test("Malformed files never decode to pixels", arguments: malformed.filter { !["malformed/jpeg-named.png", "malformed/png-named.jpg", "malformed/huge-itxt.png"].contains($0) })
    func pixelDecodeRefuses(fixture: String) throws {
        let bytes = try Repository.fixtureBytes(fixture)
        #expect(throws: MediaError.self) { _ = try PixelCodec.decode(bytes) }
    }

    @Test("A 100000×100000 header is reported, and pixel decoding refuses it before allocating")
    func hugeDimensions() throws {
        let file = try MediaFile(path: Repository.fixture("media/huge-dimensions.png").path)
        #expect(file.contents.width == 100_000 && file.contents.height == 100_000)
        #expect(throws: MediaError.limitExceeded) { _ = try PixelCodec.decode(file.readAll()) }
    }

    @Test("A JPEG frame of 65535×65535 is refused by the pixel limit")
    func hugeJPEGFrame() throws {
        var bytes = try Repository.fixtureBytes("media/tiny-64x48.jpg")
        let sof = try #require((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[sof + 5] = 0xFF; bytes[sof + 6] = 0xFF; bytes[sof + 7] = 0xFF; bytes[sof + 8] = 0xFF
        let file = try MediaFile(path: "huge.jpg", bytes: bytes)
        #expect(file.contents.width == 65535)
        #expect(throws: MediaError.self) { _ = try PixelCodec.decode(bytes) }
    }

    @Test("Segment lengths past the end, bad CRCs and bombs carry their specific codes")
    func specificCodes() throws {
        func code(_ name: String) throws -> MediaError.Code? {
            do { _ = try MediaFile(path: Repository.fixture("malformed/\(name)").path) } catch let error as MediaError { return error.code }
            return nil
        }
        #expect(try code("segment-past-eof.jpg") == .truncated)
        #expect(try code("bad-crc.png") == .badChecksum)
        #expect(try code("huge-itxt.png") == .limitExceeded)
        #expect(try code("empty.jpg") == .empty)
        #expect(try code("jpeg-named.png") == .malformed)
        #expect(try code("chunk-past-eof.png") == .truncated)
    }

    @Test("Every prefix of a JPEG and a PNG fails cleanly or parses")
    func everyTruncation() throws {
        for fixture in ["media/exif.jpg", "media/text-chunks.png"] {
            let bytes = try Repository.fixtureBytes(fixture)
            for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 400)) {
                let prefix = Array(bytes[0..<length])
                #expect(throws: MediaError.self) { _ = try MediaFile(path: fixture, bytes: prefix) }
            }
        }
    }

    @Test("Random byte flips never crash the parsers or decoders")
    func byteFlips() throws {
        var generator = SeededGenerator(seed: 7)
        for fixture in ["media/all-metadata.jpg", "media/text-chunks.png", "media/progressive.jpg"] {
            let bytes = try Repository.fixtureBytes(fixture)
            for _ in 0..<150 {
                var mutated = bytes
                for _ in 0..<4 { mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
                if let file = try? MediaFile(path: fixture, bytes: mutated) {
                    _ = try? file.contents.xmp.map { try XMPPacket(parsing: $0) }
                    _ = try? file.contents.exif.map { try EXIFMetadata(tiff: $0) }
                }
                _ = try? PixelCodec.decode(mutated)
            }
        }
    }

    @Test("XMP with a DTD, external entities or entity bombs is refused")
    func xmlAttacks() {
        let attacks = [
            #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>"#,
            #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&e;</x:xmpmeta>"#,
            #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">"#,
            String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000),
        ]
        for attack in attacks {
            #expect(throws: MediaError.self) { _ = try XMPPacket(parsing: Array(attack.utf8)) }
        }
    }

    @Test("zTXt chunks each under the 8 MiB limit but inflating to more than 64 MiB together (a thousand times the file) are refused; under that total they are read")
    func textChunksInflatingTogether() throws {
        let png = try Repository.fixtureBytes("media/photo.png")
        let end = try #require(PNGChunkParser.parse(png).chunks.last { $0.type == "IEND" }).range.lowerBound
        // 4 MiB of text in about 4 KB of zlib stream.
        let chunk = try PNGChunkParser.chunk(type: "zTXt", data: Array("Comment".utf8) + [0, 0] + Zlib.deflate([UInt8](repeating: 0x41, count: 4 << 20)))
        func file(_ chunks: Int) -> [UInt8] { Array(png[..<end]) + (0..<chunks).flatMap { _ in chunk } + Array(png[end...]) }
        #expect(chunk.count < 16 << 10)
        let error = try #require(throws: MediaError.self) { try PNGHandler().parse(file(17)) }
        #expect(error.code == .limitExceeded && error.reason.contains("together"), "\(error)")
        #expect(try PNGHandler().parse(file(16)).textEntries.count == 16 + (try PNGHandler().parse(png)).textEntries.count)
    }

    @Test("An element with more than 4,096 attributes is refused before libxml2 builds it (its tree costs their square: 80,000 took 12 s), in XMP and in HTML; script text and comments do not count")
    func attributeFlood() throws {
        func packet(_ attributes: Int) -> [UInt8] {
            let list = (0..<attributes).map { #" a\#($0)="v""# }.joined()
            return Array(#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""\#(list)/></rdf:RDF></x:xmpmeta>"#.utf8)
        }
        let error = try #require(throws: MediaError.self) { try XMPPacket(parsing: packet(4_100)) }
        #expect(error.code == .limitExceeded && error.reason.contains("4096"), "\(error)")
        #expect(throws: Never.self) { try XMPPacket(parsing: packet(4_000)) }
        let flood = (0..<200_000).map { " a\($0)=v" }.joined()
        let page = Array("<html><body><div\(flood)>x</div></body></html>".utf8)
        #expect(throws: MediaError.self) { try HTMLDocumentParser.parse(page) }
        // What is not a start tag's attribute is not counted: script text, comments, CDATA, quoted values.
        let quiet = "<html><head><script>if (a<b && c > d) { x = 1; y = 2 }" + String(repeating: "<i z=1 ", count: 5_000) + "</script>"
            + "<!--" + String(repeating: "<p q=1 ", count: 5_000) + "--></head><body><p title=\"" + String(repeating: " r=1", count: 5_000) + "\">t</p></body></html>"
        #expect(MarkupAttributeScan.largestTag(Array(quiet.utf8), html: true, limit: 4_096) == 1)
        #expect(throws: Never.self) { try HTMLDocumentParser.parse(Array(quiet.utf8)) }
        #expect(MarkupAttributeScan.largestTag(Array(#"<a b="1" c='2' d=3 e f = "4"/><g/>"#.utf8), html: false, limit: 100) == 5)
    }

    @Test("A packet that binds Iptc4xmpExt and Iptc4xmpExt1…Iptc4xmpExt4000 (as many as an element may declare) to other namespaces gets the next free prefix in one pass over them (each try used to scan them all)")
    func prefixesTakenFourThousandTimes() throws {
        let declarations = (0...4_000).map { #" xmlns:Iptc4xmpExt\#($0 == 0 ? "" : String($0))="urn:other:\#($0)""# }.joined()
        let text = #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""\#(declarations)/></rdf:RDF></x:xmpmeta>"#
        var packet = try XMPPacket(parsing: Array(text.utf8))
        let namespace = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
        packet.set(.text("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"), namespace: namespace, preferredPrefix: "Iptc4xmpExt", name: "DigitalSourceType")
        let written = String(decoding: packet.serialized(), as: UTF8.self)
        #expect(written.contains(#"xmlns:Iptc4xmpExt4001="\#(namespace)""#))
        let reread = try XMPPacket(parsing: packet.serialized())
        #expect(reread.value(namespace: namespace, name: "DigitalSourceType") != nil)
    }
}

/// A deterministic random generator for repeatable fuzz-style tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
