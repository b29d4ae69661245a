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

    /// <summary>Reads bytes (zeros where nothing was written).</summary>
    public void Read(ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong a = address + (ulong)done;
            int inPage = (int)(a % PageSize);
            int n = Math.Min(PageSize - inPage, destination.Length - done);
            if (_pages.TryGetValue(PageOf(a), out var page)) page.AsSpan(inPage, n).CopyTo(destination.Slice(done, n));
            else destination.Slice(done, n).Clear();
            done += n;
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
        int done = 0;
        while (done < source.Length)
        {
            ulong a = address + (ulong)done;
            int inPage = (int)(a % PageSize);
            int n = Math.Min(PageSize - inPage, source.Length - done);
            if (!_pages.TryGetValue(PageOf(a), out var page)) _pages[PageOf(a)] = page = new byte[PageSize];
            source.Slice(done, n).CopyTo(page.AsSpan(inPage, n));
            done += n;
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
