import AILabelMedia
import AILabelTestSupport
import Foundation
import Testing

@Suite("GIF container and pixels")
struct GIFTests {
    static let packet: [UInt8] = Array("""
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF \
        xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" \
        xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" \
        Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>\
        </rdf:RDF></x:xmpmeta><?xpacket end="w"?>
        """.utf8)

    @Test("Each kind of GIF parses with its screen, frames and timing", arguments: [
        ("media/still.gif", 96, 64, "GIF87a, 1 frame"),
        ("media/animated.gif", 160, 128, "GIF89a, 4 frames, loops forever, 0.45 s, transparency"),
        ("media/partial-frames.gif", 144, 144, "GIF89a, 4 frames, loops 3×, 0.36 s, transparency"),
        ("media/interlaced.gif", 96, 64, "GIF87a, 1 frame, interlaced"),
        ("media/aigc-comment.gif", 72, 48, "GIF89a, 1 frame, interlaced"),
    ])
    func parses(_ fixture: String, width: Int, height: Int, summary: String) throws {
        let file = try MediaFile(path: fixture, bytes: try Repository.fixtureBytes(fixture))
        #expect(file.format == .gif)
        #expect(file.contents.width == width && file.contents.height == height)
        #expect(file.contents.coding?.summary == summary)
        #expect(file.contents.imageDataRanges.count == file.contents.gifCoding?.frames)
    }

    @Test("The animation's delays, disposal and transparent colour are read per frame")
    func frameTiming() throws {
        let coding = try #require(try GIFHandler().parse(try Repository.fixtureBytes("media/animated.gif")).gifCoding)
        #expect(coding.timing.map(\.delayCentiseconds) == [8, 12, 10, 15])
        #expect(coding.timing.allSatisfy { $0.disposal == 2 && $0.transparentIndex != nil })
    }

