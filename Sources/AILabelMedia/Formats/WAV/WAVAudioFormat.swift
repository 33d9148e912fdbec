/// A WAV's `fmt ` chunk (WAVEFORMATEX, and WAVE_FORMAT_EXTENSIBLE's sub-format): what `inspect` shows.
struct WAVAudioFormat: Sendable, Hashable {
    var formatTag: Int
    var channels: Int
    var sampleRate: Int
    var byteRate: Int
    var blockAlign: Int
    var bitsPerSample: Int

    /// WAVEFORMATEX is 16 bytes at least; extensible adds 24. More is read no further.
    static let bytesRead = 40

    init(_ data: [UInt8]) throws {
        guard data.count >= 16 else {
            throw MediaError.make(.malformed, "the fmt chunk is \(data.count) bytes, shorter than WAVEFORMAT's 16")
        }
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { Int(RIFFChunkParser.readUInt32LE(data, at: at)) }
        formatTag = u16(0)
        channels = u16(2)
        sampleRate = u32(4)
        byteRate = u32(8)
        blockAlign = u16(12)
        bitsPerSample = u16(14)
        // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
        if formatTag == 0xFFFE, data.count >= 26 { formatTag = u16(24) }
    }

    /// The codec as ffprobe names it.
    var codec: String {
        switch (formatTag, bitsPerSample) {
        case (1, 8): return "pcm_u8"
        case (1, let bits): return "pcm_s\(bits)le"
        case (3, let bits): return "pcm_f\(bits)le"
        case (6, _): return "pcm_alaw"
        case (7, _): return "pcm_mulaw"
        case (0x55, _): return "mp3"
        default: return "format 0x" + String(formatTag, radix: 16)
        }
    }

    /// The coding, with the duration the data size gives at this byte rate.
    func coding(dataSize: Int?, sampleCount: UInt64?) -> AudioCoding {
        var duration: Double?
        var source: String?
        if let sampleCount, sampleCount > 0, sampleRate > 0 {
            duration = Double(sampleCount) / Double(sampleRate)
            source = "ds64 sample count"
        } else if let dataSize, byteRate > 0 {
            duration = Double(dataSize) / Double(byteRate)
            source = "data size"
        }
        return AudioCoding(
            codec: codec, channels: channels, sampleRate: sampleRate, bitsPerSample: bitsPerSample > 0 ? bitsPerSample : nil,
            durationSeconds: duration, bitrate: byteRate > 0 ? byteRate * 8 : nil, durationSource: source)
    }
}
