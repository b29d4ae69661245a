using System.Buffers;
using System.Buffers.Binary;
using ApeiKit.Cper;
using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// One validation truth (issue #12 item 5): <c>GhesBlockValidator.TryCountEntries</c> (what <see cref="ErrorStatusBlockView"/>
/// runs, allocating nothing) and <see cref="GhesBlockValidator.Validate"/> are one walk; here they are held together
/// on every GHES/BERT block in fixtures/ (the BERT regions, the hostile error status block, and every CPER capture in
/// GHES framing) and on seeded mutations of each (truncations, lengths ±1, entry counts, severities, revisions, Block
/// Status zero): whatever one accepts the other does, with the same entry count, and the view agrees with both.
/// </summary>
public class GhesValidationAgreementTests
{
    /// <summary>The blocks: every BERT region's blocks, raw blocks, and each CPER fixture converted to GHES framing.</summary>
    public static TheoryData<string> Sources() => new(SourceFiles());

    private static IEnumerable<string> SourceFiles() => Fixtures.Files("", "*").Where(IsBertOrBlock).Concat(Fixtures.CperRecords());

    // A file holding a BERT (table then region) or starting with a non-empty error status block whose length fits.
    private static bool IsBertOrBlock(string relative)
    {
        if (relative.StartsWith("cper/", StringComparison.Ordinal) || relative.StartsWith("libcper-walk/", StringComparison.Ordinal)) return false;
        var b = Fixtures.Bytes(relative);
        if (b.Length > 48 && b.AsSpan().StartsWith("BERT"u8)) return true;
        return relative.Contains("gesb", StringComparison.Ordinal) && b.Length >= 20;
    }