    @Test("XMP written by exiftool (raw packet and magic trailer) is read")
    func readsExiftoolXMP() throws {
        let contents = try GIFHandler().parse(try Repository.fixtureBytes("media/xmp.gif"))
        let xmp = String(decoding: try #require(contents.xmp), as: UTF8.self)
        #expect(xmp.contains("GIF Fixture Author") && xmp.hasSuffix(">") && !xmp.contains("\u{1}"))
        _ = try XMPPacket(parsing: try #require(contents.xmp))
    }

    @Test("A TC260 label in a comment extension is read as a comment")
    func readsAIGCComment() throws {
        let contents = try GIFHandler().parse(try Repository.fixtureBytes("media/aigc-comment.gif"))
        #expect(contents.comments.count == 1 && contents.comments[0].hasPrefix("AIGC{\"Label\":\"1\""))
    }

    @Test("The store goes where c2pa-rs puts it: a C2PA_GIF extension right after the global colour table; XMP before the first frame")
    func placement() throws {
        let bytes = try Repository.fixtureBytes("media/animated.gif")
        let store = HandlerContractTests.store(payload: 600)
        var edit = MetadataEdit()
        edit.xmp = .replace(Self.packet)
        edit.c2paStore = .replace(store)
        let rewritten = try GIFHandler().rewrite(bytes, applying: edit)
        let gctEnd = 13 + 3 * (2 << Int(bytes[10] & 0x07))
        let range = try #require(rewritten.c2paStoreRange)
        #expect(range.lowerBound == gctEnd)
        #expect(Array(rewritten.bytes[gctEnd..<gctEnd + 14]) == [0x21, 0xFF, 0x0B] + Array("C2PA_GIF".utf8) + [1, 0, 0])
        // Sub-blocks of 255 bytes at most, then the terminator: 14 + 600 + 3 length bytes + 1.
        #expect(range.count == 14 + store.count + (store.count + 254) / 255 + 1)
        #expect(rewritten.bytes[range.upperBound - 1] == 0)
        // The XMP extension: raw packet, 257-byte magic trailer, terminator, before the first GCE.
        let xmpStart = try #require(find(Array("XMP DataXMP".utf8), in: rewritten.bytes)) - 3
        let trailerStart = xmpStart + 14 + Self.packet.count
        #expect(Array(rewritten.bytes[(xmpStart + 14)..<trailerStart]) == Self.packet)
        #expect(rewritten.bytes[trailerStart] == 1 && rewritten.bytes[trailerStart + 1] == 0xFF && rewritten.bytes[trailerStart + 256] == 0)
        #expect(Array(rewritten.bytes[(trailerStart + 257)..<(trailerStart + 260)]) == [0, 0x21, 0xF9], "terminator, then the frame's GCE")
        let after = try GIFHandler().parse(rewritten.bytes)
        #expect(after.xmp == Self.packet && after.c2paStore == store)
        #expect(after.gifCoding?.timing == (try GIFHandler().parse(bytes)).gifCoding?.timing)
    }

    @Test("A GIF87a that gains extensions becomes GIF89a; the image data stays byte-identical")
    func versionRaised() throws {
        let bytes = try Repository.fixtureBytes("media/still.gif")
        var edit = MetadataEdit()
        edit.xmp = .replace(Self.packet)
        let rewritten = try GIFHandler().rewrite(bytes, applying: edit).bytes
        #expect(Array(rewritten[0..<6]) == Array("GIF89a".utf8))
        let before = try GIFHandler().parse(bytes), after = try GIFHandler().parse(rewritten)
        #expect(ByteRanges.equal(bytes, before.imageDataRanges, rewritten, after.imageDataRanges))
    }

    @Test("Box hash boxes are named as c2pa-rs names them")
    func boxNames() throws {
        var edit = MetadataEdit()
        edit.c2paStore = .replace(HandlerContractTests.store(payload: 40))
        let rewritten = try GIFHandler().rewrite(try Repository.fixtureBytes("media/partial-frames.gif"), applying: edit).bytes
        let names = try #require(GIFHandler().c2paBoxes(in: rewritten)).map(\.name)
        #expect(Array(names.prefix(4)) == ["GIF89a", "LSD", "C2PA", "21FF"])
        #expect(names.contains("21F9") && names.contains("2C") && names.contains("TBID") && names.last == "3B")
    }

    // MARK: Hostile input, each named after its attack

    @Test("Sub-block chain past the end of the file is refused as truncated")
    func subBlockChainPastTheEnd() throws {
        let bytes = try Repository.fixtureBytes("malformed/gif-subblock-past-end.gif")
        #expect(throws: MediaError.truncated) { try GIFHandler().parse(bytes) }
        #expect(throws: MediaError.truncated) { try GIFHandler().rewrite(bytes, applying: MetadataEdit()) }
        #expect(throws: MediaError.truncated) { try GIFHandler().locateC2PAStore(in: bytes, isPrefix: false) }
        #expect(GIFHandler().c2paBoxes(in: bytes) == nil)
    }

    @Test("LZW bomb: a 35-byte file declaring a 65535×65535 frame parses, and its pixels are refused before decoding")
    func lzwBomb() throws {
        let bytes = try Repository.fixtureBytes("bombs/gif-lzw-bomb.gif")
        let contents = try GIFHandler().parse(bytes)
        #expect(contents.width == 65535 && contents.height == 65535)
        #expect(throws: MediaError.limitExceeded) { try GIFHandler().decodePixels(bytes, maxPixels: PixelCodec.defaultMaximumPixels, lenient: false) }
        #expect(throws: MediaError.limitExceeded) { try GIFHandler().decodeFrames(bytes, maxPixels: PixelCodec.defaultMaximumPixels) }
        // giflib itself, handed the bomb directly, refuses the screen before allocating it.
        var frame = [UInt8]("GIF89a".utf8) + [16, 0, 16, 0, 0x80, 0, 0] + [UInt8](repeating: 0, count: 6)
        frame += [0x2C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 2, 2, 0x44, 0x01, 0, 0x3B]
        #expect(throws: MediaError.self) { try GIFHandler().decodeFrames(frame, maxPixels: 1_000) }
    }

    @Test("A frame's LZW data that would decode to more than the frames' total budget is refused")
    func frameBudget() throws {
        let bytes = try Repository.fixtureBytes("media/animated.gif")
        // 4 frames of 160×128 need 81 920 pixels; one frame's worth is not enough.
        #expect(throws: MediaError.limitExceeded) { try GIFHandler().decodeFrames(bytes, maxPixels: 160 * 128) }
        #expect(try GIFHandler().decodePixels(bytes, maxPixels: 160 * 128, lenient: false).width == 160)
    }

    @Test("Absurd frame count: more than 10 000 frames is refused, not walked")
    func absurdFrameCount() throws {
        var bytes = [UInt8]("GIF89a".utf8) + [1, 0, 1, 0, 0x80, 0, 0] + [UInt8](repeating: 0, count: 6)
        let frame: [UInt8] = [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0]
        bytes.reserveCapacity(bytes.count + frame.count * 10_001 + 1)
        for _ in 0...GIFStructureLimits.maximumFrames { bytes += frame }
        bytes.append(0x3B)
        #expect(throws: MediaError.limitExceeded) { try GIFHandler().parse(bytes) }
    }

    @Test("Extension flood: more blocks than the documented limit is refused")
    func extensionFlood() throws {
        var bytes = [UInt8]("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0]
        for _ in 0...GIFStructureLimits.maximumBlocks { bytes += [0x21, 0xFE, 0] }
        bytes.append(0x3B)
        #expect(throws: MediaError.limitExceeded) { try GIFHandler().parse(bytes) }
    }

    @Test("Missing trailer: a GIF that ends after its last frame is refused as truncated")
    func missingTrailer() throws {
        let bytes = try Repository.fixtureBytes("malformed/gif-missing-trailer.gif")
        #expect(throws: MediaError.truncated) { try GIFHandler().parse(bytes) }
        #expect(throws: MediaError.self) { try MediaFile(path: "x.gif", bytes: bytes) }
    }

    @Test("Unknown block introducers and identifier blocks of the wrong size are refused as malformed")
    func malformedBlocks() throws {
        let screen = [UInt8]("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0]
        #expect(throws: MediaError.malformed) { try GIFHandler().parse(screen + [0x42, 0x3B]) }
        #expect(throws: MediaError.malformed) { try GIFHandler().parse(screen + [0x21, 0xFF, 5, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0x3B]) }
    }

    // MARK: Pixels

    @Test("Frames decode composited as a viewer shows them: transparency, restore-to-background, partial frames over kept ones")
    func compositing() throws {
        let animated = try GIFHandler().decodeFrames(try Repository.fixtureBytes("media/animated.gif"), maxPixels: 1_000_000)
        #expect(animated.count == 4 && animated.allSatisfy { $0.width == 160 && $0.height == 128 && $0.channels == 4 })
        // Frame 0's hole (8…40, 8…30) is transparent; frame 1's hole moved 10 px right, and disposal 2
        // cleared frame 0 first, so (12, 12), inside both holes, is transparent in both.
        #expect(animated[0].pixels[animated[0].offset(x: 12, y: 12) + 3] == 0)
        #expect(animated[1].pixels[animated[1].offset(x: 12, y: 12) + 3] == 0 || animated[1].pixels[animated[1].offset(x: 20, y: 12) + 3] == 0)
        #expect(animated[0].pixels[animated[0].offset(x: 100, y: 100) + 3] == 255)

        // Partial frames (optimised by Pillow to the changed rectangle) composite over what was kept:
        // every composited frame is fully opaque and the red disc of frame 3 shows at its place.
        let partial = try GIFHandler().decodeFrames(try Repository.fixtureBytes("media/partial-frames.gif"), maxPixels: 1_000_000)
        #expect(partial.count == 4)
        #expect(partial.allSatisfy { frame in stride(from: 3, to: frame.pixels.count, by: 4).allSatisfy { frame.pixels[$0] == 255 } })
        let disc = partial[3].offset(x: 120, y: 60)
        #expect(partial[3].pixels[disc] > 200 && partial[3].pixels[disc + 2] < 80)
    }

    @Test("An interlaced GIF decodes with its rows in order: the same pixels as the same picture not interlaced")
    func interlaced() throws {
        let interlaced = try GIFHandler().decodePixels(try Repository.fixtureBytes("media/interlaced.gif"), maxPixels: 1_000_000, lenient: false)
        let plain = try GIFHandler().decodePixels(try Repository.fixtureBytes("media/still.gif"), maxPixels: 1_000_000, lenient: false)
        #expect(interlaced == plain)
    }

    @Test("Re-encoding keeps the frame count, delays, loop count and transparency, and stays close to the source")
    func reencode() throws {
        let bytes = try Repository.fixtureBytes("media/animated.gif")
        let contents = try GIFHandler().parse(bytes)
        let frames = try GIFHandler().decodeFrames(bytes, maxPixels: 1_000_000)
        let (encoded, _) = try GIFHandler().encodeFrames(frames, like: contents)
        let again = try GIFHandler().parse(encoded)
        let coding = try #require(again.gifCoding)
        #expect(coding.frames == 4 && coding.loopCount == 0 && coding.transparency)
        #expect(coding.timing.map(\.delayCentiseconds) == [8, 12, 10, 15])
        let decoded = try GIFHandler().decodeFrames(encoded, maxPixels: 1_000_000)
        for (source, copy) in zip(frames, decoded) {
            var error = 0.0
            var alphaMismatch = 0
            for index in stride(from: 0, to: source.pixels.count, by: 4) {
                if source.pixels[index + 3] != copy.pixels[index + 3] { alphaMismatch += 1 }
                if source.pixels[index + 3] == 255 {
                    for channel in 0..<3 { error += abs(Double(source.pixels[index + channel]) - Double(copy.pixels[index + channel])) }
                }
            }
            #expect(alphaMismatch == 0)
            // Error diffusion trades a flat error for fine noise: a few levels a sample, never banding.
            #expect(error / Double(source.width * source.height * 3) < 10, "mean error per sample after palette quantisation")
        }
    }

    func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] && Array(haystack[index..<index + needle.count]) == needle {
            return index
        }
        return nil
    }
}
