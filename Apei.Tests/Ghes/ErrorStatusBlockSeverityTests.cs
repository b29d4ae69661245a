using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// The lenient block decoder reports an entry's Error Severity outside 0-3 (ACPI 6.5 Table 18.12 takes the CPER section
/// severities, UEFI 2.10 N.2.2), as the CPER conversion and <c>stats</c> refuse it, and still decodes the entry.
/// </summary>
public class ErrorStatusBlockSeverityTests
{
    private static byte[] Block(uint entrySeverity)
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 2 };
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = GhesTestBlocks.Memory(0x1000) });
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = entrySeverity, Body = GhesTestBlocks.Memory(0x2000) });
        return block.Encode();
    }

    [Fact]
    public void An_entry_severity_past_3_is_reported_with_its_offset_and_the_entry_still_decodes()
    {
        var bytes = Block(55555);
        var errors = new List<ApeiContentException>();
        var block = ErrorStatusBlock.Decode(bytes, out int consumed, errors, baseOffset: 0x1000);

        Assert.Equal(bytes.Length, consumed);
        var error = Assert.Single(errors);
        Assert.Equal("Generic Error Data Entry #1", error.Structure);
        Assert.Equal("ErrorSeverity", error.Field);
        // Block header 20 bytes (Table 18.11), the first entry 72 + its body, then Error Severity at entry byte 16 (Table 18.12).
        int secondEntry = 20 + 72 + block.Entries[0].Body.GetEncodedLength();
        Assert.Equal(0x1000 + secondEntry + 16, error.Offset);
        Assert.Equal(55555u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(secondEntry + 16)));
        Assert.Equal("0-3", error.Expected);
        Assert.Equal("55555", error.Found);

        Assert.Equal(2, block.Entries.Count);
        Assert.Equal(55555u, block.Entries[1].ErrorSeverity);
        Assert.Equal(bytes, block.Encode()); // nothing lost
    }

    [Fact]
    public void The_strict_decoder_refuses_that_entry_and_severities_0_to_3_pass()
    {
        Assert.Equal("ErrorSeverity", Assert.Throws<ApeiContentException>(() => ErrorStatusBlock.Decode(Block(4), out _)).Field);
        for (uint s = 0; s <= 3; s++)
        {
            var errors = new List<ApeiContentException>();
            ErrorStatusBlock.Decode(Block(s), out _, errors);
            Assert.Empty(errors);
        }
    }

    [Fact]
    public void The_fuzz_found_block_reports_its_entry_severity()
    {
        // fixtures/hostile/cli-decode-stats-gesb-entry-severity-55555.bin: the block whose entry says 55555 (README there).
        var bytes = Fixtures.Bytes("hostile/cli-decode-stats-gesb-entry-severity-55555.bin");
        var errors = new List<ApeiContentException>();
        var block = ErrorStatusBlock.Decode(bytes, out _, errors);
        var error = Assert.Single(errors, e => e.Field == "ErrorSeverity");
        Assert.Equal("55555", error.Found);
        Assert.Contains(block.Entries, e => e.ErrorSeverity == 55555);
    }
}
