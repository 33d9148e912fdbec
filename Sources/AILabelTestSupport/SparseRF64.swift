import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A mono 16-bit 48 kHz RF64 WAV whose `data` chunk is a hole of `dataSize` bytes: a file past 4 GB that
/// takes no disk space, for tests of what a handler reads and what signing hashes.
public enum SparseRF64 {
    /// Writes the file at `path`; returns the length of its header (`data`'s payload starts there).
    @discardableResult
    public static func write(to path: String, dataSize: UInt64) throws -> Int {
        var header = Array("RF64".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVE".utf8)
        header += Array("ds64".utf8) + [28, 0, 0, 0]
        let riffSize = UInt64(4 + 36 + 24 + 8) + dataSize
        for value in [riffSize, dataSize, dataSize / 2] { header += (0..<8).map { UInt8(value >> (8 * UInt64($0)) & 0xFF) } }
        header += [0, 0, 0, 0]
        header += Array("fmt ".utf8) + [16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0xBB, 0, 0, 0, 0x77, 1, 0, 2, 0, 16, 0]
        header += Array("data".utf8) + [0xFF, 0xFF, 0xFF, 0xFF]
        try Data(header).write(to: URL(fileURLWithPath: path))
        let descriptor = open(path, O_WRONLY)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(header.count) + off_t(dataSize)) == 0 else { throw CocoaError(.fileWriteOutOfSpace) }
        return header.count
    }
}
