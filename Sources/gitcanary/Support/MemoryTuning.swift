#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for a short batch run.
enum MemoryTuning {
    /// At most two glibc malloc arenas. A run decodes and plans on every core; glibc's default (up to eight arenas
    /// per core) lets each thread keep its own freed memory, which raises peak RSS with nothing gained on small
    /// allocations (each thread still has its own cache of those). `mallopt` is looked up at run time: Swift's
    /// Glibc module does not export `<malloc.h>`; on other C libraries nothing changes.
    static func apply() {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let mArenaMax: Int32 = -8  // M_ARENA_MAX in <malloc.h>
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: MallOpt.self)(mArenaMax, 2)
        #endif
    }
}
