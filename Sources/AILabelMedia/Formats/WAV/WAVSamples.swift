/// A WAV's PCM samples read into floats and written back in the same coding, in Swift (no decoder:
/// integer PCM of 8 to 32 bits and IEEE float of 32 or 64 bits). The audible disclosure inserts
/// its cue by writing a new `data` chunk whose bytes are the cue's followed by the original's, copied.
public struct WAVSamples: Sendable {
    /// The coding of the samples (the `fmt ` chunk).
    public let codec: String
    public let channels: Int
    public let sampleRate: Int
    public let bitsPerSample: Int
    let isFloat: Bool
    let bytesPerSample: Int
    /// Where the `data` chunk's samples are in the file.
    public let dataRange: Range<Int>

    /// Reads the coding and finds the samples, refusing what is not PCM or is outside ``AudioLimits``.
    public init(_ source: any ByteSource) throws {
        let walk = try WAVHandler.walk(source)
        guard let fmt = walk.chunks.first(where: { $0.fourCC == "fmt " }) else { throw MediaError.make(.malformed, "the WAV has no fmt chunk") }
        guard let data = walk.chunks.first(where: { $0.fourCC == "data" }) else { throw MediaError.make(.malformed, "the WAV has no data chunk") }
        let format = try WAVAudioFormat(source.read(at: fmt.data.lowerBound, count: min(fmt.data.count, WAVAudioFormat.bytesRead), "the fmt chunk"))
        let integer = format.formatTag == 1 && [8, 16, 24, 32].contains(format.bitsPerSample)
        let float = format.formatTag == 3 && [32, 64].contains(format.bitsPerSample)
        guard integer || float else {
            throw MediaError.make(.unsupportedFormat, "the WAV's samples are \(format.codec); ailabel marks integer PCM (8–32 bits) and float PCM only")
        }
        guard (1...AudioLimits.maximumChannels).contains(format.channels) else {
            throw MediaError.make(.limitExceeded, "the WAV has \(format.channels) channels; ailabel handles 1 to \(AudioLimits.maximumChannels)")
        }
        guard AudioLimits.sampleRates.contains(format.sampleRate) else {
            throw MediaError.make(.limitExceeded, "the WAV's sample rate is \(format.sampleRate) Hz; ailabel handles \(AudioLimits.sampleRates.lowerBound) to \(AudioLimits.sampleRates.upperBound) Hz")
        }
        codec = format.codec
        channels = format.channels
        sampleRate = format.sampleRate
        bitsPerSample = format.bitsPerSample
        isFloat = float
        bytesPerSample = format.bitsPerSample / 8
        let frameBytes = bytesPerSample * channels
        dataRange = data.data.lowerBound..<(data.data.lowerBound + data.data.count / frameBytes * frameBytes)
    }

    public var info: AudioStreamInfo {
        AudioStreamInfo(codec: codec, sampleRate: sampleRate, channels: channels, bitRate: sampleRate * channels * bitsPerSample, bitsPerSample: bitsPerSample)
    }

