import AILabelMedia

/// A QuickTime movie whose `moov/udta` ends the way older Apple software writes it: a `name` box, then
/// optionally a 32-bit zero (QuickTime File Format, "User Data Atoms"). Made from `media/movie.mov`,
/// whose `moov` is the last box, so no chunk offset moves.
public enum QuickTimeUserData {
    public struct FixtureError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `movie.mov` with a `udta` holding a `name` box followed by `terminator` (nil: nothing after it).
    public static func movie(terminator: [UInt8]?) throws -> [UInt8] {
        var bytes = try Repository.fixtureBytes("media/movie.mov")
        let tree = try BMFFTree(bytes)
        guard let moov = tree.topLevel.map({ tree.boxes[$0] }).first(where: { $0.type == "moov" }), moov.range.upperBound == bytes.count else {
            throw FixtureError(description: "media/movie.mov no longer ends with its moov box")
        }
        let name = bigEndian(8 + 12) + Array("name".utf8) + Array("ailabel test".utf8)
        let body = name + (terminator ?? [])
        let userData = bigEndian(8 + body.count) + Array("udta".utf8) + body
        bytes += userData
        bytes.replaceSubrange(moov.range.lowerBound..<moov.range.lowerBound + 4, with: bigEndian(moov.range.count + userData.count))
        return bytes
    }

    static func bigEndian(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
}
