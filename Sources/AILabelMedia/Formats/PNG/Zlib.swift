internal import CAILabelZlib

/// zlib, for PNG CRCs and compressed text chunks. Inflation is bounded so a decompression bomb costs
/// no more than `limit` bytes of memory.
enum Zlib {
    static func crc32<Bytes: Collection<UInt8>>(_ first: Bytes, _ second: ArraySlice<UInt8>) -> UInt32 {
        var crc = CAILabelZlib.crc32(0, nil, 0)
        crc = Array(first).withUnsafeBufferPointer { buffer in
            CAILabelZlib.crc32(crc, buffer.baseAddress, uInt(buffer.count))
        }
        crc = second.withUnsafeBufferPointer { buffer in
            CAILabelZlib.crc32(crc, buffer.baseAddress, uInt(buffer.count))
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// A CRC-32 computed piece by piece (a chunk's type, then its data streamed from a source).
    static func crc32(continuing crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return crc }
        return UInt32(truncatingIfNeeded: CAILabelZlib.crc32(uLong(crc), base.assumingMemoryBound(to: UInt8.self), uInt(buffer.count)))
    }

    /// Inflates a zlib stream. Throws `limitExceeded` as soon as the output would pass `limit` bytes.
    static func inflate(_ input: ArraySlice<UInt8>, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw MediaError.make(.libraryFailure, "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let status: Int32 = input.withUnsafeBufferPointer { source -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            var result: Int32 = Z_OK
            repeat {
                result = chunk.withUnsafeMutableBufferPointer { target -> Int32 in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return CAILabelZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > limit { return Z_MEM_ERROR - 100 }
                output.append(contentsOf: chunk[0..<produced])
                if result == Z_BUF_ERROR && stream.avail_in == 0 { return Z_DATA_ERROR }
            } while result == Z_OK
            return result
        }
        switch status {
        case Z_STREAM_END:
            return output
        case Z_MEM_ERROR - 100:
            throw MediaError.make(.limitExceeded, "compressed data inflates to more than \(limit) bytes")
        default:
            throw MediaError.make(.malformed, "compressed data is corrupt or cut off (zlib status \(status))")
        }
    }

    static func deflate(_ input: [UInt8]) throws -> [UInt8] {
        var length = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { target in
            input.withUnsafeBufferPointer { source in
                compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), 9)
            }
        }
        guard status == Z_OK else { throw MediaError.make(.libraryFailure, "zlib could not compress (status \(status))") }
        return Array(output[0..<Int(length)])
    }
}
