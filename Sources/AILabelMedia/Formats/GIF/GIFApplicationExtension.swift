/// The application extensions ailabel reads and writes: `XMP DataXMP` (XMP), `C2PA_GIF` (C2PA) and
/// `ICCRGBG1012` (ICC profile), each an extension introducer, label 0xFF, an 11-byte identifier block
/// and data sub-blocks.
enum GIFApplicationExtension {
    static let xmpIdentifier: [UInt8] = Array("XMP DataXMP".utf8)
    /// c2pa-rs `gif_io.rs`: identifier `C2PA_GIF`, authentication code 01 00 00.
    static let c2paIdentifier: [UInt8] = Array("C2PA_GIF".utf8) + [0x01, 0x00, 0x00]
    static let iccIdentifier: [UInt8] = Array("ICCRGBG1012".utf8)
    static let netscapeIdentifiers: [[UInt8]] = [Array("NETSCAPE2.0".utf8), Array("ANIMEXTS1.0".utf8)]

    /// The XMP magic trailer (XMP Specification Part 3, 1.1.2): 0x01, then 0xFF down to 0x00. A reader
    /// that walks the raw packet as sub-blocks lands, from any byte, on the block terminator after it.
    static let xmpMagicTrailer: [UInt8] = [0x01] + (0...255).reversed().map { UInt8($0) }

    /// The XMP extension as the XMP specification and exiftool write it: the packet's bytes as they
    /// are, the magic trailer, the terminator.
    static func xmp(_ packet: [UInt8]) -> [UInt8] {
        [0x21, 0xFF, 11] + xmpIdentifier + packet + xmpMagicTrailer + [0]
    }

    /// A C2PA store as c2pa-rs writes it: the store split into 255-byte sub-blocks.
    static func c2pa(_ store: [UInt8]) -> [UInt8] {
        [0x21, 0xFF, 11] + c2paIdentifier + subBlocks(store)
    }

    static func icc(_ profile: [UInt8]) -> [UInt8] {
        [0x21, 0xFF, 11] + iccIdentifier + subBlocks(profile)
    }

    /// A comment extension holding `text` as UTF-8.
    static func comment(_ text: String) -> [UInt8] {
        [0x21, 0xFE] + subBlocks(Array(text.utf8))
    }

    /// Data split into sub-blocks of at most 255 bytes, with the terminator.
    static func subBlocks(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 255 + 2)
        var index = 0
        while index < data.count {
            let length = min(255, data.count - index)
            out.append(UInt8(length))
            out += data[index..<index + length]
            index += length
        }
        out.append(0)
        return out
    }

    /// The XMP packet of an `XMP DataXMP` extension whose sub-blocks run over `raw` (from after the
    /// identifier to past the terminator). The packet is the raw bytes before the magic trailer; a
    /// block written as ordinary sub-blocks with the trailer inside (c2pa-rs's writer) is read too.
    static func xmpPacket(raw: [UInt8]) -> [UInt8]? {
        let trailerAndTerminator = xmpMagicTrailer.count + 1
        if raw.count >= trailerAndTerminator, raw.suffix(trailerAndTerminator).dropLast().elementsEqual(xmpMagicTrailer) {
            return Array(raw.dropLast(trailerAndTerminator))
        }
        let joined = joinSubBlocks(raw)
        if joined.count >= xmpMagicTrailer.count, joined.suffix(xmpMagicTrailer.count).elementsEqual(xmpMagicTrailer) {
            return Array(joined.dropLast(xmpMagicTrailer.count))
        }
        return nil
    }

    /// The data of sub-blocks, the length bytes dropped (stops at the terminator or the end).
    static func joinSubBlocks(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let length = Int(raw[index])
            if length == 0 { break }
            let end = min(index + 1 + length, raw.count)
            out += raw[(index + 1)..<end]
            index = end
        }
        return out
    }
}
