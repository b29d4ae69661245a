namespace ApeiKit.Platform;

/// <summary>
/// Sparse, page-granular, byte-addressable physical memory (host or guest). Pages come into existence
/// when written; reading an unwritten page gives zeros. Pages can be poisoned (an uncorrected error
/// latent in them): the firmware role poisons a page when it injects an uncorrected error there, and the host's memory-failure handling checks it.
/// </summary>
public sealed class SparseMemory : Ghes.IPhysicalMemory
{
    /// <summary>Page size (4 KiB).</summary>
    public const int PageSize = 4096;

    private readonly Dictionary<ulong, byte[]> _pages = [];
    private readonly HashSet<ulong> _poisoned = [];

    /// <summary>A name for traces ("host", "guest").</summary>
    public string Name { get; }

    /// <summary>Creates an empty memory.</summary>
    public SparseMemory(string name) => Name = name;

    /// <summary>Page frame number of an address.</summary>
    public static ulong PageOf(ulong address) => address / PageSize;

    /// <summary>The piece of an access of <paramref name="length"/> bytes at <paramref name="address"/> that starts <paramref name="done"/> bytes in: its page, its offset in the page, and its length (up to the page's end).</summary>
    private static int Piece(ulong address, int done, int length, out ulong pfn, out int inPage)
    {
        ulong a = address + (ulong)done;
        pfn = PageOf(a);
        inPage = (int)(a % PageSize);
        return Math.Min(PageSize - inPage, length - done);
    }

    /// <summary>Reads bytes (zeros where nothing was written).</summary>
    public void Read(ulong address, Span<byte> destination)
    {
        for (int done = 0, n; done < destination.Length; done += n)
        {
            n = Piece(address, done, destination.Length, out ulong pfn, out int inPage);
            if (_pages.TryGetValue(pfn, out var page)) page.AsSpan(inPage, n).CopyTo(destination.Slice(done, n));
            else destination.Slice(done, n).Clear();
        }
    }

    /// <summary>Reads bytes into a new array.</summary>
    public byte[] Read(ulong address, int length)
    {
        var bytes = new byte[length];
        Read(address, bytes);
        return bytes;
    }

    /// <summary>Writes bytes.</summary>
    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        for (int done = 0, n; done < source.Length; done += n)
        {
            n = Piece(address, done, source.Length, out ulong pfn, out int inPage);
            if (!_pages.TryGetValue(pfn, out var page)) _pages[pfn] = page = new byte[PageSize];
            source.Slice(done, n).CopyTo(page.AsSpan(inPage, n));
        }
    }

    /// <summary>Reads a little-endian u64.</summary>
    public ulong ReadU64(ulong address)
    {
        Span<byte> b = stackalloc byte[8];
        Read(address, b);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>Reads a little-endian u32.</summary>
    public uint ReadU32(ulong address)
    {
        Span<byte> b = stackalloc byte[4];
        Read(address, b);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    /// <summary>Writes a little-endian u64.</summary>
    public void WriteU64(ulong address, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Write(address, b);
    }

    /// <summary>Marks the page holding <paramref name="address"/> poisoned.</summary>
    public void Poison(ulong address) => _poisoned.Add(PageOf(address));

    /// <summary>Clears poison (the page was replaced).</summary>
    public void Unpoison(ulong address) => _poisoned.Remove(PageOf(address));

    /// <summary>True when the page holding <paramref name="address"/> is poisoned.</summary>
    public bool IsPoisoned(ulong address) => _poisoned.Contains(PageOf(address));

    /// <summary>Poisoned page frame numbers, sorted.</summary>
    public IReadOnlyList<ulong> PoisonedPages => [.. _poisoned.Order()];

    /// <summary>Number of pages that hold data.</summary>
    public int PopulatedPages => _pages.Count;
}
