internal import CAILabelJXL

/// Pixels through libjxl: decode to 8-bit RGB(A), and encode marked pixels back in the original's
/// coding: lossless stays lossless (modular, original colour space), a lossy file is re-encoded with
/// VarDCT at distance 1.0 (libjxl's default, visually lossless: JPEG XL does not record the distance a
/// file was made with), at the original's bit depth, with alpha, declaring the colour profile libjxl
/// decoded the pixels in (the original ICC profile for lossless files and for encoded colour spaces).
///
/// A losslessly recompressed JPEG (`jbrd` box) cannot stay one once its pixels change: it is re-encoded
/// as a lossy JPEG XL at distance 1.0 and loses its JPEG reconstruction data. An animation is decoded
/// frame by frame as a viewer shows it (libjxl coalesces layers into displayed frames) and re-encoded
/// with the original's ticks per second, loop count and each frame's duration.
///
/// libjxl reports errors by status codes, never by longjmp or abort, so it is called from Swift directly;
/// it also prints them to standard error, which ``LibraryStandardError`` keeps off the terminal.
extension JXLHandler {
    /// The image, or an animation's first displayed frame.
    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        try Self.decode(bytes, maxPixels: maxPixels, frameLimit: 1)[0]
    }

    /// Every displayed frame, each the whole canvas; `maxPixels` bounds all frames together.
    public func decodeFrames(_ bytes: [UInt8], maxPixels: Int) throws -> [RGBImage] {
        try Self.decode(bytes, maxPixels: maxPixels, frameLimit: .max)
    }

    static func decode(_ bytes: [UInt8], maxPixels: Int, frameLimit: Int) throws -> [RGBImage] {
        var info = JxlBasicInfo()
        var format = JxlPixelFormat(num_channels: 3, data_type: JXL_TYPE_UINT8, endianness: JXL_NATIVE_ENDIAN, align: 0)
        // The frame being decoded lives in memory of ours that libjxl writes into until FULL_IMAGE.
        var buffer: UnsafeMutableBufferPointer<UInt8>?
        defer { buffer?.deallocate() }
        var frames: [RGBImage] = []
        var pixelsSoFar = 0
        return try withDecoder(bytes, events: [JXL_DEC_BASIC_INFO, JXL_DEC_FULL_IMAGE]) { decoder in
            while true {
                switch JxlDecoderProcessInput(decoder) {
                case JXL_DEC_BASIC_INFO:
                    guard JxlDecoderGetBasicInfo(decoder, &info) == JXL_DEC_SUCCESS else { throw JXLHeader.unreadable("the basic information") }
                    let (count, overflow) = Int(info.xsize).multipliedReportingOverflow(by: Int(info.ysize))
                    guard !overflow, count <= maxPixels else {
                        throw MediaError.make(.limitExceeded, "the image is \(info.xsize)×\(info.ysize) pixels, over the decoding limit of \(maxPixels) pixels")
                    }
                    format.num_channels = info.alpha_bits > 0 ? 4 : 3
                case JXL_DEC_NEED_IMAGE_OUT_BUFFER:
                    let canvas = Int(info.xsize) * Int(info.ysize)
                    // An animation of many frames is bounded as a whole, before each frame is allocated.
                    guard pixelsSoFar + canvas <= maxPixels else {
                        throw MediaError.make(.limitExceeded, "the animation's frames together pass the decoding limit of \(maxPixels) pixels (at frame \(frames.count + 1))")
                    }
                    var size = 0
                    guard JxlDecoderImageOutBufferSize(decoder, &format, &size) == JXL_DEC_SUCCESS, size == canvas * Int(format.num_channels) else {
                        throw MediaError.make(.libraryFailure, "libjxl asked for an output buffer of an unexpected size")
                    }
                    if buffer?.count != size {
                        buffer?.deallocate()
                        buffer = .allocate(capacity: size)
                    }
                    guard JxlDecoderSetImageOutBuffer(decoder, &format, buffer!.baseAddress, size) == JXL_DEC_SUCCESS else {
                        throw MediaError.make(.libraryFailure, "libjxl refused the output buffer")
                    }
                case JXL_DEC_FULL_IMAGE:
                    guard let buffer else { throw JXLHeader.unreadable("the pixels") }
                    frames.append(RGBImage(width: Int(info.xsize), height: Int(info.ysize), channels: Int(format.num_channels), pixels: Array(buffer)))
                    pixelsSoFar += Int(info.xsize) * Int(info.ysize)
                    if frames.count >= frameLimit { return frames }
                case JXL_DEC_SUCCESS:
                    guard !frames.isEmpty else { throw JXLHeader.unreadable("the pixels") }
                    return frames
                case JXL_DEC_NEED_MORE_INPUT:
                    throw MediaError.make(.truncated, "the JPEG XL codestream ends before its image does")
                default:
                    throw MediaError.make(.libraryFailure, "libjxl cannot decode the JPEG XL image")
                }
            }
        }
    }

    /// Runs `body` with a decoder subscribed to `events` over all of `bytes` (input closed: the file is whole).
    static func withDecoder<T>(_ bytes: [UInt8], events: [JxlDecoderStatus], _ body: (OpaquePointer) throws -> T) throws -> T {
        try LibraryStandardError.capturing(library: "libjxl") { try withCapturedDecoder(bytes, events: events, body) }
    }

    private static func withCapturedDecoder<T>(_ bytes: [UInt8], events: [JxlDecoderStatus], _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let decoder = JxlDecoderCreate(nil) else { throw MediaError.make(.libraryFailure, "libjxl could not create a decoder") }
        defer { JxlDecoderDestroy(decoder) }
        guard JxlDecoderSubscribeEvents(decoder, Int32(events.reduce(0) { $0 | $1.rawValue })) == JXL_DEC_SUCCESS else {
            throw MediaError.make(.libraryFailure, "libjxl refused the decoding events")
        }
        return try bytes.withUnsafeBufferPointer { input in
            guard JxlDecoderSetInput(decoder, input.baseAddress, input.count) == JXL_DEC_SUCCESS else {
                throw MediaError.make(.libraryFailure, "libjxl refused its input")
            }
            JxlDecoderCloseInput(decoder)
            return try body(decoder)
        }
    }

    /// An animation's timing: ticks per second, loops, and each displayed frame's duration in ticks.
    struct AnimationTiming {
        var ticksPerSecond: (numerator: UInt32, denominator: UInt32)
        var loops: UInt32
        var durations: [UInt32]
    }

    /// Reads the frame headers only (libjxl skips the pixels of frames nobody asked for).
    static func animationTiming(_ bytes: [UInt8]) throws -> AnimationTiming? {
        var timing = AnimationTiming(ticksPerSecond: (0, 0), loops: 0, durations: [])
        return try withDecoder(bytes, events: [JXL_DEC_BASIC_INFO, JXL_DEC_FRAME]) { decoder in
            while true {
                switch JxlDecoderProcessInput(decoder) {
                case JXL_DEC_BASIC_INFO:
                    var info = JxlBasicInfo()
                    guard JxlDecoderGetBasicInfo(decoder, &info) == JXL_DEC_SUCCESS else { throw JXLHeader.unreadable("the basic information") }
                    guard info.have_animation != 0 else { return nil }
                    timing.ticksPerSecond = (info.animation.tps_numerator, info.animation.tps_denominator)
                    timing.loops = info.animation.num_loops
                case JXL_DEC_FRAME:
                    var header = JxlFrameHeader()
                    guard JxlDecoderGetFrameHeader(decoder, &header) == JXL_DEC_SUCCESS else { throw JXLHeader.unreadable("a frame header") }
                    timing.durations.append(header.duration)
                case JXL_DEC_SUCCESS:
                    return timing
                case JXL_DEC_NEED_MORE_INPUT:
                    throw MediaError.make(.truncated, "the JPEG XL codestream ends before its image does")
                default:
                    throw MediaError.make(.libraryFailure, "libjxl cannot read the JPEG XL frame headers")
                }
            }
        }
    }

    /// Frames encoded against the original: an animation keeps its timing, a still image is one frame.
    public func encodeFrames(_ frames: [RGBImage], like contents: MediaContents, in original: any ByteSource) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard contents.jxlCoding?.animated == true else { return try encodeFrames(frames, like: contents) }
        guard let timing = try Self.animationTiming(try original.readAll()), timing.durations.count == frames.count else {
            throw MediaError.make(.invalidArgument, "\(frames.count) frames to encode do not match the original animation's frames")
        }
        return (try Self.encode(frames, coding: contents.jxlCoding, timing: timing), MetadataEdit())
    }

    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        guard contents.jxlCoding?.animated != true else {
            throw MediaError.make(.unsupportedFormat, "an animated JPEG XL is encoded frame by frame against the original")
        }
        return (try Self.encode([image], coding: contents.jxlCoding, timing: nil), MetadataEdit())
    }

    static func encode(_ frames: [RGBImage], coding: JXLCoding?, timing: AnimationTiming?) throws -> [UInt8] {
        try LibraryStandardError.capturing(library: "libjxl") { try encodeCaptured(frames, coding: coding, timing: timing) }
    }

    private static func encodeCaptured(_ frames: [RGBImage], coding: JXLCoding?, timing: AnimationTiming?) throws -> [UInt8] {
        guard let image = frames.first else { throw MediaError.make(.invalidArgument, "no frame to encode") }
        let lossless = (coding?.lossless ?? false) && !(coding?.recompressedJPEG ?? false)
        guard let encoder = JxlEncoderCreate(nil) else { throw MediaError.make(.libraryFailure, "libjxl could not create an encoder") }
        defer { JxlEncoderDestroy(encoder) }
        var info = JxlBasicInfo()
        JxlEncoderInitBasicInfo(&info)
        info.xsize = UInt32(image.width)
        info.ysize = UInt32(image.height)
        // 8-bit pixels declared at the original's integer depth (floats and deeper become 16-bit).
        let depth = coding?.bitsPerSample ?? 8
        info.bits_per_sample = UInt32(depth > 16 ? 16 : max(depth, 8))
        info.num_color_channels = 3
        if image.hasAlpha {
            info.alpha_bits = UInt32(min(max(coding?.alphaBits ?? 8, 8), 16))
            info.num_extra_channels = 1
        }
        info.uses_original_profile = lossless ? 1 : 0
        if let timing {
            info.have_animation = 1
            info.animation.tps_numerator = timing.ticksPerSecond.numerator
            info.animation.tps_denominator = timing.ticksPerSecond.denominator
            info.animation.num_loops = timing.loops
        }
        try check(JxlEncoderSetBasicInfo(encoder, &info), "the image's basic information")
        if var encoding = coding?.dataEncoding {
            try check(JxlEncoderSetColorEncoding(encoder, &encoding), "the colour encoding")
        } else if let icc = coding?.dataICC {
            try check(JxlEncoderSetICCProfile(encoder, icc, icc.count), "the ICC profile")
        } else {
            var encoding = JxlColorEncoding()
            JxlColorEncodingSetToSRGB(&encoding, 0)
            try check(JxlEncoderSetColorEncoding(encoder, &encoding), "the sRGB colour encoding")
        }
        guard let settings = JxlEncoderFrameSettingsCreate(encoder, nil) else {
            throw MediaError.make(.libraryFailure, "libjxl could not create frame settings")
        }
        if lossless {
            try check(JxlEncoderSetFrameLossless(settings, 1), "lossless coding")
            // Effort 3 of 9: lossless stays lossless; the higher efforts only shrink the file, slowly.
            try check(JxlEncoderFrameSettingsSetOption(settings, JXL_ENC_FRAME_SETTING_EFFORT, 3), "the effort")
        } else {
            try check(JxlEncoderSetFrameDistance(settings, 1.0), "the distance")
        }
        for (index, frame) in frames.enumerated() {
            guard frame.width == image.width, frame.height == image.height, frame.channels == image.channels else {
                throw MediaError.make(.invalidArgument, "frame \(index + 1) is not the size of the first")
            }
            if let timing {
                var header = JxlFrameHeader()
                JxlEncoderInitFrameHeader(&header)
                header.duration = timing.durations[index]
                try check(JxlEncoderSetFrameHeader(settings, &header), "frame \(index + 1)'s header")
            }
            var format = JxlPixelFormat(num_channels: UInt32(frame.channels), data_type: JXL_TYPE_UINT8, endianness: JXL_NATIVE_ENDIAN, align: 0)
            let added = frame.pixels.withUnsafeBytes { JxlEncoderAddImageFrame(settings, &format, $0.baseAddress, $0.count) }
            try check(added, "the pixels of frame \(index + 1)")
        }
        JxlEncoderCloseInput(encoder)
        var output = [UInt8](repeating: 0, count: max(4096, image.pixels.count / 4))
        var written = 0
        while true {
            let (status, used) = output.withUnsafeMutableBufferPointer { buffer -> (JxlEncoderStatus, Int) in
                var next: UnsafeMutablePointer<UInt8>? = buffer.baseAddress! + written
                var available = buffer.count - written
                let status = JxlEncoderProcessOutput(encoder, &next, &available)
                return (status, buffer.count - written - available)
            }
            written += used
            if status == JXL_ENC_SUCCESS { break }
            guard status == JXL_ENC_NEED_MORE_OUTPUT else { throw MediaError.make(.libraryFailure, "libjxl could not encode the image") }
            output += [UInt8](repeating: 0, count: output.count)
        }
        return Array(output[0..<written])
    }

    private static func check(_ status: JxlEncoderStatus, _ what: String) throws {
        guard status == JXL_ENC_SUCCESS else { throw MediaError.make(.libraryFailure, "libjxl refused \(what)") }
    }
}
