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
        // After HEIF and AVIF, whose brands are ftyp brands too; QuickTime and M4A by their major brand
        // before MP4, which takes any other ftyp.
        MP4Handler.mov,
        MP4Handler.m4a,
        MP4Handler.mp4,
    ]
}
