/// Maps magic bytes, file names and format names to handlers. The formats a build reads are the
/// ones registered in `Formats/Registration.swift`; everything else asks the registry.
public struct AssetRegistry: Sendable {
    public let handlers: [any AssetHandler]

    public init(handlers: [any AssetHandler]) { self.handlers = handlers }

    /// Every registered format, as inspect and stamp read them.
    public static let standard = AssetRegistry(handlers: registeredHandlers)
    /// The same formats for readers that want metadata only (checks that matter only for the image
    /// data, such as PNG IDAT CRCs, are skipped; every metadata block is still checked). verify uses it.
    public static let metadataReading = AssetRegistry(handlers: registeredHandlers.map { $0.forMetadataReading() })

    /// How many first bytes sniffing needs.
    public var sniffLength: Int {
        max(8, handlers.flatMap { $0.declaration.signatures.map(\.length) }.max() ?? 0)
    }

    /// The handler for the format the first bytes announce. Magic bytes win over file names: a JPEG
    /// named `.png` is a JPEG.
    public func handler<Bytes: Collection<UInt8>>(for head: Bytes) -> (any AssetHandler)? {
        handlers.first { $0.declaration.matches(head) }
    }

    public func handler(for format: MediaFormat) -> (any AssetHandler)? {
        handlers.first { $0.format == format }
    }

    /// The format the first bytes announce, or nil.
    public func sniff<Bytes: Collection<UInt8>>(_ head: Bytes) -> MediaFormat? { handler(for: head)?.format }

    /// The handler whose format a file name's extension claims, or nil.
    public func handler(claimedByPath path: String) -> (any AssetHandler)? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let suffix = path[path.index(after: dot)...].lowercased()
        return handlers.first { $0.declaration.extensions.contains(suffix) }
    }

    /// The format a file name's extension claims, or nil.
    public func format(claimedByPath path: String) -> MediaFormat? { handler(claimedByPath: path)?.format }

    /// The formats by their display names, for messages: "JPEG or PNG", "JPEG, PNG or WebP".
    public var formatNames: String {
        let names = handlers.map(\.declaration.displayName)
        guard names.count > 1 else { return names.first ?? "no" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
