@testable import AILabelMedia
import AILabelTestSupport
import Foundation
import Glibc
import Testing

/// libjxl prints its failures to standard error, and so does dav1d (inside libheif) when its input checks
/// fail: they must reach the error message, not the terminal.
@Suite("A library's standard error")
struct LibraryStandardErrorTests {
    @Test("A garbled JPEG XL header: libjxl's reason is in the error, and nothing reaches descriptor 2")
    func jxlFailureIsInTheMessage() throws {
        let bytes = try Repository.fixtureBytes("malformed/jxl-bad-header.jxl")
        let (printed, error) = try Self.descriptorTwo {
            do {
                _ = try JXLHandler().parse(bytes)
                return nil as MediaError?
            } catch let error as MediaError {
                return error
            }
        }
        let caught = try #require(error)
        #expect(caught.code == .malformed)
        #expect(caught.reason.contains("(libjxl: F16 infinity or NaN are not supported)"), "\(caught.reason)")
        #expect(!printed.contains("JXL_FAILURE") && !printed.contains("lib/jxl"), "\(printed)")
    }

    @Test("AV1 data dav1d's input check refuses (a fuzz finding): dav1d's line is in the error, and nothing reaches descriptor 2")
    func dav1dInputCheckIsInTheMessage() throws {
        let bytes = try Repository.fixtureBytes("fuzz/pixels/dav1d-input-check-printed.avif")
        let (printed, error) = try Self.descriptorTwo {
            do {
                _ = try PixelCodec.decode(bytes, maxPixels: 4_000_000)
                return nil as MediaError?
            } catch let error as MediaError {
                return error
            }
        }
        let caught = try #require(error)
        #expect(caught.code == .libraryFailure, "\(caught.code)")
        #expect(caught.reason.contains("(libheif: Input validation check 'in->data == NULL || in->sz' failed in dav1d_send_data!)"), "\(caught.reason)")
        #expect(!printed.contains("Input validation") && !printed.contains("dav1d"), "\(printed)")
    }

    @Test("Text printed with fprintf(stderr) outside a capture, and by other threads during one, still reaches descriptor 2")
    func otherOutputIsForwarded() throws {
        let marker = "forwarded-\(UInt64.random(in: 0...UInt64.max))"
        let kept = "kept-\(UInt64.random(in: 0...UInt64.max))"
        let threadMarker = "thread-\(UInt64.random(in: 0...UInt64.max))"
        let (printed, reason) = try Self.descriptorTwo { () -> String? in
            fputs("\(marker)\n", Self.cStandardError())
            do {
                return try LibraryStandardError.capturing(library: "test") { () -> String? in
                    fputs("./lib/x.cc:1: JXL_FAILURE: \(kept)\u{1B}[31m\n", Self.cStandardError())
                    // Another thread's text is not this call's: it is forwarded, not kept.
                    let done = DispatchSemaphore(value: 0)
                    Thread {
                        fputs("\(threadMarker)\n", Self.cStandardError())
                        done.signal()
                    }.start()
                    done.wait()
                    throw MediaError.make(.malformed, "refused")
                }
            } catch let error as MediaError {
                return error.reason
            }
        }
        #expect(printed.contains(marker), "\(printed)")
        #expect(printed.contains(threadMarker), "\(printed)")
        #expect(!printed.contains(kept), "\(printed)")
        #expect(reason == "refused (test: \(kept)[31m)")
    }

    @Test("The message put in an error: the first line, without its source location, printable, bounded")
    func firstMessage() {
        #expect(LibraryStandardError.firstMessage("./lib/jxl/decode.cc:2143: missing input\n./lib/jxl/decode.cc:9: other\n") == "missing input")
        #expect(LibraryStandardError.firstMessage("\n  \nplain words: with a colon\n") == "plain words: with a colon")
        #expect(LibraryStandardError.firstMessage("\u{07}\u{1B}\n") == nil)
        #expect(LibraryStandardError.firstMessage("") == nil)
        let long = LibraryStandardError.firstMessage(String(repeating: "a", count: 1000))
        #expect(long?.count == LibraryStandardError.maximumMessageLength + 1)
    }

    /// The C library's `stderr` stream as it is now (the variable libjxl prints through, which the C module
    /// replaces), read through the dynamic linker: Swift 6 does not let a test touch the global directly.
    static func cStandardError() -> UnsafeMutablePointer<FILE> {
        dlsym(nil, "stderr")!.load(as: UnsafeMutablePointer<FILE>.self)
    }

    /// Runs `body` with descriptor 2 sent to a pipe; returns what reached it. Other tests running at the
    /// same time may add their own lines; the assertions look for markers of their own.
    static func descriptorTwo<T>(_ body: () throws -> T) throws -> (String, T) {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let saved = dup(2)
        fflush(Self.cStandardError())
        dup2(ends[1], 2)
        let result: T
        do {
            defer {
                fflush(Self.cStandardError())
                dup2(saved, 2)
                close(saved)
                close(ends[1])
            }
            result = try body()
        } catch {
            close(ends[0])
            throw error
        }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(ends[0], &chunk, chunk.count)
            if count <= 0 { break }
            text += chunk[0..<count]
        }
        close(ends[0])
        return (String(decoding: text, as: UTF8.self), result)
    }
}