    private static List<byte[]> BlocksOf(string relative)
    {
        var blocks = new List<byte[]>();
        if (relative.StartsWith("cper/", StringComparison.Ordinal))
        {
            try
            {
                var record = CperRecord.Decode(Fixtures.Binary(relative), out _);
                blocks.Add(CperConversion.ToErrorStatusBlock(record).Encode());
                blocks.Add(CperConversion.ToErrorStatusBlock(record, entryRevision: 0x0201).Encode()); // 64-byte entry headers
            }
            catch (ApeiContentException)
            {
                // A record that does not decode strictly, or that the conversion refuses (a severity past 3): no GHES framing.
            }
            return blocks;
        }
        var bytes = Fixtures.Bytes(relative);
        if (!bytes.AsSpan().StartsWith("BERT"u8))
        {
            blocks.Add(bytes);
            return blocks;
        }
        var region = bytes.AsSpan(48);
        int pos = 0;
        while (region.Length - pos >= GenericErrorStatus.BlockHeaderSize && ErrorStatusBlockHeaderView.Of(region[pos..]).BlockStatus != 0)
        {
            int extent = BootErrorRegion.BlockExtent(region, pos, out _);
            blocks.Add(region.Slice(pos, extent).ToArray());
            pos += extent;
        }
        return blocks;
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Validate_and_the_counting_walk_agree_on_the_block_and_its_mutations(string relative)
    {
        var blocks = BlocksOf(relative);
        if (!relative.StartsWith("cper/", StringComparison.Ordinal)) Assert.NotEmpty(blocks);
        var random = new Random(relative.Length * 7919 + blocks.Count);
        foreach (var block in blocks)
        {
            AssertAgree(block, relative, "as found");
            foreach (var (name, mutant) in Mutations(block, random)) AssertAgree(mutant, relative, name);
        }
    }

    [Fact]
    public void The_sweep_covers_the_bert_regions_the_hostile_block_and_the_cper_captures()
    {
        var rows = SourceFiles().ToList();
        Assert.Contains("bert/dummy.bert", rows);
        Assert.Contains("hostile/cli-decode-stats-gesb-entry-severity-55555.bin", rows);
        var bert = Assert.Single(BlocksOf("bert/dummy.bert")); // one block of two entries
        Assert.Equal(2, GhesBlockValidator.Validate(bert).EntryCount);
        Assert.Contains(rows, r => r.StartsWith("cper/whea/", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_block_is_valid_with_no_entries_to_both_whatever_its_lengths_say()
    {
        // Block Status 0 and a Data Length past the bytes: Validate says empty (valid, nothing read); the counting walk
        // used to walk the lengths anyway and refuse the block.
        var bytes = GhesTestBlocks.With(GhesTestBlocks.With(GhesTestBlocks.TwoEntryBytes(), 0, 0), GenericErrorStatus.DataLengthOffset, 0xFFFF_FFF0);
        AssertAgree(bytes, "constructed", "empty, Data Length past the bytes");
        Assert.True(GhesBlockValidator.TryCountEntries(bytes, out int n));
        Assert.Equal(0, n);
    }

    private static void AssertAgree(byte[] block, string source, string mutation)
    {
        string what = $"{source}: {mutation} ({Convert.ToHexString(block.AsSpan(0, Math.Min(block.Length, 24)))}...)";
        var r = GhesBlockValidator.Validate(block);
        bool counted = GhesBlockValidator.TryCountEntries(block, out int count);
        Assert.True(counted == r.IsValid, $"{what}: the counting walk says {(counted ? "valid" : "invalid")}, Validate says {(r.IsValid ? "valid" : "invalid: " + r.FirstError)}");
        Assert.True(counted ? count == r.EntryCount : count == 0, $"{what}: entry counts {count} and {r.EntryCount}");
        // The view reads what the block's own lengths cover (and needs more bytes when they run past the end).
        var status = ErrorStatusBlockView.TryRead(block, out var view, out int consumed, out var error);
        if (block.Length < GenericErrorStatus.BlockHeaderSize) Assert.Equal(OperationStatus.NeedMoreData, status);
        else if (status == OperationStatus.Done)
        {
            var own = GhesBlockValidator.Validate(block.AsSpan(0, consumed));
            Assert.True(own.IsValid, $"{what}: the view accepted what Validate refuses: {own.FirstError}");
            Assert.Equal(own.EntryCount, view.EntryCount);
            if (consumed == block.Length) Assert.Equal(r.EntryCount, view.EntryCount);
        }
        else if (status == OperationStatus.InvalidData)
        {
            Assert.False(r.IsValid, $"{what}: the view refused ({error!.Message}) what Validate accepts");
        }
        else Assert.True(GenericErrorStatus.BlockLength(block) > (ulong)block.Length, $"{what}: the view asked for more bytes than the block declares");
    }

    // Seeded mutations: every truncation point of the header and entry headers plus random ones; each length field ±1;
    // the entry count and the severities; each entry's revision swapped (the header size changes by 8); Block Status 0.
    private static IEnumerable<(string, byte[])> Mutations(byte[] block, Random random)
    {
        int[] cuts = [0, 19, 20, 21, 63, 64, 84, 91, 92, block.Length - 1, .. Enumerable.Range(0, 8).Select(_ => random.Next(block.Length + 1))];
        foreach (int cut in cuts.Where(c => c >= 0 && c <= block.Length).Distinct())
            yield return ($"cut at {cut}", block[..cut]);
        if (block.Length < GenericErrorStatus.BlockHeaderSize) yield break;
        foreach (int field in (int[])[GenericErrorStatus.RawDataOffsetOffset, GenericErrorStatus.RawDataLengthOffset, GenericErrorStatus.DataLengthOffset])
            foreach (int delta in (int[])[-1, 1, -64, 8, -(int)Read(block, field)])
                yield return ($"u32 at {field} {delta:+0;-0}", With(block, field, Read(block, field) + (uint)delta));
        uint status = Read(block, 0);
        foreach (uint count in (uint[])[0, 1, 2, 1023, (uint)random.Next(1024)])
            yield return ($"entry count {count}", With(block, 0, (status & ~(GenericErrorStatus.EntryCountMask << GenericErrorStatus.EntryCountShift)) | (count << GenericErrorStatus.EntryCountShift)));
        yield return ("block status 0", With(block, 0, 0));
        yield return ("reserved status bits", With(block, 0, status | 0x8000_0000));
        foreach (uint severity in (uint[])[0, 3, 4, 55555])
            yield return ($"block severity {severity}", With(block, GenericErrorStatus.BlockSeverityOffset, severity));
        // Each entry inside Data Length: its severity, Error Data Length ±1 and its revision.
        int pos = GenericErrorStatus.BlockHeaderSize, index = 0;
        ulong end = Math.Min((ulong)block.Length, GenericErrorStatus.BlockHeaderSize + (ulong)Read(block, GenericErrorStatus.DataLengthOffset));
        while ((ulong)pos + GenericErrorStatus.EntryHeaderSize <= end && index < 16)
        {
            int at = pos;
            yield return ($"entry #{index} severity 4", With(block, at + GenericErrorStatus.EntrySeverityOffset, 4));
            uint length = Read(block, at + GenericErrorStatus.ErrorDataLengthOffset);
            foreach (int delta in (int[])[-1, 1, 8, -8, random.Next(-100, 100)])
                yield return ($"entry #{index} length {delta:+0;-0}", With(block, at + GenericErrorStatus.ErrorDataLengthOffset, length + (uint)delta));
            ushort revision = BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(at + GenericErrorStatus.RevisionOffset));
            var swapped = (byte[])block.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(swapped.AsSpan(at + GenericErrorStatus.RevisionOffset), revision >= GenericErrorStatus.TimestampRevision ? (ushort)0x0201 : GenericErrorStatus.TimestampRevision);
            yield return ($"entry #{index} revision swapped", swapped);
            int header = revision >= GenericErrorStatus.TimestampRevision ? GenericErrorStatus.EntryHeaderSizeWithTimestamp : GenericErrorStatus.EntryHeaderSize;
            pos += header + (int)Math.Min(length, (uint)block.Length);
            index++;
        }
    }

    private static uint Read(byte[] b, int offset) => b.Length >= offset + 4 ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(offset)) : 0;

    private static byte[] With(byte[] bytes, int offset, uint value)
        => bytes.Length >= offset + 4 ? GhesTestBlocks.With(bytes, offset, value) : bytes;
}
