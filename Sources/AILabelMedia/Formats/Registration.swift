extension AssetRegistry {
    /// The formats ailabel reads and writes, one line each, in sniffing order. Adding a format is a
    /// folder beside this file and one line here (Docs/adding-a-format.md).
    static let registeredHandlers: [any AssetHandler] = [
        JPEGHandler(),
        PNGHandler(),
        WebPHandler(),
        // AVIF before HEIF: an AVIF may have the generic HEIF brand mif1 first and avif after it.
        HEIFHandler.avif,
        HEIFHandler.heif,
        JXLHandler(),
        GIFHandler(),
        // TIFF before DNG: they share magic bytes, and parsing a TIFF tells a DNG (``TIFFHandler/refined(by:)``).
        TIFFHandler(.tiff),
        TIFFHandler(.dng),
        WAVHandler(),
        FLACHandler(),
        MP3Handler(),
    ]
}
