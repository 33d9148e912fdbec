/// One block of a GIF as the GIF89a specification lays them out, with the names c2pa-rs's box hash
/// gives them (`gif_io.rs`): the header, the logical screen descriptor with its global colour table,
/// extensions (`21FF` application, `21FE` comment, `21F9` graphic control, `2101` plain text), an
/// image descriptor with its local colour table (`2C`), its LZW image data (`TBID`) and the trailer (`3B`).
struct GIFBlock: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case header
        case screen
        /// An application extension with its 8-byte identifier and 3-byte authentication code.
        case application(identifier: [UInt8])
        case comment
        case graphicControl
        case plainText
        /// An extension label the specification does not define.
        case otherExtension(label: UInt8)
        case imageDescriptor(GIFImageDescriptor)
        case imageData
        case trailer
    }

    var kind: Kind
    var range: Range<Int>
    /// Where the block's data sub-blocks start (after an extension's fixed part), for extensions.
    var subBlocksStart: Int?

    /// The name a C2PA box hash gives the block; nil for kinds c2pa-rs cannot map.
    var boxName: String? {
        switch kind {
        case .header: "GIF89a"
        case .screen: "LSD"
        case .application(let identifier): identifier == GIFApplicationExtension.c2paIdentifier ? C2PABox.c2paName : "21FF"
        case .comment: "21FE"
        case .graphicControl: "21F9"
        case .plainText: "2101"
        case .otherExtension: nil
        case .imageDescriptor: "2C"
        case .imageData: "TBID"
        case .trailer: "3B"
        }
    }
}

/// An image descriptor's fields.
struct GIFImageDescriptor: Sendable, Hashable {
    var left: Int
    var top: Int
    var width: Int
    var height: Int
    var interlaced: Bool
    var localColourTableSize: Int?
}

/// The blocks of a GIF, in file order, found by positioned reads of headers and sub-block lengths:
/// image data is skipped by its sub-block lengths, never read.
struct GIFStructure: Sendable {
    /// More frames than any animation a person watches: 10 000 frames is 16 minutes at 10 frames a second.
    static let maximumFrames = 10_000
    /// Extensions and frames together (an extension flood of tiny blocks is refused).
    static let maximumBlocks = 100_000

    var version: String
    var screenWidth: Int
    var screenHeight: Int
    var globalColourTableSize: Int?
    var backgroundIndex: Int
    var blocks: [GIFBlock]
    /// Where the header, the logical screen descriptor and the global colour table end: where c2pa-rs
    /// puts a new C2PA block.
    var preambleEnd: Int
    /// Where the trailer ends (bytes after it are trailing data).
    var end: Int

    var frameCount: Int { blocks.reduce(0) { $0 + ($1.kind.isImageDescriptor ? 1 : 0) } }

    /// Walks the file. With `stopAtFirstImage`, stops at the first image descriptor (where a C2PA
    /// block can no longer be, c2pa-rs `find_c2pa_block`); with `isPrefix`, `reader` is the start of a
    /// longer file and running out of bytes before the first image is a truncation the caller reads on past.
    static func walk(_ reader: some ByteSource, stopAtFirstImage: Bool = false, isPrefix: Bool = false) throws -> GIFStructure {
        var structure = try walkPreamble(reader)
        do {
            try structure.walkBlocks(reader, stopAtFirstImage: stopAtFirstImage)
        } catch let error as MediaError where isPrefix && error.code == .truncated {
            // The prefix ends here: what was walked so far is what the caller gets.
            structure.cutShort = true
        }
        return structure
    }

    /// Whether a prefix walk ran out of bytes before the end (or the first image).
    var cutShort = false

    static func walkPreamble(_ reader: some ByteSource) throws -> GIFStructure {
        let size = reader.count
        guard size > 0 else { throw MediaError.make(.empty, "the file is empty") }
        guard size >= 13 else { throw MediaError.make(.truncated, "the GIF ends inside its header and logical screen descriptor (\(size) bytes)") }
        let head = try reader.read(0..<13)
        guard head.starts(with: Array("GIF".utf8)) else { throw MediaError.make(.malformed, "not a GIF: it does not start with GIF87a or GIF89a") }
        let version = String(decoding: head[3..<6], as: UTF8.self)
        guard version == "87a" || version == "89a" else {
            throw MediaError.make(.malformed, "not a GIF: unknown version \(printable(head[3..<6]))")
        }
        var structure = GIFStructure(
            version: version, screenWidth: Int(head[6]) | Int(head[7]) << 8, screenHeight: Int(head[8]) | Int(head[9]) << 8,
            globalColourTableSize: nil, backgroundIndex: Int(head[11]), blocks: [], preambleEnd: 13, end: 0)
        structure.blocks.append(GIFBlock(kind: .header, range: 0..<6))
        var position = 13
        if head[10] & 0x80 != 0 {
            let entries = 2 << Int(head[10] & 0x07)
            structure.globalColourTableSize = entries
            position += 3 * entries
            guard position <= size else {
                throw MediaError.make(.truncated, "the global colour table of \(entries) entries runs past the end of the file")
            }
        }
        structure.preambleEnd = position
        structure.blocks.append(GIFBlock(kind: .screen, range: 6..<position))
        return structure
    }