    /// The samples as floats (±1 full scale): all of them, refused past ``AudioLimits`` before anything is
    /// read, or with `firstSeconds` only the start (of a WAV of any length).
    public func read(_ source: any ByteSource, firstSeconds: Double? = nil) throws -> AudioSamples {
        var range = dataRange
        if let firstSeconds, firstSeconds.isFinite {
            let frameBytes = bytesPerSample * channels
            let frames = Int(min(max(0, firstSeconds) * Double(sampleRate) + 1, Double(dataRange.count / frameBytes)))
            range = dataRange.lowerBound..<(dataRange.lowerBound + frames * frameBytes)
        }
        guard range.count / bytesPerSample <= AudioLimits.maximumDecodedValues else {
            throw MediaError.make(.limitExceeded, "the WAV holds \(range.count / bytesPerSample) samples, over the limit of \(AudioLimits.maximumDecodedValues) (all channels)")
        }
        let bytes = try source.read(range)
        guard !bytes.isEmpty else { throw MediaError.make(.empty, "the WAV's data chunk holds no samples") }
        let count = bytes.count / bytesPerSample
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                let at = index * bytesPerSample
                switch (isFloat, bytesPerSample) {
                case (true, 4): values[index] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
                case (true, _): values[index] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian))
                case (false, 1): values[index] = (Float(raw[at]) - 128) / 128
                case (false, 2): values[index] = Float(Int16(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian)) / 32768
                case (false, 3):
                    let value = Int32(bitPattern: UInt32(raw[at]) << 8 | UInt32(raw[at + 1]) << 16 | UInt32(raw[at + 2]) << 24) >> 8
                    values[index] = Float(value) / 8_388_608
                default: values[index] = Float(Double(Int32(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)) / 2_147_483_648)
                }
            }
        }
        return AudioSamples(sampleRate: sampleRate, channels: channels, samples: values)
    }

    /// `values` in this WAV's coding: integers rounded to nearest and clipped to full scale.
    public func encode(_ values: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * bytesPerSample)
        func integer(_ value: Float, _ scale: Double, _ range: ClosedRange<Double>) -> Int64 {
            Int64(min(max((Double(value) * scale).rounded(), range.lowerBound), range.upperBound))
        }
        for (index, value) in values.enumerated() {
            let at = index * bytesPerSample
            switch (isFloat, bytesPerSample) {
            case (true, 4): withUnsafeBytes(of: value.bitPattern.littleEndian) { out.replaceSubrange(at..<at + 4, with: $0) }
            case (true, _): withUnsafeBytes(of: Double(value).bitPattern.littleEndian) { out.replaceSubrange(at..<at + 8, with: $0) }
            case (false, 1): out[at] = UInt8(integer(value, 128, -128...127) + 128)
            case (false, 2):
                let v = UInt16(bitPattern: Int16(integer(value, 32768, -32768...32767)))
                out[at] = UInt8(v & 0xFF)
                out[at + 1] = UInt8(v >> 8)
            case (false, 3):
                let v = UInt32(bitPattern: Int32(integer(value, 8_388_608, -8_388_608...8_388_607)))
                out[at] = UInt8(v & 0xFF)
                out[at + 1] = UInt8((v >> 8) & 0xFF)
                out[at + 2] = UInt8((v >> 16) & 0xFF)
            default:
                let v = UInt32(bitPattern: Int32(integer(value, 2_147_483_648, -2_147_483_648...2_147_483_647)))
                withUnsafeBytes(of: v.littleEndian) { out.replaceSubrange(at..<at + 4, with: $0) }
            }
        }
        return out
    }

    /// The file with its `data` chunk's samples replaced by `pieces` (new bytes, or ranges of the
    /// source copied as they are), every other chunk copied; the RIFF (or RF64 `ds64`) sizes follow.
    public func replacingData(in source: any ByteSource, with pieces: [SplicePlan.Piece]) throws -> [UInt8] {
        let walk = try WAVHandler.walk(source)
        var data: [UInt8] = []
        for piece in pieces {
            switch piece {
            case .bytes(let bytes): data += bytes
            case .source(let range): data += try source.read(range)
            }
        }
        guard data.count <= Int(UInt32.max) - 64 else { throw MediaError.make(.limitExceeded, "the new data chunk does not fit a WAV") }
        var body: [UInt8] = []
        for chunk in walk.chunks {
            switch chunk.fourCC {
            case "ds64": continue  // rewritten below with the new sizes
            case "data" where chunk.data.lowerBound == dataRange.lowerBound:
                body += Array("data".utf8)
                RIFFChunkParser.appendUInt32LE(walk.isRF64 ? RIFFChunkParser.sizeInDS64 : UInt32(data.count), to: &body)
                body += data
                if data.count & 1 == 1 { body.append(0) }
            default:
                body += try source.read(chunk.paddedRange)
                if chunk.data.count & 1 == 1, chunk.paddedRange == chunk.range { body.append(0) }
            }
        }
        var header = Array(walk.magic.utf8)
        if var ds64 = walk.ds64 {
            ds64.dataSize = UInt64(data.count)
            ds64.sampleCount = UInt64(data.count / (bytesPerSample * channels))
            let chunk = WAVHandler.ds64Chunk(ds64, riffSize: 0)
            ds64.riffSize = UInt64(4 + chunk.count + body.count)
            RIFFChunkParser.appendUInt32LE(RIFFChunkParser.sizeInDS64, to: &header)
            header += Array("WAVE".utf8) + WAVHandler.ds64Chunk(ds64, riffSize: ds64.riffSize)
        } else {
            RIFFChunkParser.appendUInt32LE(UInt32(4 + body.count), to: &header)
            header += Array("WAVE".utf8)
        }
        var out = header + body
        if walk.riffEnd < source.count { out += try source.read(walk.riffEnd..<source.count) }
        return out
    }
}
