/// Writes the primitives of GitCanary's binary cache files: LEB128 unsigned integers, and strings and byte runs
/// prefixed with their length.
public struct ArchiveWriter: Sendable {
    /// Everything written so far.
    public var bytes: [UInt8]

    /// A writer that appends to `bytes`.
    public init(bytes: [UInt8] = []) { self.bytes = bytes }

    /// An unsigned integer, 7 bits per byte, low bits first.
    public mutating func unsigned(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A string: its UTF-8 length, then its UTF-8 bytes.
    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            unsigned(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A byte run: its length, then the bytes.
    public mutating func run<C: Collection>(_ b: C) where C.Element == UInt8 {
        unsigned(UInt64(b.count))
        bytes.append(contentsOf: b)
    }
}

/// Reads what ``ArchiveWriter`` wrote, checking every length against the bytes left: damaged input throws
/// ``ManifestArchiveError`` (with the offset), never traps.
public struct ArchiveReader: Sendable {
    /// The bytes read.
    public let bytes: ArraySlice<UInt8>
    /// The next byte's index in `bytes`.
    public var position: Int

    /// A reader from the start of `bytes`.
    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// Whether every byte was read.
    public var atEnd: Bool { position == bytes.endIndex }

    /// An error at the current offset.
    public func error(_ message: String) -> ManifestArchiveError {
        ManifestArchiveError(offset: position - bytes.startIndex, message: message)
    }

    /// One byte.
    public mutating func byte() throws(ManifestArchiveError) -> UInt8 {
        guard position < bytes.endIndex else { throw error("truncated") }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned integer.
    public mutating func unsigned() throws(ManifestArchiveError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw error("an integer is too long") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    /// A count or length; never more than the bytes left (every element takes at least one byte).
    public mutating func count() throws(ManifestArchiveError) -> Int {
        let n = try unsigned()
        guard n <= UInt64(bytes.endIndex - position) else { throw error("a length runs past the end") }
        return Int(n)
    }

    /// A non-negative number that fits an `Int`.
    public mutating func int() throws(ManifestArchiveError) -> Int {
        let n = try unsigned()
        guard n <= UInt64(Int.max) else { throw error("a number is out of range") }
        return Int(n)
    }

    /// A string.
    public mutating func string() throws(ManifestArchiveError) -> String {
        let n = try count()
        defer { position += n }
        return String(decoding: bytes[position..<position + n], as: UTF8.self)
    }

    /// A byte run written by ``ArchiveWriter/run(_:)``.
    public mutating func run() throws(ManifestArchiveError) -> ArraySlice<UInt8> {
        let n = try count()
        defer { position += n }
        return bytes[position..<position + n]
    }

    /// `n` raw bytes.
    public mutating func fixed(_ n: Int) throws(ManifestArchiveError) -> ArraySlice<UInt8> {
        guard bytes.endIndex - position >= n else { throw error("truncated") }
        defer { position += n }
        return bytes[position..<position + n]
    }
}
