import AILabelMedia
import Testing

/// File names are bytes: the lossless decoding must give back every name's bytes exactly.
@Suite("PathBytes: names that are not UTF-8 survive as bytes")
struct PathBytesTests {
    @Test("Every one- and two-byte name, and names with bad sequences, round-trip; decoding is injective")
    func everyShortNameRoundTrips() {
        // Keyed by scalars: String equality is canonical equivalence (U+0340 == U+0300), not identity.
        var seen: [[UInt32]: [UInt8]] = [:]
        var names: [[UInt8]] = (0...255).map { [UInt8($0)] }
        for first in 0...255 { for second in 0...255 { names.append([UInt8(first), UInt8(second)]) } }
        names += [
            [0xEF, 0x9F, 0xBF], [0xEF, 0x9C, 0x80], [0xEF, 0x9C], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xE0, 0x80, 0xAF], [0xC0, 0xAF], Array("é日本😀".utf8), Array("img-".utf8) + [0xFF, 0xFE] + Array(".jpg".utf8),
        ]
        for name in names {
            let decoded = PathBytes.decode(name)
            #expect(PathBytes.encode(decoded) == name, "\(name)")
            let scalars = decoded.unicodeScalars.map(\.value)
            if let earlier = seen[scalars] { #expect(earlier == name, "two names decode to one string") }
            seen[scalars] = name
        }
    }

    @Test("Valid UTF-8 outside the escape range decodes as itself; the escape range and bad bytes are escaped")
    func decodingKeepsTextAndEscapesTheRest() {
        #expect(PathBytes.decode(Array("photo été.jpg".utf8)) == "photo été.jpg")
        let bad = PathBytes.decode(Array("img-".utf8) + [0xFF, 0xFE] + Array(".jpg".utf8))
        #expect(bad == "img-\u{F7FF}\u{F7FE}.jpg")
        #expect(PathBytes.visible(bad) == "img-\\xff\\xfe.jpg")
        let privateUse = PathBytes.decode(Array("\u{F7FF}".utf8))
        #expect(privateUse.unicodeScalars.map(\.value) == [0xF7EF, 0xF79F, 0xF7BF], "a real U+F7FF is escaped byte by byte")
        #expect(PathBytes.visibleInJSON("{\"path\":\"\(bad)\"}") == "{\"path\":\"img-\\\\xff\\\\xfe.jpg\"}")
        var passed: [UInt8] = []
        PathBytes.withPlatformString(bad) { pointer in
            var index = 0
            while pointer[index] != 0 { passed.append(UInt8(bitPattern: pointer[index])); index += 1 }
        }
        #expect(passed == Array("img-".utf8) + [0xFF, 0xFE] + Array(".jpg".utf8), "the system call gets the original bytes")
    }
}
