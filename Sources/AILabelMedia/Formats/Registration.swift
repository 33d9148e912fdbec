extension AssetRegistry {
    /// The formats ailabel reads and writes, one line each, in sniffing order. Adding a format is a
    /// folder beside this file and one line here (Docs/adding-a-format.md).
    static let registeredHandlers: [any AssetHandler] = [
        JPEGHandler(),
        PNGHandler(),
        WebPHandler(),
        WAVHandler(),
        FLACHandler(),
        MP3Handler(),
    ]
}
