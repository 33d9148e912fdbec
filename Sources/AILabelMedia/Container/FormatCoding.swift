/// How a file's image data is coded (JPEG quality and subsampling, PNG bit depth and colour type):
/// what a re-encode must match, and what `inspect` shows. Each format declares its own.
public protocol FormatCoding: Sendable, Encodable {
    /// The key `inspect --json` writes it under (`jpeg`, `png`).
    var reportKey: String { get }
    /// One line for `inspect`'s text output, after `coding: `.
    var summary: String { get }
}
