/// The TIFF tags and field types the TIFF walker reads or writes (TIFF 6.0, BigTIFF, DNG 1.7, XMP
/// Specification Part 3, C2PA 2.x). Every other tag is carried across as it is.
enum TIFFTag {
    static let newSubfileType: UInt16 = 254
    static let imageWidth: UInt16 = 256
    static let imageLength: UInt16 = 257
    static let bitsPerSample: UInt16 = 258
    static let compression: UInt16 = 259
    static let photometric: UInt16 = 262
    static let imageDescription: UInt16 = 270
    static let make: UInt16 = 271
    static let model: UInt16 = 272
    static let stripOffsets: UInt16 = 273
    static let samplesPerPixel: UInt16 = 277
    static let stripByteCounts: UInt16 = 279
    static let xResolution: UInt16 = 282
    static let yResolution: UInt16 = 283
    static let planarConfiguration: UInt16 = 284
    static let resolutionUnit: UInt16 = 296
    static let software: UInt16 = 305
    static let dateTime: UInt16 = 306
    static let artist: UInt16 = 315
    static let predictor: UInt16 = 317
    static let tileOffsets: UInt16 = 324
    static let tileByteCounts: UInt16 = 325
    static let subIFDs: UInt16 = 330
    static let extraSamples: UInt16 = 338
    static let sampleFormat: UInt16 = 339
    /// XMP packet (type BYTE; c2pa-rs reads only BYTE, some writers use UNDEFINED).
    static let xmp: UInt16 = 700
    static let copyright: UInt16 = 33432
    static let exifIFD: UInt16 = 34665
    static let iccProfile: UInt16 = 34675
    static let userComment: UInt16 = 0x9286
    static let dngVersion: UInt16 = 50706
    /// The C2PA manifest store (type UNDEFINED), where c2pa-rs `tiff_io.rs` puts and looks for it.
    static let c2pa: UInt16 = 0xCD41

    /// IFD0's descriptive ASCII tags: what ailabel reads and writes as a TIFF's "EXIF" (the tags an
    /// EXIF block would carry in IFD0 of a JPEG).
    static let descriptive: [UInt16] = [imageDescription, make, model, software, dateTime, artist, copyright]
}

/// TIFF field types and their sizes in bytes (TIFF 6.0 §2, BigTIFF's LONG8/SLONG8/IFD8).
enum TIFFFieldType {
    static let byte: UInt16 = 1
    static let ascii: UInt16 = 2
    static let short: UInt16 = 3
    static let long: UInt16 = 4
    static let undefined: UInt16 = 7
    static let ifd: UInt16 = 13
    static let long8: UInt16 = 16
    static let ifd8: UInt16 = 18

    /// Bytes per value of a type, nil for a type TIFF does not define (its value's size is unknown).
    static func size(of type: UInt16) -> Int? {
        switch type {
        case 1, 2, 6, 7: 1
        case 3, 8: 2
        case 4, 9, 11, 13: 4
        case 5, 10, 12, 16, 17, 18: 8
        default: nil
        }
    }
}
