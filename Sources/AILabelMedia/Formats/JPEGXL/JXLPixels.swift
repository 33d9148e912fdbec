internal import CAILabelJXL

/// Pixels through libjxl: decode to 8-bit RGB(A), and encode marked pixels back in the original's
/// coding: lossless stays lossless (modular, original colour space), a lossy file is re-encoded with
/// VarDCT at distance 1.0 (libjxl's default, visually lossless: JPEG XL does not record the distance a
/// file was made with), at the original's bit depth, with alpha, declaring the colour profile libjxl
/// decoded the pixels in (the original ICC profile for lossless files and for encoded colour spaces).
///
/// A losslessly recompressed JPEG (`jbrd` box) cannot stay one once its pixels change: it is re-encoded
/// as a lossy JPEG XL at distance 1.0 and loses its JPEG reconstruction data. An animation is refused
/// here (the marks are then a warning for the file): ailabel marks still JPEG XL images only.
///
/// libjxl reports errors by status codes, never by longjmp or abort, so it is called from Swift directly.
extension JXLHandler {
    public func decodePixels(_ bytes: [UInt8], maxPixels: Int, lenient: Bool) throws -> RGBImage {
        guard let decoder = JxlDecoderCreate(nil) else { throw MediaError.make(.libraryFailure, "libjxl could not create a decoder") }
        defer { JxlDecoderDestroy(decoder) }
        guard JxlDecoderSubscribeEvents(decoder, Int32(JXL_DEC_BASIC_INFO.rawValue | JXL_DEC_FULL_IMAGE.rawValue)) == JXL_DEC_SUCCESS else {
            throw MediaError.make(.libraryFailure, "libjxl refused the decoding events")
        }
        var info = JxlBasicInfo()
        var format = JxlPixelFormat(num_channels: 3, data_type: JXL_TYPE_UINT8, endianness: JXL_NATIVE_ENDIAN, align: 0)
        var pixels: [UInt8] = []
        return try bytes.withUnsafeBufferPointer { buffer in
            guard JxlDecoderSetInput(decoder, buffer.baseAddress, buffer.count) == JXL_DEC_SUCCESS else {
                throw MediaError.make(.libraryFailure, "libjxl refused its input")
            }
            JxlDecoderCloseInput(decoder)
            while true {
                switch JxlDecoderProcessInput(decoder) {
                case JXL_DEC_BASIC_INFO:
                    guard JxlDecoderGetBasicInfo(decoder, &info) == JXL_DEC_SUCCESS else { throw JXLHeader.unreadable("its basic information") }
                    let (count, overflow) = Int(info.xsize).multipliedReportingOverflow(by: Int(info.ysize))
                    guard !overflow, count <= maxPixels else {
                        throw MediaError.make(.limitExceeded, "the image is \(info.xsize)×\(info.ysize) pixels, over the decoding limit of \(maxPixels) pixels")
                    }
                    guard info.have_animation == 0 else {
                        throw MediaError.make(.unsupportedFormat, "ailabel marks still JPEG XL images only; this one is animated")
                    }
                    format.num_channels = info.alpha_bits > 0 ? 4 : 3
                case JXL_DEC_NEED_IMAGE_OUT_BUFFER:
                    var size = 0
                    guard JxlDecoderImageOutBufferSize(decoder, &format, &size) == JXL_DEC_SUCCESS,
                        size == Int(info.xsize) * Int(info.ysize) * Int(format.num_channels)
                    else { throw MediaError.make(.libraryFailure, "libjxl asked for an output buffer of an unexpected size") }
                    pixels = [UInt8](repeating: 0, count: size)
                    let status = pixels.withUnsafeMutableBytes { JxlDecoderSetImageOutBuffer(decoder, &format, $0.baseAddress, size) }
                    guard status == JXL_DEC_SUCCESS else { throw MediaError.make(.libraryFailure, "libjxl refused the output buffer") }
                case JXL_DEC_FULL_IMAGE, JXL_DEC_SUCCESS:
                    guard !pixels.isEmpty else { throw JXLHeader.unreadable("pixels") }
                    return RGBImage(width: Int(info.xsize), height: Int(info.ysize), channels: Int(format.num_channels), pixels: pixels)
                case JXL_DEC_NEED_MORE_INPUT:
                    throw MediaError.make(.truncated, "the JPEG XL codestream ends before its image does")
                default:
                    throw MediaError.make(.libraryFailure, "libjxl cannot decode the JPEG XL image")
                }
            }
        }
    }

    public func encodePixels(_ image: RGBImage, like contents: MediaContents) throws -> (bytes: [UInt8], carried: MetadataEdit) {
        let coding = contents.jxlCoding
        guard coding?.animated != true else {
            throw MediaError.make(.unsupportedFormat, "ailabel marks still JPEG XL images only; this one is animated")
        }
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
        var format = JxlPixelFormat(num_channels: UInt32(image.channels), data_type: JXL_TYPE_UINT8, endianness: JXL_NATIVE_ENDIAN, align: 0)
        let added = image.pixels.withUnsafeBytes { JxlEncoderAddImageFrame(settings, &format, $0.baseAddress, $0.count) }
        try check(added, "the pixels")
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
        return (Array(output[0..<written]), MetadataEdit())
    }

    private func check(_ status: JxlEncoderStatus, _ what: String) throws {
        guard status == JXL_ENC_SUCCESS else { throw MediaError.make(.libraryFailure, "libjxl refused \(what)") }
    }
}
