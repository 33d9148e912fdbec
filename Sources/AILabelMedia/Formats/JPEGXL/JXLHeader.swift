internal import CAILabelJXL

/// The codestream header of a JPEG XL image as libjxl reads it: size, bit depth, alpha, animation,
/// colour profile. Only the header is decoded (the first ``maximumHeaderBytes`` of the codestream at
/// most), never pixels.
struct JXLHeader {
    /// Enough for any header with an ICC profile of a few hundred KB.
    static let maximumHeaderBytes = 1 << 20

    var width: Int
    var height: Int
    var bitsPerSample: Int
    var alphaBits: Int
    var usesOriginalProfile: Bool
    var animated: Bool
    var originalIsICC: Bool
    var dataICC: [UInt8]?
    var dataEncoding: JxlColorEncoding?

    /// Reads the header from the start of a codestream (or of the whole container: libjxl reads both).
    init(_ bytes: [UInt8]) throws {
        self = try LibraryStandardError.capturing(library: "libjxl") { try JXLHeader(reading: bytes) }
    }

    private init(reading bytes: [UInt8]) throws {
        guard let decoder = JxlDecoderCreate(nil) else { throw MediaError.make(.libraryFailure, "libjxl could not create a decoder") }
        defer { JxlDecoderDestroy(decoder) }
        guard JxlDecoderSubscribeEvents(decoder, Int32(JXL_DEC_BASIC_INFO.rawValue | JXL_DEC_COLOR_ENCODING.rawValue)) == JXL_DEC_SUCCESS else {
            throw MediaError.make(.libraryFailure, "libjxl refused the header events")
        }
        var info = JxlBasicInfo()
        var found: (width: Int, height: Int)?
        var originalIsICC = false
        var dataICC: [UInt8]?
        var dataEncoding: JxlColorEncoding?
        try bytes.withUnsafeBufferPointer { buffer in
            guard JxlDecoderSetInput(decoder, buffer.baseAddress, buffer.count) == JXL_DEC_SUCCESS else {
                throw MediaError.make(.libraryFailure, "libjxl refused its input")
            }
            JxlDecoderCloseInput(decoder)
            loop: while true {
                let status = JxlDecoderProcessInput(decoder)
                switch status {
                case JXL_DEC_BASIC_INFO:
                    guard JxlDecoderGetBasicInfo(decoder, &info) == JXL_DEC_SUCCESS else { throw Self.unreadable("the basic information") }
                    found = (Int(info.xsize), Int(info.ysize))
                case JXL_DEC_COLOR_ENCODING:
                    var encoding = JxlColorEncoding()
                    originalIsICC = JxlDecoderGetColorAsEncodedProfile(decoder, nil, JXL_COLOR_PROFILE_TARGET_ORIGINAL, &encoding) != JXL_DEC_SUCCESS
                    if JxlDecoderGetColorAsEncodedProfile(decoder, nil, JXL_COLOR_PROFILE_TARGET_DATA, &encoding) == JXL_DEC_SUCCESS {
                        dataEncoding = encoding
                    }
                    var size = 0
                    if JxlDecoderGetICCProfileSize(decoder, nil, JXL_COLOR_PROFILE_TARGET_DATA, &size) == JXL_DEC_SUCCESS,
                        size > 0, size <= Self.maximumHeaderBytes
                    {
                        var icc = [UInt8](repeating: 0, count: size)
                        if JxlDecoderGetColorAsICCProfile(decoder, nil, JXL_COLOR_PROFILE_TARGET_DATA, &icc, size) == JXL_DEC_SUCCESS {
                            dataICC = icc
                        }
                    }
                    break loop
                case JXL_DEC_SUCCESS:
                    break loop
                case JXL_DEC_NEED_MORE_INPUT:
                    throw MediaError.make(.truncated, "the JPEG XL codestream ends inside its header")
                default:
                    throw Self.unreadable("the header")
                }
            }
        }
        guard let found, found.width > 0, found.height > 0 else { throw Self.unreadable("the image size") }
        (width, height) = found
        bitsPerSample = Int(info.bits_per_sample)
        alphaBits = Int(info.alpha_bits)
        usesOriginalProfile = info.uses_original_profile != 0
        animated = info.have_animation != 0
        self.originalIsICC = originalIsICC
        self.dataICC = dataICC
        self.dataEncoding = dataEncoding
    }

    static func unreadable(_ what: String) -> MediaError {
        MediaError.make(.malformed, "libjxl cannot read \(what) of the JPEG XL codestream")
    }
}
