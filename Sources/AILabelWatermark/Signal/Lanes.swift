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
        var index = 0
        if channels == 3 {
            while index + width <= count && index * 3 + 32 <= available {
                let bytes = UnsafeRawPointer(pixels + index * 3).loadUnaligned(as: SIMD32<UInt8>.self)
                let r = SIMD8<Int32>(
                    Int32(bytes[0]), Int32(bytes[3]), Int32(bytes[6]), Int32(bytes[9]),
                    Int32(bytes[12]), Int32(bytes[15]), Int32(bytes[18]), Int32(bytes[21]))
                let g = SIMD8<Int32>(
                    Int32(bytes[1]), Int32(bytes[4]), Int32(bytes[7]), Int32(bytes[10]),
                    Int32(bytes[13]), Int32(bytes[16]), Int32(bytes[19]), Int32(bytes[22]))
                let b = SIMD8<Int32>(
                    Int32(bytes[2]), Int32(bytes[5]), Int32(bytes[8]), Int32(bytes[11]),
                    Int32(bytes[14]), Int32(bytes[17]), Int32(bytes[20]), Int32(bytes[23]))
                store(Vector(r), red + index)
                store(Vector(g), green + index)
                store(Vector(b), blue + index)
                index += width
            }
        } else if channels == 4 {
            while index + width <= count && index * 4 + 32 <= available {
                let bytes = UnsafeRawPointer(pixels + index * 4).loadUnaligned(as: SIMD32<UInt8>.self)
                let r = SIMD8<Int32>(
                    Int32(bytes[0]), Int32(bytes[4]), Int32(bytes[8]), Int32(bytes[12]),
                    Int32(bytes[16]), Int32(bytes[20]), Int32(bytes[24]), Int32(bytes[28]))
                let g = SIMD8<Int32>(
                    Int32(bytes[1]), Int32(bytes[5]), Int32(bytes[9]), Int32(bytes[13]),
                    Int32(bytes[17]), Int32(bytes[21]), Int32(bytes[25]), Int32(bytes[29]))
                let b = SIMD8<Int32>(
                    Int32(bytes[2]), Int32(bytes[6]), Int32(bytes[10]), Int32(bytes[14]),
                    Int32(bytes[18]), Int32(bytes[22]), Int32(bytes[26]), Int32(bytes[30]))
                store(Vector(r), red + index)
                store(Vector(g), green + index)
                store(Vector(b), blue + index)
                index += width
            }
        }
        while index < count {
            let p = pixels + index * channels
            red[index] = Float(p[0])
            green[index] = Float(p[1])
            blue[index] = Float(p[2])
            index += 1
        }
    }
}
