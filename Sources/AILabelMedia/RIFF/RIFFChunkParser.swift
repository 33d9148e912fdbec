/// One chunk of a RIFF container: a FourCC, a little-endian 32-bit size (64-bit through `ds64` in
/// RF64), the data, and a pad byte when the size is odd.
struct RIFFChunk: Sendable, Hashable {
    let fourCC: String
    /// The header and data, without the pad byte (what C2PA excludes for the store's chunk).
    let range: Range<Int>
    let data: Range<Int>
    /// The chunk with its pad byte, if any.
    let paddedRange: Range<Int>
}

/// A RIFF container's top level as walked: its form (`WEBP`, `WAVE`), its chunks, and where it ends.
struct RIFFWalk: Sendable, Hashable {
    /// The first four bytes: `RIFF`, or `RF64`/`BW64` for the 64-bit variant (EBU Tech 3306, ITU-R BS.2088).
    let magic: String
    let form: String
    let chunks: [RIFFChunk]
    /// Where the RIFF ends (bytes after it are trailing data).
    let riffEnd: Int
    /// RF64's `ds64` chunk, when the container is RF64/BW64.
    let ds64: DS64?

    var isRF64: Bool { ds64 != nil }

    /// RF64's sizes chunk: the 64-bit RIFF and `data` sizes (their 32-bit fields hold 0xFFFFFFFF) and a
    /// table of other chunks' 64-bit sizes.
    struct DS64: Sendable, Hashable {
        var riffSize: UInt64
        var dataSize: UInt64
        var sampleCount: UInt64
        var table: [(fourCC: String, size: UInt64)]

        static func == (lhs: DS64, rhs: DS64) -> Bool {
            lhs.riffSize == rhs.riffSize && lhs.dataSize == rhs.dataSize && lhs.sampleCount == rhs.sampleCount
                && lhs.table.map(\.fourCC) == rhs.table.map(\.fourCC) && lhs.table.map(\.size) == rhs.table.map(\.size)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(riffSize)
            hasher.combine(dataSize)
        }
    }
}

/// Walks the top-level chunks of a RIFF container (WebP, WAV, RF64 WAV) by positioned reads of their
/// 8-byte headers: the data is never read here, so a 6 GB WAV is walked in a few reads. Never trusts a
/// size it has not checked against the bytes the RIFF header declares and the file holds.
enum RIFFChunkParser {
    /// More chunks than any real encoder writes (an animation's frames are chunks).
    static let maximumChunks = 100_000
    /// Entries in an RF64 `ds64` size table (real files have none or one).
    static let maximumDS64TableEntries = 1_000
    static let headerSize = 12
    /// The 32-bit size field RF64 writes when the real size is in `ds64`.
    static let sizeInDS64: UInt32 = 0xFFFF_FFFF

    /// The chunks of a RIFF whose form is `form`, named `formName` in messages.
    ///
    /// With `isPrefix`, `source` is the start of a longer file: the walk ends where the bytes do and,
    /// since the C2PA chunk is a RIFF's last, throws when the RIFF goes on past them. `allowsRF64`
    /// accepts the `RF64`/`BW64` variant, whose sizes come from its `ds64` chunk.
    static func walk(_ source: any ByteSource, form: String, formName: String, allowsRF64: Bool = false, isPrefix: Bool = false) throws -> RIFFWalk {
        guard source.count > 0 else { throw MediaError.make(.empty, "the file is empty") }
        let notThisForm = MediaError.make(.malformed, "not a \(formName): it does not start with RIFF….\(form)")
        guard source.count >= headerSize else { throw notThisForm }
        let header = try source.read(at: 0, count: headerSize, "the RIFF header")
        let magic = String(decoding: header[0..<4], as: UTF8.self)
        let isRF64 = allowsRF64 && (magic == "RF64" || magic == "BW64")
        guard magic == "RIFF" || isRF64, header[8..<12].elementsEqual(form.utf8) else { throw notThisForm }

        var ds64: RIFFWalk.DS64?
        let riffEnd: Int
        if isRF64 {
            let parsed = try readDS64(source)
            ds64 = parsed
            guard parsed.riffSize >= 4, parsed.riffSize <= UInt64(Int.max - 8) else {
                throw MediaError.make(.malformed, "the ds64 chunk declares an impossible RIFF size of \(parsed.riffSize) bytes")
            }
            riffEnd = 8 + Int(parsed.riffSize)
        } else {
            let declared = Int(readUInt32LE(header, at: 4))
            guard declared >= 4 else {
                throw MediaError.make(.malformed, "the RIFF header declares an impossible size of \(declared) bytes")
            }
            riffEnd = 8 + declared
        }
        if riffEnd > source.count {
            guard isPrefix else {
                throw MediaError.make(
                    .truncated, "the RIFF header declares \(riffEnd - 8) bytes but the file holds only \(source.count - 8) after it")
            }
            throw MediaError.make(.truncated, "the bytes read end before the RIFF's last chunk, where the C2PA store is")
        }
        var chunks: [RIFFChunk] = []
        var position = headerSize
        var tableUsed = Set<Int>()
        while position < riffEnd {
            guard chunks.count < maximumChunks else {
                throw MediaError.make(.limitExceeded, "more than \(maximumChunks) RIFF chunks")
            }
            guard riffEnd - position >= 8 else {
                throw MediaError.make(.truncated, "the RIFF ends inside a chunk header at byte \(position)")
            }
            let chunkHeader = try source.read(at: position, count: 8, "a RIFF chunk header")
            let fourCC = String(decoding: chunkHeader[0..<4], as: UTF8.self)
            var size64 = UInt64(readUInt32LE(chunkHeader, at: 4))
            if let ds64, size64 == UInt64(sizeInDS64), fourCC != "ds64" {
                // RF64: the real size is in ds64 (data's in its own field, others in the table, once each).
                if fourCC == "data" {
                    size64 = ds64.dataSize
                } else if let index = ds64.table.indices.first(where: { ds64.table[$0].fourCC == fourCC && !tableUsed.contains($0) }) {
                    tableUsed.insert(index)
                    size64 = ds64.table[index].size
                }
            }
            let dataStart = position + 8
            guard size64 <= UInt64(riffEnd - dataStart) else {
                throw MediaError.make(
                    .truncated, "chunk \(printable(fourCC)) at byte \(position) declares \(size64) bytes but only \(riffEnd - dataStart) remain in the RIFF")
            }
            let size = Int(size64)
            let end = dataStart + size
            // A pad byte follows an odd size; a writer that left it out at the very end is tolerated.
            let paddedEnd = min(end + (size & 1), riffEnd)
            chunks.append(RIFFChunk(fourCC: fourCC, range: position..<end, data: dataStart..<end, paddedRange: position..<paddedEnd))
            position = paddedEnd
        }
        return RIFFWalk(magic: isRF64 ? magic : "RIFF", form: form, chunks: chunks, riffEnd: riffEnd, ds64: ds64)
    }

