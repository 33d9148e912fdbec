internal import CAILabelWebP

/// Pixels through libwebp: decode to 8-bit RGB(A), and encode marked pixels in the original's coding
/// (lossy at the quality estimated from its VP8 header, lossless as lossless, alpha kept). libwebp
/// reports errors by return values, never by longjmp or abort, so it is called from Swift directly.
/// ICC, EXIF and XMP are carried across by the caller, through ``WebPHandler/rewrite(_:applying:)``.
extension WebPHandler {
    /// The quality a lossy re-encode uses when the original's cannot be estimated (libwebp's default).
    static let defaultQuality = 75

    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        var features = WebPBitstreamFeatures()
        let status = bytes.withUnsafeBufferPointer { WebPGetFeatures($0.baseAddress, $0.count, &features) }
        guard status == VP8_STATUS_OK else { throw Self.failure(status, "read the WebP's features") }
        if features.has_animation != 0 {
            // The first frame, as shown: what a thumbnail, the badge check and the watermark reader see.
            guard let first = try decodeAnimation(bytes, maxPixels: maxPixels, frameLimit: 1).first else {
                throw MediaError.make(.malformed, "the animated WebP has no frame")
            }
            return first
        }
        let width = Int(features.width), height = Int(features.height)
        try Self.checkSize(width: width, height: height, frames: 1, maxPixels: maxPixels)
        let channels = features.has_alpha != 0 ? 4 : 3
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let decoded = bytes.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                channels == 4
                    ? WebPDecodeRGBAInto(input.baseAddress, input.count, output.baseAddress, output.count, Int32(width * 4))
                    : WebPDecodeRGBInto(input.baseAddress, input.count, output.baseAddress, output.count, Int32(width * 3))
            }
        }
        guard decoded != nil else { throw MediaError.make(.libraryFailure, "libwebp cannot decode the WebP image") }
        return RGBImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        var config = try Self.config(like: contents)
        var picture = try Self.picture(image, argb: config.lossless != 0)
        defer { WebPPictureFree(&picture) }
        var writer = WebPMemoryWriter()
        WebPMemoryWriterInit(&writer)
        defer { WebPMemoryWriterClear(&writer) }
        let encoded = withUnsafeMutablePointer(to: &writer) { pointer in
            picture.writer = WebPMemoryWrite
            picture.custom_ptr = UnsafeMutableRawPointer(pointer)
            return WebPEncode(&config, &picture)
        }
        guard encoded != 0, let memory = writer.mem else {
            throw MediaError.make(.libraryFailure, "libwebp could not encode the image (error \(picture.error_code.rawValue))")
        }
        return (Array(UnsafeBufferPointer(start: memory, count: writer.size)), MetadataEdit())
    }

    /// Every frame as a whole RGBA canvas (libwebp's animation decoder blends and disposes them); a
    /// still WebP is one frame. The frames together stay within `maxPixels`.
    public func decodeFrames(_ bytes: [UInt8], maxPixels: Int) throws -> [RGBImage] {
        var features = WebPBitstreamFeatures()
        let status = bytes.withUnsafeBufferPointer { WebPGetFeatures($0.baseAddress, $0.count, &features) }
        guard status == VP8_STATUS_OK else { throw Self.failure(status, "read the WebP's features") }
        guard features.has_animation != 0 else { return [try decodePixels(bytes, maxPixels: maxPixels, lenient: false)] }
        return try decodeAnimation(bytes, maxPixels: maxPixels, frameLimit: Self.maximumFrames)
    }

    /// The most frames one animation may hold for marking (each is a whole canvas in memory).
    static let maximumFrames = 10_000

    func decodeAnimation(_ bytes: [UInt8], maxPixels: Int, frameLimit: Int) throws -> [RGBImage] {
        // libwebp's animation decoder allocates its whole canvas (4 bytes a pixel) as it is made, before
        // any frame is read: the canvas the VP8X chunk declares is checked first (a 1,284-byte file
        // declaring 48 × 13,106,976 asked it for 2.5 GB).
        var features = WebPBitstreamFeatures()
        let status = bytes.withUnsafeBufferPointer { WebPGetFeatures($0.baseAddress, $0.count, &features) }
        guard status == VP8_STATUS_OK else { throw Self.failure(status, "read the WebP's features") }
        try Self.checkSize(width: Int(features.width), height: Int(features.height), frames: 1, maxPixels: maxPixels)
        return try bytes.withUnsafeBufferPointer { input -> [RGBImage] in
            var data = WebPData(bytes: input.baseAddress, size: input.count)
            var options = WebPAnimDecoderOptions()
            guard WebPAnimDecoderOptionsInit(&options) != 0 else { throw MediaError.make(.libraryFailure, "libwebp's animation decoder has another ABI") }
            options.color_mode = MODE_RGBA
            options.use_threads = 0
            guard let decoder = WebPAnimDecoderNew(&data, &options) else {
                throw MediaError.make(.malformed, "libwebp cannot read the WebP animation")
            }
            defer { WebPAnimDecoderDelete(decoder) }
            var info = WebPAnimInfo()
            guard WebPAnimDecoderGetInfo(decoder, &info) != 0 else { throw MediaError.make(.malformed, "libwebp cannot read the WebP animation's header") }
            let width = Int(info.canvas_width), height = Int(info.canvas_height)
            guard Int(info.frame_count) <= Self.maximumFrames else {
                throw MediaError.make(.limitExceeded, "the animation has \(info.frame_count) frames, over the limit of \(Self.maximumFrames)")
            }
            let frameCount = min(Int(info.frame_count), frameLimit)
            // Every canvas is held at once (so each can be marked): the frames together stay within the limit.
            try Self.checkSize(width: width, height: height, frames: max(frameCount, 1), maxPixels: maxPixels)
            var frames: [RGBImage] = []
            while frames.count < frameCount, WebPAnimDecoderHasMoreFrames(decoder) != 0 {
                var canvas: UnsafeMutablePointer<UInt8>?
                var timestamp: Int32 = 0
                guard WebPAnimDecoderGetNext(decoder, &canvas, &timestamp) != 0, let canvas else {
                    throw MediaError.make(.malformed, "libwebp cannot decode frame \(frames.count + 1) of the WebP animation")
                }
                frames.append(RGBImage(width: width, height: height, channels: 4, pixels: Array(UnsafeBufferPointer(start: canvas, count: width * height * 4))))
            }
            guard !frames.isEmpty else { throw MediaError.make(.malformed, "the WebP animation has no frame") }
            return frames
        }
    }

    /// A still image as `encodePixels` does; several frames as an animation with the original's
    /// durations, loop count and background, every frame a key frame.
    public func encodeFrames(_ frames: [RGBImage], like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard let first = frames.first else { throw MediaError.make(.invalidArgument, "an image needs a frame") }
        guard contents.webpCoding?.animated == true else {
            guard frames.count == 1 else { throw MediaError.make(.invalidArgument, "a still WebP is one frame") }
            return try encodePixels(first, like: contents)
        }
        let timing = contents.webpCoding?.animation
        var config = try Self.config(like: contents)
        var options = WebPAnimEncoderOptions()
        guard WebPAnimEncoderOptionsInit(&options) != 0 else { throw MediaError.make(.libraryFailure, "libwebp's animation encoder has another ABI") }
        options.anim_params.loop_count = Int32(clamping: timing?.loopCount ?? 0)
        options.anim_params.bgcolor = timing?.background ?? 0
        // A file that mixed lossy and lossless frames may again; otherwise every frame keeps the original's kind.
        options.allow_mixed = contents.webpCoding?.compression == "mixed" ? 1 : 0
        // Every frame a key frame: between lossy frames libwebp otherwise keeps the previous canvas wherever
        // the new one is within a quality-dependent difference of it, and a faint mark is such a difference.
        options.kmax = 1
        options.kmin = 0
        guard let encoder = WebPAnimEncoderNew(Int32(first.width), Int32(first.height), &options) else {
            throw MediaError.make(.libraryFailure, "libwebp could not create an animation encoder")
        }
        defer { WebPAnimEncoderDelete(encoder) }
        var timestamp: Int32 = 0
        for (index, frame) in frames.enumerated() {
            guard frame.width == first.width, frame.height == first.height else {
                throw MediaError.make(.invalidArgument, "every frame of a WebP animation has the canvas's size")
            }
            var picture = try Self.picture(frame, argb: true)
            defer { WebPPictureFree(&picture) }
            guard WebPAnimEncoderAdd(encoder, &picture, timestamp, &config) != 0 else {
                throw MediaError.make(.libraryFailure, "libwebp could not encode an animation frame: \(Self.message(WebPAnimEncoderGetError(encoder)))")
            }
            // libwebp's own default for a frame whose duration the file does not say.
            let duration = timing.flatMap { index < $0.frameDurations.count ? $0.frameDurations[index] : nil } ?? 100
            timestamp += Int32(clamping: duration)
        }
        guard WebPAnimEncoderAdd(encoder, nil, timestamp, nil) != 0 else {
            throw MediaError.make(.libraryFailure, "libwebp could not end the animation: \(Self.message(WebPAnimEncoderGetError(encoder)))")
        }
        var data = WebPData()
        guard WebPAnimEncoderAssemble(encoder, &data) != 0, let bytes = data.bytes else {
            throw MediaError.make(.libraryFailure, "libwebp could not assemble the animation: \(Self.message(WebPAnimEncoderGetError(encoder)))")
        }
        defer { WebPDataClear(&data) }
        return (Array(UnsafeBufferPointer(start: bytes, count: data.size)), MetadataEdit())
    }

    // MARK: Shared

    /// Lossless for a lossless original (exact: colours under transparent pixels kept); otherwise lossy
    /// at the original's estimated quality, alpha lossless.
    static func config(like contents: MediaContents) throws -> WebPConfig {
        var config = WebPConfig()
        guard WebPConfigInit(&config) != 0 else { throw MediaError.make(.libraryFailure, "libwebp's encoder has another ABI") }
        let coding = contents.webpCoding
        if coding?.compression == "lossless" {
            config.lossless = 1
            config.exact = 1
            config.quality = 75  // for lossless, the effort spent on compression, not fidelity
        } else {
            config.quality = Float(coding?.quality ?? defaultQuality)
        }
        config.method = 4
        guard WebPValidateConfig(&config) != 0 else { throw MediaError.make(.libraryFailure, "libwebp refused the encoder settings") }
        return config
    }

    static func picture(_ image: RGBImage, argb: Bool) throws -> WebPPicture {
        var picture = WebPPicture()
        guard WebPPictureInit(&picture) != 0 else { throw MediaError.make(.libraryFailure, "libwebp's picture has another ABI") }
        guard image.width <= Int(WEBP_MAX_DIMENSION), image.height <= Int(WEBP_MAX_DIMENSION) else {
            throw MediaError.make(.limitExceeded, "the image is \(image.width)×\(image.height), over WebP's \(WEBP_MAX_DIMENSION)-pixel side")
        }
        picture.width = Int32(image.width)
        picture.height = Int32(image.height)
        picture.use_argb = argb ? 1 : 0
        let imported = image.pixels.withUnsafeBufferPointer { pixels in
            image.hasAlpha
                ? WebPPictureImportRGBA(&picture, pixels.baseAddress, Int32(image.width * 4))
                : WebPPictureImportRGB(&picture, pixels.baseAddress, Int32(image.width * 3))
        }
        guard imported != 0 else {
            WebPPictureFree(&picture)
            throw MediaError.make(.limitExceeded, "libwebp ran out of memory importing the pixels")
        }
        return picture
    }

    static func checkSize(width: Int, height: Int, frames: Int, maxPixels: Int) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        let (total, overflowTotal) = pixels.multipliedReportingOverflow(by: frames)
        guard width > 0, height > 0, !overflow, !overflowTotal, total <= maxPixels else {
            throw MediaError.make(
                .limitExceeded,
                "the image is \(width)×\(height) pixels\(frames > 1 ? " × \(frames) frames" : ""), over the decoding limit of \(maxPixels) pixels")
        }
    }

    static func failure(_ status: VP8StatusCode, _ what: String) -> MediaError {
        switch status {
        case VP8_STATUS_NOT_ENOUGH_DATA: MediaError.make(.truncated, "libwebp cannot \(what): the file ends early")
        case VP8_STATUS_OUT_OF_MEMORY: MediaError.make(.limitExceeded, "libwebp ran out of memory")
        default: MediaError.make(.malformed, "libwebp cannot \(what) (status \(status.rawValue))")
        }
    }

    static func message(_ text: UnsafePointer<CChar>?) -> String {
        text.map { String(cString: $0) } ?? "unknown error"
    }
}
