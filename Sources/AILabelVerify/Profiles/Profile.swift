import AILabelVocabulary
import Foundation

/// A legal profile: the checks a file with AI evidence must pass, each with its legal reference.
/// Shipped profiles live in Resources/profiles; `--profile FILE` loads a user's own.
public struct Profile: Sendable, Codable, Hashable {
    public var id: String
    public var title: String
    public var checks: [Check]
    /// What catalogue records and web pages must show.
    public var catalog: CatalogRule?
    /// Phrases that count as a visible disclosure, by language (matched ignoring case and surrounding punctuation).
    public var phrases: [String: [String]]?

    public struct Check: Sendable, Codable, Hashable {
        public enum Kind: String, Sendable, Codable {
            /// An intact machine-readable disclosure of one of `accepts`.
            case machineReadable = "machine-readable"
            /// A visible label (when `when` says), with its text in `languages`, matching `textRule`.
            case visibleLabel = "visible-label"
            /// Exactly one valid TC260 AIGC implicit label.
            case aigcExactlyOne = "aigc-exactly-one"
        }

        public var id: String
        public var kind: Kind
        public var accepts: [DisclosureKind]?
        /// `always` or `deepfake`.
        public var when: String?
        public var languages: [String]?
        /// Every group must contribute one of its strings to the visible text.
        public var textRule: [[String]]?
        public var reference: String
        public var requirement: String
    }

    public struct CatalogRule: Sendable, Codable, Hashable {
        public var languages: [String]
        public var reference: String
    }

    /// The shipped profiles' names.
    public static let shipped = ["kz", "eu", "cn"]

    /// A shipped profile by name, or a profile file by path.
    public static func load(_ nameOrPath: String) throws -> Profile {
        let data: Data
        // Names are case-insensitive (`KZ`), unless a file of that spelling exists.
        let lowered = nameOrPath.lowercased()
        let shippedName = shipped.contains(nameOrPath) || (shipped.contains(lowered) && !FileManager.default.fileExists(atPath: nameOrPath))
        if shippedName {
            let nameOrPath = lowered
            guard let url = Bundle.module.url(forResource: nameOrPath, withExtension: "json", subdirectory: "profiles")
                ?? Bundle.module.url(forResource: nameOrPath, withExtension: "json", subdirectory: "Resources/profiles")
            else {
                throw ProfileError(reason: "the shipped profile \(nameOrPath) is missing from the installation")
            }
            data = try Data(contentsOf: url)
        } else {
            guard FileManager.default.fileExists(atPath: nameOrPath) else {
                throw ProfileError(reason: "no profile named \(nameOrPath): use kz, eu, cn or a profile file")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: nameOrPath))
        }
        do {
            return try JSONDecoder().decode(Profile.self, from: data)
        } catch {
            throw ProfileError(reason: "\(nameOrPath) is not a valid profile: \(error)")
        }
    }
}

public struct ProfileError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
