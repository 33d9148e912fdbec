// The types an embedder meets in the engine's signatures and results, exported one by one: a program
// imports `AILabelEngine` alone, and sees these and nothing else of the modules below (their helpers
// for the command line, the tests and the fuzzers stay out of its namespace).
@_exported import struct AILabelKit.Configuration
@_exported import struct AILabelKit.InspectionReport
@_exported import struct AILabelKit.LabelRequest
@_exported import protocol AILabelKit.PixelMarker
@_exported import protocol AILabelKit.ProvenanceSigner
@_exported import struct AILabelKit.StampResult
@_exported import struct AILabelManifest.TrustConfiguration
@_exported import protocol AILabelMedia.ByteSink
@_exported import struct AILabelMedia.ArrayByteSink
@_exported import struct AILabelVerify.C2PASummary
@_exported import struct AILabelVerify.Disclosure
@_exported import struct AILabelVerify.Evidence
@_exported import struct AILabelVerify.FileReport
@_exported import struct AILabelVerify.Finding
@_exported import struct AILabelVerify.Profile
@_exported import enum AILabelVerify.ReportRenderer
@_exported import enum AILabelVerify.ScanMode
@_exported import enum AILabelVerify.SidecarSource
@_exported import struct AILabelVerify.Verifier
@_exported import enum AILabelVerify.Verdict
@_exported import protocol AILabelVerify.EvidenceCollector
@_exported import struct AILabelVerify.FindingCode
@_exported import struct AILabelVocabulary.DisclosureKind
@_exported import struct AILabelVocabulary.EvidenceSource
