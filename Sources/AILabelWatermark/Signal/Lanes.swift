/// Element-wise loops over float arrays, eight lanes at a time.
///
/// The detector's plane loops are simple arithmetic that the compiler leaves scalar (it cannot prove
/// the pointers do not overlap). These helpers run them on `SIMD8<Float>`: each lane computes exactly
/// what the scalar expression would (IEEE arithmetic is lane-wise), so results do not change, only
/// the time. The last partial group is computed in a zero-padded vector and only its real lanes stored.
enum Lanes {
    typealias Vector = SIMD8<Float>
    static let width = Vector.scalarCount

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: Vector.self)
    }

    @inline(__always)
    static func loadPartial(_ pointer: UnsafePointer<Float>, _ count: Int) -> Vector {
        var vector = Vector(repeating: 0)
        for lane in 0..<count { vector[lane] = pointer[lane] }
        return vector
    }

    @inline(__always)
    static func storePartial(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>, _ count: Int) {
        for lane in 0..<count { pointer[lane] = vector[lane] }
    }

    /// `target[i] = operation(target[i], source[i])` for `i` in `0..<count`.
    @inline(__always)
    static func update(
        _ target: UnsafeMutablePointer<Float>, with source: UnsafePointer<Float>, count: Int,
        _ operation: (Vector, Vector) -> Vector
    ) {
        var index = 0
        while index + width <= count {
            store(operation(load(target + index), load(source + index)), target + index)
            index += width
        }
        if index < count {
            let rest = count - index
            storePartial(operation(loadPartial(target + index, rest), loadPartial(source + index, rest)), target + index, rest)
        }
    }

    /// `target[i] = operation(i)` for `i` in `0..<count`, where `operation(i)` computes lanes `i…i + 7`
    /// from loads at offset `i` (see ``Loader``), which stay inside `0..<count` plus the caller's margins.
    @inline(__always)
    static func fill(
        _ target: UnsafeMutablePointer<Float>, count: Int, _ operation: (Int, Loader) -> Vector
    ) {
        var index = 0
        while index + width <= count {
            store(operation(index, Loader(lanes: width)), target + index)
            index += width
        }
        if index < count {
            let rest = count - index
            storePartial(operation(index, Loader(lanes: rest)), target + index, rest)
        }
    }

    /// Loads a whole vector, or only the first `lanes` values (zero padded) in a loop's last group, so
    /// nothing past the caller's range is read.
    struct Loader {
        let lanes: Int

        @inline(__always)
        func callAsFunction(_ pointer: UnsafePointer<Float>) -> Vector {
            lanes == Lanes.width ? Lanes.load(pointer) : Lanes.loadPartial(pointer, lanes)
        }
    }

    /// The red, green and blue of `count` interleaved pixels (`channels` bytes each, 3 or 4) as floats,
    /// into three arrays: eight pixels at a time, each group's bytes read in one load. Bytes past the
    /// pixels are never read: a group whose load would reach past `available` bytes is done one by one.
    static func deinterleave(
        _ pixels: UnsafePointer<UInt8>, channels: Int, count: Int, available: Int,
        red: UnsafeMutablePointer<Float>, green: UnsafeMutablePointer<Float>, blue: UnsafeMutablePointer<Float>
    ) {
        // Eight pixels' bytes in one 32-byte load, each channel picked out at constant offsets (the
        // stride is 3 or 4, known where this is inlined), so the compiler emits shuffles, not a loop.
        @inline(__always)
        func groups(stride: Int) -> Int {
            var index = 0
            while index + width <= count && index * stride + 32 <= available {
                let bytes = UnsafeRawPointer(pixels + index * stride).loadUnaligned(as: SIMD32<UInt8>.self)
                @inline(__always)
                func channel(_ first: Int) -> Vector {
                    Vector(SIMD8<Int32>(
                        Int32(bytes[first]), Int32(bytes[first + stride]), Int32(bytes[first + 2 * stride]),
                        Int32(bytes[first + 3 * stride]), Int32(bytes[first + 4 * stride]), Int32(bytes[first + 5 * stride]),
                        Int32(bytes[first + 6 * stride]), Int32(bytes[first + 7 * stride])))
                }
                store(channel(0), red + index)
                store(channel(1), green + index)
                store(channel(2), blue + index)
                index += width
            }
            return index
        }
        var index = channels == 3 ? groups(stride: 3) : channels == 4 ? groups(stride: 4) : 0
        while index < count {
            let p = pixels + index * channels
            red[index] = Float(p[0])
            green[index] = Float(p[1])
            blue[index] = Float(p[2])
            index += 1
        }
    }
}
