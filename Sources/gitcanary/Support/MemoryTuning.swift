#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for a short batch run.
enum MemoryTuning {
    /// glibc malloc: at most two arenas, and a fixed mmap threshold of 256 KiB.
    ///
    /// A run decodes and plans on every core. With glibc's default of up to eight arenas per core, each thread keeps
    /// its own freed memory; and the default mmap threshold rises after the first large buffer is freed (up to
    /// 32 MiB), so later LIST bodies come from the heap and fragment it. Measured at 1,000 canaries: peak RSS of the
    /// no-op run 135 MB with two arenas, 126 MB with the fixed threshold too (glibc defaults: ~145 MB), at the same
    /// speed; a single arena saved as much but cost 18 % of the no-op's wall time in allocator contention.
    /// `mallopt` is looked up at run time (Swift's Glibc module does not export `<malloc.h>`); on other C
    /// libraries nothing changes.
    static func apply() {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(-8, 2)  // M_ARENA_MAX
        _ = mallopt(-3, 256 * 1024)  // M_MMAP_THRESHOLD
        #endif
    }
}
