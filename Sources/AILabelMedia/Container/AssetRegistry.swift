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
    /// named `.png` is a JPEG. A file that starts with an ID3v2 tag is judged by the bytes after the
    /// tag when `head` reaches them (a FLAC with a prepended tag), else by the tag (an MP3); callers
    /// holding only the first bytes of a file use ``handler(sniffing:)``.
    public func handler<Bytes: Collection<UInt8>>(for head: Bytes) -> (any AssetHandler)? {
        if let tagSize = ID3v2Tag.tagSize(head), head.count > tagSize {
            let rest = head.dropFirst(tagSize)
            if let handler = handlers.first(where: { $0.declaration.signaturesAfterID3v2.contains { $0.matches(rest) } }) { return handler }
        }
        return handlers.first { $0.declaration.matches(head) }
    }

    /// The handler for a file read by position: its first bytes and, after a leading ID3v2 tag, the
    /// bytes the tag is followed by (without reading the tag).
    public func handler(sniffing source: any ByteSource) throws -> (any AssetHandler)? {
        // At least an ID3v2 header, whatever the registered signatures' lengths (a registry of FLAC alone).
        let head = try source.read(0..<min(source.count, max(sniffLength, ID3v2Tag.headerSize)))
        if let tagSize = ID3v2Tag.tagSize(head), tagSize < source.count {
            let rest = try source.read(tagSize..<min(source.count, tagSize + sniffLength))
            if let handler = handlers.first(where: { $0.declaration.signaturesAfterID3v2.contains { $0.matches(rest) } }) { return handler }
        }
        return handler(for: head)
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
