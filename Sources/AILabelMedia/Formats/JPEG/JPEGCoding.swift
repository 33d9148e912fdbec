/// The JPEG coding parameters a re-encode should match.
public struct JPEGCoding: FormatCoding, Hashable, Codable {
    public var progressive: Bool
    public var components: Int
    /// Luma sampling factors (2,2 = 4:2:0; 2,1 = 4:2:2; 1,1 = 4:4:4).
    public var lumaSampling: (horizontal: Int, vertical: Int) {
        get { (samplingH, samplingV) }
        set { samplingH = newValue.horizontal; samplingV = newValue.vertical }
    }
    var samplingH: Int
    var samplingV: Int
    /// Quality 1…100 estimated from the quantisation tables (IJG scaling), nil without tables.
    public var estimatedQuality: Int?

    public init(progressive: Bool, components: Int, samplingH: Int, samplingV: Int, estimatedQuality: Int?) {
        self.progressive = progressive
        self.components = components
        self.samplingH = samplingH
        self.samplingV = samplingV
        self.estimatedQuality = estimatedQuality
    }

    public static func == (lhs: JPEGCoding, rhs: JPEGCoding) -> Bool {
        lhs.progressive == rhs.progressive && lhs.components == rhs.components && lhs.samplingH == rhs.samplingH
            && lhs.samplingV == rhs.samplingV && lhs.estimatedQuality == rhs.estimatedQuality
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(progressive)
        hasher.combine(components)
        hasher.combine(samplingH)
        hasher.combine(samplingV)
        hasher.combine(estimatedQuality)
    }

    public var reportKey: String { "jpeg" }

    public var summary: String {
        let sampling = ChromaSubsampling(lumaHorizontal: samplingH, vertical: samplingV)
        return "\(progressive ? "progressive" : "baseline"), \(components) component(s), \(sampling.rawValue)"
            + (estimatedQuality.map { ", quality ≈\($0)" } ?? "")
    }
}

extension MediaContents {
    /// The JPEG coding parameters, when the file is a JPEG.
    public var jpegCoding: JPEGCoding? {
        get { coding as? JPEGCoding }
        set { coding = newValue }
    }
}
