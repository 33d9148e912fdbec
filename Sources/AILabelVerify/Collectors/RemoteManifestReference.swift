import AILabelMedia
import Foundation

/// A remote C2PA manifest reference (C2PA 2.x §11.4): an asset whose manifest store is not embedded
/// names it in XMP as `dcterms:provenance` (the Link header form, `Link: <URL>; rel="c2pa-manifest"`,
/// belongs to HTTP responses and so to no file on disk).
enum RemoteManifestReference {
    static let dublinCoreTerms = "http://purl.org/dc/terms/"
    /// Longer than any address a producer writes; an attacker's megabyte is not echoed into reports.
    static let maxLength = 2048

    /// The referenced address, when the XMP names an absolute http(s) one.
    static func find(in xmp: XMPPacket?) -> String? {
        guard let value = xmp?.value(namespace: dublinCoreTerms, name: "provenance")?.textValue else { return nil }
        let address = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard address.count <= maxLength, !address.contains(where: { $0.isNewline || $0 == " " }),
            let url = URL(string: address), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil
        else { return nil }
        return address
    }
}

/// The limits of `verify --fetch-remote`: a manifest store is kilobytes to a few megabytes (thumbnails),
/// so 16 MB is ample; 15 s covers a slow server without letting one stall a batch for long.
public enum RemoteManifestLimits {
    public static let maxBytes = 16 << 20
    public static let timeout: TimeInterval = 15
}