    mutating func walkBlocks(_ reader: some ByteSource, stopAtFirstImage: Bool) throws {
        let size = reader.count
        // One window for the whole walk: a window per block re-read 32 KB for each of up to 100,000
        // tiny blocks (3 GB copied for a 300 KB file), and a read per header was a system call each.
        var window = ByteWindow(reader, windowSize: 32 * 1024)
        func read(_ range: Range<Int>) throws -> [UInt8] {
            guard let bytes = try window.bytes(range) else { throw MediaError.make(.truncated, "the GIF ends before byte \(range.upperBound)") }
            return bytes
        }
        var position = preambleEnd
        var frames = 0
        while true {
            guard blocks.count < Self.maximumBlocks else {
                throw MediaError.make(.limitExceeded, "more than \(Self.maximumBlocks) GIF blocks")
            }
            guard position < size else {
                throw MediaError.make(.truncated, "the GIF ends at byte \(position) without its trailer (0x3B)")
            }
            let start = position
            let introducer = try read(position..<position + 1)[0]
            switch introducer {
            case 0x3B:
                blocks.append(GIFBlock(kind: .trailer, range: start..<start + 1))
                end = start + 1
                return
            case 0x21:
                guard size - position >= 2 else { throw MediaError.make(.truncated, "the GIF ends inside the extension at byte \(start)") }
                let label = try read(position + 1..<position + 2)[0]
                position += 2
                var kind: GIFBlock.Kind
                switch label {
                case 0xFF:
                    // A fixed block of 11 bytes: identifier and authentication code.
                    guard size - position >= 12 else { throw MediaError.make(.truncated, "the GIF ends inside the application extension at byte \(start)") }
                    let fixed = try read(position..<position + 12)
                    guard fixed[0] == 11 else {
                        throw MediaError.make(.malformed, "the application extension at byte \(start) declares a \(fixed[0])-byte identifier block, not 11")
                    }
                    kind = .application(identifier: Array(fixed[1..<12]))
                    position += 12
                case 0xFE: kind = .comment
                case 0xF9: kind = .graphicControl
                case 0x01: kind = .plainText
                default: kind = .otherExtension(label: label)
                }
                let subBlocksStart = position
                position = try Self.skipSubBlocks(&window, from: position, in: "the extension at byte \(start)")
                blocks.append(GIFBlock(kind: kind, range: start..<position, subBlocksStart: subBlocksStart))
            case 0x2C:
                if stopAtFirstImage {
                    end = start
                    return
                }
                frames += 1
                guard frames <= Self.maximumFrames else { throw MediaError.make(.limitExceeded, "more than \(Self.maximumFrames) frames") }
                guard size - position >= 10 else { throw MediaError.make(.truncated, "the GIF ends inside the image descriptor at byte \(start)") }
                let fields = try read(position..<position + 10)
                func le16(_ at: Int) -> Int { Int(fields[at]) | Int(fields[at + 1]) << 8 }
                var descriptor = GIFImageDescriptor(
                    left: le16(1), top: le16(3), width: le16(5), height: le16(7), interlaced: fields[9] & 0x40 != 0, localColourTableSize: nil)
                position += 10
                if fields[9] & 0x80 != 0 {
                    let entries = 2 << Int(fields[9] & 0x07)
                    descriptor.localColourTableSize = entries
                    guard 3 * entries <= size - position else {
                        throw MediaError.make(.truncated, "the local colour table of the image at byte \(start) runs past the end of the file")
                    }
                    position += 3 * entries
                }
                blocks.append(GIFBlock(kind: .imageDescriptor(descriptor), range: start..<position))
                // The LZW minimum code size, then the data sub-blocks (skipped by their lengths, never read).
                let dataStart = position
                guard position < size else { throw MediaError.make(.truncated, "the GIF ends before the image data at byte \(position)") }
                position = try Self.skipSubBlocks(&window, from: position + 1, in: "the image data at byte \(dataStart)")
                blocks.append(GIFBlock(kind: .imageData, range: dataStart..<position, subBlocksStart: dataStart + 1))
            default:
                throw MediaError.make(
                    .malformed, "byte \(start) holds 0x\(String(introducer, radix: 16, uppercase: true)), neither an extension (0x21), an image (0x2C) nor the trailer (0x3B)")
            }
        }
    }

    /// Follows a chain of data sub-blocks (a length byte, then that many bytes) to past its zero-length
    /// terminator. The length bytes are read through the walk's window: an image's LZW data is a chain
    /// of 255-byte sub-blocks, and a read per length byte made a system call per 256 bytes of the file.
    static func skipSubBlocks(_ window: inout ByteWindow, from start: Int, in place: @autoclosure () -> String) throws -> Int {
        let size = window.count
        var position = start
        while true {
            guard position < size, let lengthByte = try window.byte(at: position) else {
                throw MediaError.make(.truncated, "the sub-blocks of \(place()) run past the end of the file")
            }
            let length = Int(lengthByte)
            position += 1
            if length == 0 { return position }
            guard length <= size - position else {
                throw MediaError.make(.truncated, "a \(length)-byte sub-block of \(place()) runs past the end of the file")
            }
            position += length
        }
    }

    static func printable(_ bytes: some Collection<UInt8>) -> String {
        "'" + String(bytes.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "?" }) + "'"
    }
}

extension GIFBlock.Kind {
    var isImageDescriptor: Bool {
        if case .imageDescriptor = self { return true }
        return false
    }

    var applicationIdentifier: [UInt8]? {
        if case .application(let identifier) = self { return identifier }
        return nil
    }
}

/// The GIF parser's documented limits (Docs/limits.md), public for tests and docs.
public enum GIFStructureLimits {
    public static let maximumFrames = GIFStructure.maximumFrames
    public static let maximumBlocks = GIFStructure.maximumBlocks
}
