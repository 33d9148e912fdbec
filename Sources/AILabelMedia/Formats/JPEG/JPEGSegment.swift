#if canImport(Glibc)
import Glibc
#endif

/// One piece of a JPEG file in order: a marker segment, or the entropy-coded data that follows a scan header.
struct JPEGSegment: Sendable, Hashable {
    /// The marker byte after 0xFF (0xE1 for APP1…); 0 for entropy-coded data.
    let marker: UInt8
    /// All bytes of the piece: marker, length and payload.
    let range: Range<Int>
    /// The payload: the bytes after the length field (empty for standalone markers).
    let payload: Range<Int>

    var isEntropyCodedData: Bool { marker == 0 }

    static let soi: UInt8 = 0xD8
    static let eoi: UInt8 = 0xD9
    static let sos: UInt8 = 0xDA
    static let dqt: UInt8 = 0xDB
    static let dht: UInt8 = 0xC4
    static let dri: UInt8 = 0xDD
    static let com: UInt8 = 0xFE
    static let app0: UInt8 = 0xE0
    static let app1: UInt8 = 0xE1
    static let app2: UInt8 = 0xE2
    static let app11: UInt8 = 0xEB
    static let app13: UInt8 = 0xED
    static let app14: UInt8 = 0xEE

    /// Start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC).
    static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// Markers that stand alone, with no length field.
    static func isStandalone(_ marker: UInt8) -> Bool {
        marker == soi || marker == eoi || (0xD0...0xD7).contains(marker) || marker == 0x01
    }

    static func name(of marker: UInt8) -> String {
        switch marker {
        case 0: return "ECS"
        case soi: return "SOI"
        case eoi: return "EOI"
        case sos: return "SOS"
        case dqt: return "DQT"
        case dht: return "DHT"
        case dri: return "DRI"
        case com: return "COM"
        case 0xCC: return "DAC"
        case 0xDC: return "DNL"
        case 0xD0...0xD7: return "RST\(marker - 0xD0)"
        case 0xE0...0xEF: return "APP\(marker - 0xE0)"
        case 0xC0...0xCF: return "SOF\(marker - 0xC0)"
        default: return "0xFF\(String(marker, radix: 16, uppercase: true))"
        }
    }
}

/// Splits a JPEG into its segments by positioned reads of its markers and lengths. Never trusts a
/// length it has not checked against the bytes left.
enum JPEGSegmentParser {
    /// More segments than any real encoder writes; a file with more is refused rather than walked.
    static let maximumSegments = 100_000

    static func parse(_ source: any ByteSource) throws -> (segments: [JPEGSegment], trailing: Range<Int>?) {
        let count = source.count
        guard count > 0 else { throw MediaError.make(.empty, "the file is empty") }
        var window = ByteWindow(source)
        guard count >= 2, try window.byte(at: 0) == 0xFF, try window.byte(at: 1) == JPEGSegment.soi else {
            throw MediaError.make(.malformed, "not a JPEG: it does not start with the SOI marker FF D8")
        }
        var segments: [JPEGSegment] = [JPEGSegment(marker: JPEGSegment.soi, range: 0..<2, payload: 2..<2)]
        var position = 2
        while true {
            guard segments.count < maximumSegments else {
                throw MediaError.make(.limitExceeded, "more than \(maximumSegments) JPEG segments")
            }
            guard let first = try window.byte(at: position) else {
                throw MediaError.make(.truncated, "the JPEG ends at byte \(count) before its EOI marker")
            }
            guard first == 0xFF else {
                throw MediaError.make(
                    .malformed, "expected a JPEG marker at byte \(position), found 0x\(String(first, radix: 16))")
            }
            let start = position
            // Any number of 0xFF fill bytes may precede a marker.
            while try window.byte(at: position) == 0xFF { position += 1 }
            guard let marker = try window.byte(at: position) else {
                throw MediaError.make(.truncated, "the JPEG ends inside a marker at byte \(start)")
            }
            position += 1
            if marker == JPEGSegment.eoi {
                segments.append(JPEGSegment(marker: marker, range: start..<position, payload: position..<position))
                return (segments, position < count ? position..<count : nil)
            }
            if marker == JPEGSegment.soi || marker == 0x00 {
                throw MediaError.make(.malformed, "unexpected marker \(JPEGSegment.name(of: marker)) at byte \(start)")
            }
            if JPEGSegment.isStandalone(marker) {
                segments.append(JPEGSegment(marker: marker, range: start..<position, payload: position..<position))
                continue
            }
            guard let length16 = try window.uint16BE(at: position) else {
                throw MediaError.make(.truncated, "the JPEG ends inside the length of \(JPEGSegment.name(of: marker)) at byte \(start)")
            }
            let length = Int(length16)
            guard length >= 2 else {
                throw MediaError.make(.malformed, "\(JPEGSegment.name(of: marker)) at byte \(start) declares an impossible length \(length)")
            }
            let end = position + length
            guard end <= count else {
                throw MediaError.make(
                    .truncated,
                    "\(JPEGSegment.name(of: marker)) at byte \(start) declares \(length) bytes but only \(count - position) remain")
            }
            segments.append(JPEGSegment(marker: marker, range: start..<end, payload: position + 2..<end))
            position = end
            if marker == JPEGSegment.sos {
                let dataEnd = try endOfEntropyCodedData(in: source, from: position)
                segments.append(JPEGSegment(marker: 0, range: position..<dataEnd, payload: position..<dataEnd))
                position = dataEnd
            }
        }
    }

