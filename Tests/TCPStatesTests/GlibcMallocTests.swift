import CMNL
import Testing
@testable import TCPStates
#if canImport(Glibc)
import Glibc
#endif

/// The watch's allocator setting, observed on real blocks.
@Suite struct GlibcMallocTests {
    /// Without the fixed threshold, freeing the 8 MiB block raises it to
    /// 8 MiB, and the 1 MiB block after comes from a heap, where its space
    /// stays once freed.
    @Test func blocksFromTheThresholdUpStayMappedAfterALargerOneIsFreed() throws {
        #expect(GlibcMalloc.fixMmapThreshold())
        let large = try #require(malloc(8 << 20))
        #expect(CMNL_malloc_block_is_mapped(large) == 1)
        free(large)
        let block = try #require(malloc(1 << 20))
        defer { free(block) }
        #expect(CMNL_malloc_block_is_mapped(block) == 1)
        let small = try #require(malloc(64 << 10))
        defer { free(small) }
        #expect(CMNL_malloc_block_is_mapped(small) == 0, "below the threshold: from a heap")
    }
}
