/// A file verify found but did not judge, and why: listed in every report so nobody has to guess which
/// files the counts leave out.
public struct SkippedFile: Sendable, Codable, Hashable {
    public var path: String
    public var reason: String
    /// Always true: lets a reader of JSON Lines tell a skipped file's line from a file report's.
    public var skipped = true

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// Why a file of a kind verify does not read is skipped.
    public static let notMediaReason = "not a media format ailabel reads nor a web page, and no sidecar beside it"
}
