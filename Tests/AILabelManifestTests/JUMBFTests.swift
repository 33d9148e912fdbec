import Testing

@testable import AILabelManifest

@Suite("JUMBF")
struct JUMBFTests {
    static func sampleStore() -> JUMBFSuperbox {
        let assertion = ManifestBuilder.cborAssertion(label: "c2pa.actions.v2", content: .textMap([("actions", .array([]))]))
        let assertions = JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2as"), label: "c2pa.assertions"),
            children: [.superbox(assertion)])
        let manifest = JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2ma"), label: "urn:c2pa:test"),
            children: [.superbox(assertions)])
        return JUMBFSuperbox(
            description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2pa"), label: "c2pa"),
            children: [.superbox(manifest)])
    }

    @Test("Serialises and parses a superbox tree")
    func roundTrip() throws {
        let bytes = Self.sampleStore().serialized()
        let parsed = try JUMBFSuperbox(parsing: bytes)
        #expect(parsed.label == "c2pa")
        #expect(parsed.description.c2paTypePrefix == "c2pa")
        #expect(parsed.description.toggles == 0x03)
        let assertion = parsed.superboxes[0].superboxes[0].superboxes[0]
        #expect(assertion.label == "c2pa.actions.v2")
        #expect(assertion.contentBoxes.first?.type == "cbor")
        #expect(parsed.serialized() == bytes)
        #expect(Array(parsed.encodedBytes ?? []) == bytes)
    }

    @Test("Keeps the description's ID, hash and private salt box")
    func descriptionFields() throws {
        let description = JUMBFDescription(
            typeUUID: JUMBFDescription.c2paType("cbor"), label: "x", id: 7, hash: [UInt8](repeating: 9, count: 32),
            privateBox: JUMBFContentBox(type: "c2sh", payload: [1, 2, 3, 4]))
        #expect(description.toggles == 0x1F)
        let box = JUMBFSuperbox(description: description, children: [])
        let parsed = try JUMBFSuperbox(parsing: box.serialized())
        #expect(parsed.description == description)
    }

    @Test("Reads an XLBox length")
    func extendedLength() throws {
        let inner = Self.sampleStore().serialized()
        // Re-frame the outer box with LBox = 1 and a 64-bit XLBox.
        var bytes: [UInt8] = [0, 0, 0, 1] + Array("jumb".utf8)
        bytes.appendUInt64BigEndian(UInt64(inner.count + 8))
        bytes += inner[8...]
        let parsed = try JUMBFSuperbox(parsing: bytes)
        #expect(parsed.label == "c2pa")
        #expect(Array(parsed.bytesForHashing) == Array(inner[8...]))
    }

    @Test("Rejects a truncated store")
    func rejectsTruncation() {
        let bytes = Self.sampleStore().serialized()
        for cut in [1, 7, 20, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ManifestError.jumbfMalformed) { try JUMBFSuperbox(parsing: Array(bytes.prefix(cut))) }
        }
    }

    @Test("Rejects box lengths past the end, including a declared 4 GB")
    func rejectsLengthPastEnd() {
        var bytes = Self.sampleStore().serialized()
        bytes[0...3] = [0xFF, 0xFF, 0xFF, 0xF0]
        #expect(throws: ManifestError.jumbfMalformed) { try JUMBFSuperbox(parsing: bytes) }
        var inner = Self.sampleStore().serialized()
        // The description box claims to run past its superbox.
        inner[8...11] = [0x00, 0x01, 0x00, 0x00]
        #expect(throws: ManifestError.jumbfMalformed) { try JUMBFSuperbox(parsing: inner) }
        var tiny = Self.sampleStore().serialized()
        tiny[0...3] = [0, 0, 0, 4]
        #expect(throws: ManifestError.jumbfMalformed) { try JUMBFSuperbox(parsing: tiny) }
    }

    @Test("Rejects trailing bytes and deep nesting")
    func rejectsTrailingAndDeep() {
        #expect(throws: ManifestError.jumbfMalformed) { try JUMBFSuperbox(parsing: Self.sampleStore().serialized() + [0]) }
        var box = JUMBFSuperbox(description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2pa"), label: "d"), children: [])
        for _ in 0..<40 {
            box = JUMBFSuperbox(description: JUMBFDescription(typeUUID: JUMBFDescription.c2paType("c2pa"), label: "d"),
                                children: [.superbox(box)])
        }
        #expect(throws: ManifestError.jumbfMalformed) { try JUMBFSuperbox(parsing: box.serialized()) }
    }

    @Test("Mutated stores never crash the parser")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        let bytes = Self.sampleStore().serialized()
        for _ in 0..<3000 {
            var copy = bytes
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                copy[Int.random(in: 0..<copy.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if let parsed = try? JUMBFSuperbox(parsing: copy) { _ = parsed.serialized() }
            _ = try? ManifestStore(parsing: copy)
        }
    }
}