    /// Finds where a scan's entropy-coded data ends: at the first 0xFF (fill bytes included) of a
    /// marker other than a restart marker; a stuffed 0xFF 0x00 is data. The data is streamed chunk by
    /// chunk (memchr finds each 0xFF), never held: a scan of gigabytes costs one chunk of memory.
    static func endOfEntropyCodedData(in source: any ByteSource, from start: Int) throws -> Int {
        var scan = EntropyCodedDataScan()
        guard start < source.count else {
            throw MediaError.make(.truncated, "the JPEG's image data starting at byte \(start) is cut off before the next marker")
        }
        do {
            try source.forEachChunk(in: start..<source.count) { chunk in
                if let end = scan.feed(chunk) { throw EntropyCodedDataScan.Found(end: end) }
            }
        } catch let found as EntropyCodedDataScan.Found {
            return start + found.end
        }
        throw MediaError.make(.truncated, "the JPEG's image data starting at byte \(start) is cut off before the next marker")
    }
}

/// The end of a scan's entropy-coded data, found across chunk boundaries: a state machine fed chunk
/// after chunk, whose offsets count from where the scan's data starts.
struct EntropyCodedDataScan {
    struct Found: Error { let end: Int }

    enum State {
        case data
        /// A 0xFF at this offset; the next byte decides.
        case sawFF(Int)
        /// A run of 0xFF from this offset: before a restart marker or a stuffed zero it is scan data;
        /// before any other marker it belongs to that marker, so the scan ends at the run's first byte.
        /// (Counting the run as scan data made the scan's extent depend on whether the segment after it
        /// was kept: found by fuzzing, Fixtures/fuzz/jpeg.)
        case fillRun(Int)
    }

    var state = State.data
    /// Offset of the chunk's first byte.
    var consumed = 0

    /// Feeds the next chunk; returns the offset where the data ends once it is known.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) -> Int? {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = chunk.count
        var index = 0
        defer { consumed += count }
        while index < count {
            switch state {
            case .data:
                // memchr finds the next 0xFF far faster than a byte loop over megabytes of scan data.
                guard let hit = memchr(base + index, 0xFF, count - index) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                state = .sawFF(consumed + at)
                index = at + 1
            case .sawFF(let at):
                let next = base[index]
                index += 1
                if next == 0x00 || (0xD0...0xD7).contains(next) {
                    state = .data
                } else if next == 0xFF {
                    state = .fillRun(at)
                } else {
                    return at
                }
            case .fillRun(let at):
                let next = base[index]
                index += 1
                if next == 0xFF { continue }
                if next == 0x00 || (0xD0...0xD7).contains(next) {
                    state = .data
                } else {
                    return at
                }
            }
        }
        return nil
    }
}
