internal import CAILabelShims

/// Calls into a library that prints its failures to standard error instead of returning them (Debian's
/// libjxl prints every `JXL_FAILURE`): what it prints on this thread during the call is kept off the
/// terminal, and a ``MediaError`` the call throws gets the library's first message (the cause; later
/// ones report its consequences) appended, cleaned for a report. Text printed by a call that succeeds
/// is dropped.
enum LibraryStandardError {
    /// The longest library message put in an error.
    static let maximumMessageLength = 160

    static func capturing<T>(library: String, _ body: () throws -> T) throws -> T {
        // A capture already running on this thread (one libjxl call inside another's closure) keeps the text.
        guard CAILabel_stderr_capture_begin() == 0 else { return try body() }
        do {
            let result = try body()
            _ = finish()
            return result
        } catch let error as MediaError {
            guard let message = firstMessage(finish()) else { throw error }
            throw MediaError(
                code: error.code, reason: "\(error.reason) (\(library): \(message))", path: error.path, fileID: error.fileID,
                line: error.line)
        } catch {
            _ = finish()
            throw error
        }
    }

    private static func finish() -> String {
        var text = [CChar](repeating: 0, count: Int(CAILabel_STDERR_CAPTURE_LIMIT) + 1)
        _ = CAILabel_stderr_capture_end(&text, text.count)
        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first line printed, without the source location and tag libjxl puts first
    /// ("./lib/jxl/image_metadata.cc:52: JXL_FAILURE: ") and with anything but printable ASCII removed;
    /// nil when nothing usable was printed.
    static func firstMessage(_ text: String) -> String? {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        guard var line = lines.first(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init) else { return nil }
        if let colon = line.firstRange(of: ": "), line[..<colon.lowerBound].contains(where: { $0 == ":" }),
            !line[..<colon.lowerBound].contains(" ")
        {
            line = String(line[colon.upperBound...])
        }
        if line.hasPrefix("JXL_FAILURE: ") { line = String(line.dropFirst("JXL_FAILURE: ".count)) }
        let kept = String(String.UnicodeScalarView(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }))
        let printable = String(kept.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        guard !printable.isEmpty else { return nil }
        return printable.count > maximumMessageLength ? String(printable.prefix(maximumMessageLength)) + "…" : printable
    }
}
