import AILabelVerify

/// The pixel detectors verify runs under its --scan mode.
enum PixelCollectors {
    static func all(watermarkKey: [UInt8]?) -> [any EvidenceCollector] {
        var collectors: [any EvidenceCollector] = [VisibleLabelCollector(), WatermarkCollector()]
        // A keyed mark is read with the publisher's key in addition to the public one.
        if let watermarkKey { collectors.append(WatermarkCollector(key: watermarkKey)) }
        return collectors
    }
}
