/// An error from the media layer: a file that cannot be parsed, decoded or written.
///
/// Built like `ASN1Error`: a stable ``Code`` that callers compare and switch on, a human ``reason``
/// written where the error is raised, and the call site for diagnostics. Equality looks at the code
/// only, so tests can write `#expect(throws: MediaError.truncated)`-style expectations.
public struct MediaError: Error, Sendable {
    /// The stable machine-readable kind of failure.
    public let code: Code
    /// What went wrong, in words a user can act on.
    public let reason: String
    /// The file the error refers to, once it is known (the parsers work on bytes and do not know it).
    public var path: String?
    let fileID: String
    let line: UInt

    init(code: Code, reason: String, path: String? = nil, fileID: String, line: UInt) {
        self.code = code
        self.reason = reason
        self.path = path
        self.fileID = fileID
        self.line = line
    }

    /// The same error, naming the file it came from.
    public func naming(_ path: String) -> MediaError {
        var copy = self
        copy.path = path
        return copy
    }

    /// A stable error code. New codes may be added; switch with a default.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file is empty.
        public static let empty = Code("media.empty")
        /// The file ends in the middle of a structure.
        public static let truncated = Code("media.truncated")
        /// The bytes are not of any format ailabel reads.
        public static let unsupportedFormat = Code("media.unsupported-format")
        /// The file's signature or a structure in it is wrong.
        public static let malformed = Code("media.malformed")
        /// A PNG chunk's CRC does not match its contents.
        public static let badChecksum = Code("media.bad-checksum")
        /// The file exceeds one of ailabel's documented limits.
        public static let limitExceeded = Code("media.limit-exceeded")
        /// libpng, libjpeg, libexif, zlib, FreeType or libxml2 reported an error.
        public static let libraryFailure = Code("media.library-failure")
        /// Reading or writing the file failed at the operating-system level.
        public static let io = Code("media.io")
        /// The XMP packet is not well-formed or not safe to parse.
        public static let xmp = Code("media.xmp")
        /// The EXIF block could not be parsed.
        public static let exif = Code("media.exif")
        /// An argument to a media-layer function was out of range.
        public static let invalidArgument = Code("media.invalid-argument")
    }

    @inline(never)
    public static func make(
        _ code: Code, _ reason: String, fileID: String = #fileID, line: UInt = #line
    ) -> MediaError {
        MediaError(code: code, reason: reason, fileID: fileID, line: line)
    }

    /// Matches any error with this code, for `#expect(throws:)`.
    public static var truncated: MediaError { make(.truncated, "") }
    public static var malformed: MediaError { make(.malformed, "") }
    public static var badChecksum: MediaError { make(.badChecksum, "") }
    public static var limitExceeded: MediaError { make(.limitExceeded, "") }
    public static var unsupportedFormat: MediaError { make(.unsupportedFormat, "") }
    public static var empty: MediaError { make(.empty, "") }
}

extension MediaError: Equatable {
    public static func == (lhs: MediaError, rhs: MediaError) -> Bool { lhs.code == rhs.code }
}

extension MediaError: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension MediaError: CustomStringConvertible {
    public var description: String {
        if let path { return "\(path): \(reason)" }
        return reason
    }
}

extension MediaError: CustomDebugStringConvertible {
    public var debugDescription: String { "MediaError(\(code), \"\(description)\", at \(fileID):\(line))" }
}
