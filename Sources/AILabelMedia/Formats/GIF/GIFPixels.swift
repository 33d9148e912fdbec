internal import CAILabelShims

/// GIF pixels through giflib: frames composited as a viewer shows them, and frames quantised back to a
/// palette with the original's timing, loop count, disposal and transparency.
extension GIFHandler {
    /// The first frame as a viewer shows it (what verify reads the watermark from).
    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        let frames = try decode(bytes, maxPixels: maxPixels, firstFrameOnly: true)
        return frames[0]
    }

    public func decodeFrames(_ bytes: [UInt8], maxPixels: Int) throws -> [RGBImage] {
        try decode(bytes, maxPixels: maxPixels, firstFrameOnly: false)
    }

    func decode(_ bytes: [UInt8], maxPixels: Int, firstFrameOnly: Bool) throws -> [RGBImage] {
        // Our walker first proves every block lies inside the file and counts the frames, and the screen
        // is checked against the limit before giflib allocates anything of its size (an LZW bomb declares
        // a 65535×65535 frame in a few bytes).
        let structure = try GIFStructure.walk(bytes)
        let width = structure.screenWidth, height = structure.screenHeight
        let frameCount = firstFrameOnly ? min(1, structure.frameCount) : structure.frameCount
        guard width > 0, height > 0, frameCount > 0 else { throw MediaError.make(.malformed, "the GIF has an empty screen or no image") }
        guard width * height * frameCount <= maxPixels else {
            throw MediaError.make(
                .limitExceeded,
                "the GIF's \(frameCount) frame(s) of \(width)×\(height) make \(width * height * frameCount) pixels, over the decoding limit of \(maxPixels) pixels")
        }
        var pixels: UnsafeMutablePointer<UInt8>?
        var info = CAILabel_GIFInfo()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBytes { raw in
            message.withUnsafeMutableBufferPointer { errbuf in
                CAILabel_gif_decode(
                    raw.baseAddress, raw.count, UInt64(maxPixels), UInt32(GIFStructure.maximumFrames), firstFrameOnly ? 1 : 0,
                    &pixels, &info, nil, errbuf.baseAddress, errbuf.count)
            }
        }
        defer { CAILabel_free(pixels) }
        try PixelCodec.check(status, message: message, library: "giflib", width: info.width, height: info.height, limit: maxPixels)
        guard let pixels, info.frames > 0 else { throw MediaError.make(.libraryFailure, "giflib returned no frames") }
        let canvas = Int(info.width) * Int(info.height) * 4
        return (0..<Int(info.frames)).map { index in
            RGBImage(width: Int(info.width), height: Int(info.height), channels: 4,
                     pixels: Array(UnsafeBufferPointer(start: pixels + index * canvas, count: canvas)))
        }
    }

    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        try encodeFrames([image], like: contents)
    }

    /// Each frame becomes a full-screen frame with its own 256-colour table (median cut with error
    /// diffusion), the original's delays and loop count. Disposal: a frame with transparent pixels
    /// must clear what the previous frame left under them, so when any frame has transparency every
    /// frame restores to background; otherwise each keeps its own disposal.
    public func encodeFrames(_ frames: [RGBImage], like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard let first = frames.first, frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw MediaError.make(.invalidArgument, "GIF frames must all have the screen's size")
        }
        let coding = contents.gifCoding
        let hasTransparency = frames.contains { frame in
            frame.channels == 4 && stride(from: 3, to: frame.pixels.count, by: 4).contains { frame.pixels[$0] < 128 }
        }
        var specs = frames.indices.map { index -> CAILabel_GIFFrame in
            let timing = coding.flatMap { index < $0.timing.count ? $0.timing[index] : nil } ?? GIFFrameTiming()
            return CAILabel_GIFFrame(
                delay_centiseconds: Int32(timing.delayCentiseconds), disposal: Int32(hasTransparency && frames.count > 1 ? 2 : timing.disposal),
                transparent_index: -1)
        }
        var rgba: [UInt8] = []
        rgba.reserveCapacity(first.width * first.height * 4 * frames.count)
        for frame in frames {
            if frame.channels == 4 {
                rgba += frame.pixels
            } else {
                for index in 0..<(frame.width * frame.height) {
                    rgba += frame.pixels[(index * 3)..<(index * 3 + 3)]
                    rgba.append(255)
                }
            }
        }
        let loop = Int32(coding?.loopCount ?? -1)
        let encoded = try PixelCodec.encode(library: "giflib") { out, count, errbuf, length in
            rgba.withUnsafeBufferPointer { raw in
                specs.withUnsafeMutableBufferPointer { specs in
                    CAILabel_gif_encode(
                        raw.baseAddress, UInt32(first.width), UInt32(first.height), UInt32(frames.count), specs.baseAddress, loop, 1,
                        out, count, errbuf, length)
                }
            }
        }
        // Comments are the file's own text (a TC260 label some tools put there): carried across.
        var carried = MetadataEdit()
        if !contents.comments.isEmpty { carried.comments = contents.comments }
        return (encoded, carried)
    }
}
