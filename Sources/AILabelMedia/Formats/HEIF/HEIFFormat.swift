extension MediaFormat {
    /// HEIF and HEIC (HEVC-coded HEIF), ISO/IEC 23008-12.
    public static let heif = MediaFormat(rawValue: "heif")
    /// AVIF: AV1-coded HEIF.
    public static let avif = MediaFormat(rawValue: "avif")
}

extension HEIFHandler {
    /// AVIF is sniffed first: its major brand, or `avif`/`avis` among the first compatible brands of a
    /// file whose major brand is the generic `mif1`/`msf1`.
    static let avifDeclaration = FormatDeclaration(
        format: .avif, displayName: "AVIF",
        signatures: ["avif", "avis"].flatMap { brand in
            [MagicSignature(ascii: "????ftyp\(brand)")] + (0..<4).map { slot in
                MagicSignature(ascii: "????ftyp" + String(repeating: "?", count: 8 + 4 * slot) + brand)
            }
        },
        extensions: ["avif", "avifs"],
        mimeTypes: ["image/avif"],
        carries: [.xmp, .c2paStore, .exif, .icc, .pixels],
        c2paBindings: [.bmffHash])

    static let heifDeclaration = FormatDeclaration(
        format: .heif, displayName: "HEIF",
        signatures: ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "mif2", "miaf"].map {
            MagicSignature(ascii: "????ftyp\($0)")
        },
        extensions: ["heic", "heif", "hif", "heics", "heifs"],
        mimeTypes: ["image/heif", "image/heic", "image/heif-sequence", "image/heic-sequence"],
        carries: [.xmp, .c2paStore, .exif, .icc, .pixels],
        c2paBindings: [.bmffHash])
}

/// How a HEIF or AVIF file's image is coded, from its `ftyp` and item properties.
public struct HEIFCoding: FormatCoding, Hashable, Codable {
    public var majorBrand: String
    public var compatibleBrands: [String]
    /// The primary item's type: `hvc1` (HEVC), `av01` (AV1), `grid` (tiles), `jpeg`…
    public var primaryItemType: String
    /// Bits per channel of the primary image (`pixi`), when declared.
    public var bitDepth: Int?
    /// Whether the primary image has an alpha plane (an `auxl` item).
    public var alpha: Bool
    /// Whether the file also holds an image sequence (`moov`).
    public var sequence: Bool
    public var itemCount: Int

    public var reportKey: String { "heif" }

    public var summary: String {
        let codec = switch primaryItemType {
        case "hvc1": "HEVC"
        case "av01": "AV1"
        case "grid": "tiled grid"
        default: primaryItemType
        }
        return "\(codec)\(bitDepth.map { ", \($0)-bit" } ?? "")\(alpha ? ", alpha" : "")\(sequence ? ", image sequence" : ""), brand \(majorBrand), \(itemCount) items"
    }
}

extension MediaContents {
    /// The HEIF/AVIF coding, when the file is one.
    public var heifCoding: HEIFCoding? { coding as? HEIFCoding }
}