    /// RF64's `ds64` chunk, which must come first (EBU Tech 3306 §3): 28 bytes of sizes, then a table
    /// of 12-byte entries.
    static func readDS64(_ source: any ByteSource) throws -> RIFFWalk.DS64 {
        let header = try source.read(at: headerSize, count: 8, "the RF64 ds64 chunk header")
        guard header.starts(withASCII: "ds64") else {
            throw MediaError.make(.malformed, "an RF64 file must start with a ds64 chunk; it starts with \(printable(String(decoding: header[0..<4], as: UTF8.self)))")
        }
        let size = Int(readUInt32LE(header, at: 4))
        guard size >= 28 else { throw MediaError.make(.malformed, "the ds64 chunk is \(size) bytes, shorter than its 28 bytes of sizes") }
        guard size <= 28 + 12 * maximumDS64TableEntries + 8 else {
            throw MediaError.make(.limitExceeded, "the ds64 chunk is \(size) bytes, over the \(28 + 12 * maximumDS64TableEntries + 8)-byte limit")
        }
        let data = try source.read(at: headerSize + 8, count: size, "the RF64 ds64 chunk")
        let tableLength = Int(readUInt32LE(data, at: 24))
        guard tableLength <= (size - 28) / 12 else {
            throw MediaError.make(.truncated, "the ds64 chunk lists \(tableLength) table entries but holds room for \((size - 28) / 12)")
        }
        let table = (0..<tableLength).map { index in
            let at = 28 + 12 * index
            return (fourCC: String(decoding: data[at..<at + 4], as: UTF8.self), size: readUInt64LE(data, at: at + 4))
        }
        return RIFFWalk.DS64(riffSize: readUInt64LE(data, at: 0), dataSize: readUInt64LE(data, at: 8), sampleCount: readUInt64LE(data, at: 16), table: table)
    }

    static func readUInt32LE(_ bytes: [UInt8], at index: Int) -> UInt32 {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
    }

    static func readUInt64LE(_ bytes: [UInt8], at index: Int) -> UInt64 {
        UInt64(readUInt32LE(bytes, at: index)) | UInt64(readUInt32LE(bytes, at: index + 4)) << 32
    }

    static func readUInt24LE(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int {
        Int(bytes[index]) | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2]) << 16
    }

    /// A chunk as written: FourCC, size, data, pad byte when the size is odd.
    static func chunk(_ fourCC: String, data: some Collection<UInt8>) throws -> [UInt8] {
        guard data.count <= Int(UInt32.max) - 1 else {
            throw MediaError.make(.limitExceeded, "a \(fourCC) chunk of \(data.count) bytes does not fit a RIFF")
        }
        var out = Array(fourCC.utf8)
        appendUInt32LE(UInt32(data.count), to: &out)
        out.append(contentsOf: data)
        if data.count & 1 == 1 { out.append(0) }
        return out
    }

    static func appendUInt32LE(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    static func appendUInt64LE(_ value: UInt64, to out: inout [UInt8]) {
        appendUInt32LE(UInt32(value & 0xFFFF_FFFF), to: &out)
        appendUInt32LE(UInt32(value >> 32), to: &out)
    }

    /// A FourCC as text safe for a message.
    static func printable(_ fourCC: String) -> String {
        "'" + String(fourCC.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }) + "'"
    }
}
