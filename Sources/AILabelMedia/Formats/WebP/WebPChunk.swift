/// One chunk of a RIFF container: a FourCC, a little-endian 32-bit size, the data, and a pad byte
/// when the size is odd.
struct RIFFChunk: Sendable, Hashable {
    let fourCC: String
    /// The header and data, without the pad byte (what C2PA excludes for the store's chunk).
    let range: Range<Int>
    let data: Range<Int>
    /// The chunk with its pad byte, if any.
    let paddedRange: Range<Int>
}

/// Splits a WebP's RIFF container into its top-level chunks. Never trusts a size it has not checked
/// against the bytes the RIFF header declares and the file holds.
enum RIFFChunkParser {
    /// More chunks than any real encoder writes (an animation's frames are chunks).
    static let maximumChunks = 100_000
    static let headerSize = 12

    /// The chunks and where the RIFF ends (bytes after it are trailing data), walked by positioned
    /// reads of the chunk headers.
    ///
    /// With `isPrefix`, the source is the start of a longer file: the walk ends where the bytes do and,
    /// since a WebP's C2PA chunk is its last, throws when the RIFF goes on past them.
    static func parse(_ source: any ByteSource, isPrefix: Bool = false) throws -> (chunks: [RIFFChunk], riffEnd: Int) {
        let count = source.count
        guard count > 0 else { throw MediaError.make(.empty, "the file is empty") }
        var window = ByteWindow(source)
        guard count >= headerSize, let header = try window.bytes(0..<headerSize), header.starts(withASCII: "RIFF"),
            header[8..<12].elementsEqual("WEBP".utf8)
        else {
            throw MediaError.make(.malformed, "not a WebP: it does not start with RIFF….WEBP")
        }
        let declared = Int(readUInt32LE(header, at: 4))
        let riffEnd = 8 + declared
        guard declared >= 4 else {
            throw MediaError.make(.malformed, "the RIFF header declares an impossible size of \(declared) bytes")
        }
        if riffEnd > count {
            guard isPrefix else {
                throw MediaError.make(
                    .truncated, "the RIFF header declares \(declared) bytes but the file holds only \(count - 8) after it")
            }
            throw MediaError.make(.truncated, "the bytes read end before the RIFF's last chunk, where the C2PA store is")
        }
        var chunks: [RIFFChunk] = []
        var position = headerSize
        while position < riffEnd {
            guard chunks.count < maximumChunks else {
                throw MediaError.make(.limitExceeded, "more than \(maximumChunks) RIFF chunks")
            }
            guard riffEnd - position >= 8, let chunkHeader = try window.bytes(position..<position + 8) else {
                throw MediaError.make(.truncated, "the RIFF ends inside a chunk header at byte \(position)")
            }
            let fourCC = String(decoding: chunkHeader[0..<4], as: UTF8.self)
            let size = Int(readUInt32LE(chunkHeader, at: 4))
            let dataStart = position + 8
            guard size <= riffEnd - dataStart else {
                throw MediaError.make(
                    .truncated, "chunk \(printable(fourCC)) at byte \(position) declares \(size) bytes but only \(riffEnd - dataStart) remain in the RIFF")
            }
            let end = dataStart + size
            // A pad byte follows an odd size; a writer that left it out at the very end is tolerated.
            let paddedEnd = min(end + (size & 1), riffEnd)
            chunks.append(RIFFChunk(fourCC: fourCC, range: position..<end, data: dataStart..<end, paddedRange: position..<paddedEnd))
            position = paddedEnd
        }
        return (chunks, riffEnd)
    }

    static func readUInt32LE(_ bytes: [UInt8], at index: Int) -> UInt32 {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
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

    /// A FourCC as text safe for a message.
    static func printable(_ fourCC: String) -> String {
        "'" + String(fourCC.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }) + "'"
    }
}
