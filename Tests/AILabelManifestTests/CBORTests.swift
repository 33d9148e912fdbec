import Testing

@testable import AILabelManifest

@Suite("CBOR")
struct CBORTests {
    @Test("Round trips every major type", arguments: [
        CBOR.unsigned(0), .unsigned(23), .unsigned(24), .unsigned(255), .unsigned(256), .unsigned(65_536),
        .unsigned(UInt64.max), .negative(0), .negative(1_000_000), .bytes([]), .bytes([1, 2, 3]), .text(""),
        .text("ailabel — ИИ"), .array([.int(1), .text("a")]), .tagged(18, .array([])), .bool(true), .bool(false),
        .null, .undefined, .simple(16), .simple(200), .float(0.5), .float(1.0e10), .float(3.141592653589793),
        .float(-0.0), .float(.infinity), .float(65504), .float(5.960464477539063e-8),
        .textMap([("b", .int(1)), ("a", .array([.textMap([("x", .null)])]))]),
    ])
    func roundTrip(_ item: CBOR) throws {
        let decoded = try CBOR(decoding: item.encoded(deterministic: false))
        #expect(decoded == item)
    }

    @Test("Encodes known vectors from RFC 8949 Appendix A")
    func knownVectors() {
        #expect(CBOR.unsigned(1_000_000).encoded() == [0x1A, 0x00, 0x0F, 0x42, 0x40])
        #expect(CBOR.int(-1000).encoded() == [0x39, 0x03, 0xE7])
        #expect(CBOR.float(1.5).encoded() == [0xF9, 0x3E, 0x00])
        #expect(CBOR.float(100_000).encoded() == [0xFA, 0x47, 0xC3, 0x50, 0x00])
        #expect(CBOR.float(1.1).encoded() == [0xFB, 0x3F, 0xF1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A])
        #expect(CBOR.text("IETF").encoded() == [0x64, 0x49, 0x45, 0x54, 0x46])
    }

    @Test("Deterministic encoding sorts map keys by their encoded bytes")
    func deterministicKeyOrder() {
        let map = CBOR.map([(key: .text("bb"), value: .int(1)), (key: .text("a"), value: .int(2)), (key: .int(10), value: .int(3))])
        #expect(map.encoded() == [0xA3, 0x0A, 0x03, 0x61, 0x61, 0x02, 0x62, 0x62, 0x62, 0x01])
        #expect(map.encoded(deterministic: false) == [0xA3, 0x62, 0x62, 0x62, 0x01, 0x61, 0x61, 0x02, 0x0A, 0x03])
    }

    @Test("Decodes indefinite-length items")
    func indefiniteLengths() throws {
        #expect(try CBOR(decoding: [0x9F, 0x01, 0x02, 0xFF]) == .array([.int(1), .int(2)]))
        #expect(try CBOR(decoding: [0x5F, 0x41, 0x01, 0x42, 0x02, 0x03, 0xFF]) == .bytes([1, 2, 3]))
        #expect(try CBOR(decoding: [0xBF, 0x61, 0x61, 0x01, 0xFF]) == .textMap([("a", .int(1))]))
    }

    @Test("Rejects nesting 10000 levels deep without overflowing the stack")
    func rejectsDeepNesting() {
        let bytes = [UInt8](repeating: 0x81, count: 10_000) + [0x00]
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: bytes) }
        let tags = [UInt8](repeating: 0xC6, count: 10_000) + [0x00]
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: tags) }
        let maps = [UInt8](repeating: 0xBF, count: 10_000)
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: maps) }
    }

    @Test("Rejects a declared 4 GB byte string without allocating it")
    func rejectsFourGigabyteLength() {
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0x5A, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]) }
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }
    }

    @Test("Rejects arrays and maps declaring more entries than bytes remain")
    func rejectsHugeCounts() {
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0x9B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0xBA, 0x10, 0x00, 0x00, 0x00, 0x01]) }
    }

    @Test("Rejects trailing bytes, truncation, reserved codes and bad UTF-8")
    func rejectsMalformed() {
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0x01, 0x02]) }
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0x19, 0x01]) }
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0x1C]) }
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0x62, 0xC3, 0x28]) }
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0xFF]) }
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: [0x9F, 0x01]) }
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: []) }
    }

    @Test("Caps the total number of items")
    func capsItemCount() {
        let bytes: [UInt8] = [0x99, 0x27, 0x10] + [UInt8](repeating: 0x00, count: 10_000)
        let limits = CBOR.DecodingLimits(maximumItems: 1000)
        #expect(throws: ManifestError.cborMalformed) { try CBOR(decoding: bytes, limits: limits) }
        #expect((try? CBOR(decoding: bytes)) != nil)
    }

    @Test("Random bytes and mutated claims never crash the decoder")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        let claim = CBOR.textMap([
            ("instanceID", .text("xmp:iid:1")), ("created_assertions", .array([.textMap([("url", .text("u")), ("hash", .bytes([1, 2]))])])),
            ("f", .float(1.5)), ("n", .int(-70000)), ("t", .tagged(1, .int(5))),
        ]).encoded()
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = claim
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            if let item = try? CBOR(decoding: bytes) {
                #expect((try? CBOR(decoding: item.encoded(deterministic: false))) != nil)
            }
        }
    }
}
