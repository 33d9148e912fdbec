import AILabelVerify

/// The pixel detectors verify runs under its --scan mode.
enum PixelCollectors {
    static let all: [any EvidenceCollector] = []
}
