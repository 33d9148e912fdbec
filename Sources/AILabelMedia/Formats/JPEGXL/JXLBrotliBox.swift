internal import CAILabelBrotli

/// A `brob` box: a metadata box (`xml `, `Exif`, `jumb`…) whose payload is Brotli-compressed, after
/// the four bytes of the type it stands for (ISO/IEC 18181-2, 9.2).
///
/// Decompression is always bounded: the compressed input by ``maximumCompressedBytes`` before it is
/// read, the output by ``maximumDecompressedBytes`` while it is produced, so a small box that claims
/// or inflates to gigabytes is refused, never allocated.
enum JXLBrotliBox {
    /// The most compressed bytes read from one `brob` box.
    static let maximumCompressedBytes = 16 * 1024 * 1024
    /// The most bytes one `brob` box may inflate to (an XMP packet's own limit).
    static let maximumDecompressedBytes = XMPPacket.maximumPacketSize
    /// Types a `brob` must not stand for (ISO/IEC 18181-2: a `brob` never wraps another `brob`, nor
    /// the signature, file type or codestream boxes).
    static let forbiddenInnerTypes: Set<String> = ["brob", "JXL ", "ftyp", "jxlc", "jxlp", "jxll", "jxli", "jbrd"]

    /// The type a `brob` box stands for.
    static func innerType(of box: JXLBox, in source: any ByteSource) throws -> [UInt8] {
        guard box.data.count >= 4 else {
            throw MediaError.make(.malformed, "the brob box at byte \(box.range.lowerBound) is shorter than its 4-byte inner type")
        }
        let type = try source.read(at: box.data.lowerBound, count: 4, "a brob box's inner type")
        guard !forbiddenInnerTypes.contains(String(decoding: type, as: UTF8.self)) else {
            throw MediaError.make(
                .malformed, "the brob box at byte \(box.range.lowerBound) wraps a \(JXLBoxes.printable(type)) box, which must never be compressed (nested brob)")
        }
        return type
    }

    /// The decompressed payload of a `brob` box.
    static func decompress(_ box: JXLBox, in source: any ByteSource, limit: Int = maximumDecompressedBytes) throws -> [UInt8] {
        let compressed = box.data.count - 4
        guard compressed <= maximumCompressedBytes else {
            throw MediaError.make(
                .limitExceeded, "the brob box at byte \(box.range.lowerBound) holds \(compressed) compressed bytes, over the \(maximumCompressedBytes)-byte limit")
        }
        let input = try source.read(at: box.data.lowerBound + 4, count: compressed, "a brob box")
        return try inflate(input, limit: limit, at: box.range.lowerBound)
    }

    static func inflate(_ input: [UInt8], limit: Int, at offset: Int) throws -> [UInt8] {
        guard let decoder = BrotliDecoderCreateInstance(nil, nil, nil) else {
            throw MediaError.make(.libraryFailure, "Brotli could not create a decoder")
        }
        defer { BrotliDecoderDestroyInstance(decoder) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        return try input.withUnsafeBufferPointer { inputBuffer in
            var availableIn = inputBuffer.count
            var nextIn = inputBuffer.baseAddress
            while true {
                var availableOut = chunk.count
                let result = chunk.withUnsafeMutableBufferPointer { outBuffer -> BrotliDecoderResult in
                    var nextOut = outBuffer.baseAddress
                    return BrotliDecoderDecompressStream(decoder, &availableIn, &nextIn, &availableOut, &nextOut, nil)
                }
                let produced = chunk.count - availableOut
                guard output.count + produced <= limit else {
                    throw MediaError.make(
                        .limitExceeded, "the brob box at byte \(offset) inflates past \(limit) bytes (a decompression bomb); it was not read")
                }
                output += chunk[0..<produced]
                switch result {
                case BROTLI_DECODER_RESULT_SUCCESS:
                    return output
                case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
                    continue
                case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
                    throw MediaError.make(.truncated, "the brob box at byte \(offset) ends inside its Brotli stream")
                default:
                    throw MediaError.make(.malformed, "the brob box at byte \(offset) is not a valid Brotli stream")
                }
            }
        }
    }
}
