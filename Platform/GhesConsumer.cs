namespace ApeiKit.Platform;

/// <summary>A record an OS read from an error status block.</summary>
/// <param name="TimeUs">When it was read.</param>
/// <param name="Source">The source it came from.</param>
/// <param name="Via">The notification (or poll) that led to it.</param>
/// <param name="BlockAddress">Where the block was.</param>
/// <param name="Bytes">The block as read (header, data entries; up to the end of its data).</param>
/// <param name="Block">What the bytes decode to.</param>
/// <param name="ErrorId">The injected error it carries (platform bookkeeping, not something the OS knows).</param>
public sealed record ReadRecord(ulong TimeUs, GhesSourceInfo Source, NotificationType Via, ulong BlockAddress, byte[] Bytes, DecodedBlock Block, string? ErrorId);

/// <summary>
/// The consumer side of error status blocks, shared by the host kernel and the guest OS: follow the
/// source's error-block address register to the block, stop at an empty block (block status 0), read and
/// validate it the way Linux's GHES driver does, and afterwards clear it and acknowledge (GHESv2).
/// </summary>
internal static class GhesConsumer
{
    /// <summary>Reads a source's block; null when it is empty.</summary>
    public static (ulong BlockAddress, byte[] Bytes, DecodedBlock Block)? Read(SparseMemory memory, GhesSourceInfo source)
    {
        ulong blockAddress = memory.ReadU64(source.ErrorBlockAddressRegister);
        if (blockAddress == 0) return null;
        if (memory.ReadU32(blockAddress) == 0) return null; // Block Status 0: nothing recorded
        // Read no more than the source declares; the decoder checks every length against it. The HESTs read here are the
        // platform's own (host sources 4 KiB, guest sources at most Scenario.MaxBlockLength, checked by ScenarioLimits), so
        // the bound never cuts a block; were one longer, its Data Length past the bytes read is the validator's error.
        System.Diagnostics.Debug.Assert(source.BlockLength <= Scenario.MaxBlockLength, "a platform HEST source's block length is within Scenario.MaxBlockLength");
        byte[] whole = memory.Read(blockAddress, (int)Math.Min(source.BlockLength, Scenario.MaxBlockLength));
        var block = Wire.ReadStatusBlock(whole, source.BlockLength);
        byte[] used = whole.AsSpan(0, (int)Math.Min((ulong)whole.Length, block.UsedLength)).ToArray();
        return (blockAddress, used, block);
    }

    /// <summary>Marks the block consumed (Block Status 0) and acknowledges it through the read-ack register.</summary>
    public static void Release(SparseMemory memory, GhesSourceInfo source, ulong blockAddress)
    {
        memory.Write(blockAddress, stackalloc byte[4]);
        if (source.ReadAck is { } ack) Wire.Acknowledge(memory, ack);
    }
}
