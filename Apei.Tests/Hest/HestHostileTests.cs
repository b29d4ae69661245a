using System.Buffers.Binary;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>Malformed tables: the walk stops with a clear error, keeps what decoded before, never reads past the bytes.</summary>
public class HestHostileTests
{
    private static byte[] ProLiant => HestTestData.ProLiant();

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(39)]
    public void Fewer_than_40_bytes_is_too_few_for_a_view(int length)
    {
        Assert.False(HestTable.TryRead(ProLiant.AsSpan(0, length), out _));
        var e = Assert.Throws<ApeiContentException>(() => HestTable.Read(ProLiant.AsSpan(0, length)));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_signature_is_a_content_error_naming_the_field()
    {
        var b = HestTestData.Mutate(ProLiant, x => x[0] = (byte)'B');
        var e = Assert.Throws<ApeiContentException>(() => HestTable.Read(b));
        Assert.Equal("Signature", e.Field);
        Assert.Equal("signature", Assert.Single(HestValidator.Validate(b)).Rule);
    }

    [Fact]
    public void Truncated_table_keeps_the_structures_that_fit_and_reports_length()
    {
        var cut = ProLiant.AsSpan(0, 0x60).ToArray(); // root port (0x28..0x58) whole, device AER cut
        var t = HestTable.Read(cut);
        Assert.True(t.IsTruncated);
        Assert.Equal(1, t.CountSources(out var error));
        Assert.NotNull(error);
        var model = HestTableModel.DecodePrefix(cut, out var e2);
        Assert.Single(model.Sources);
        Assert.NotNull(e2);
        Assert.Equal(8, model.TrailingBytes.Length);
        var findings = HestValidator.Validate(cut);
        Assert.Contains(findings, f => f.Rule == "length" && f.Severity == FindingSeverity.Error && f.Offset == 4);
        Assert.Contains(findings, f => f.Rule == "truncated" && f.Offset == 0x58);
    }

    [Fact]
    public void Length_larger_than_the_bytes_is_reported_and_only_present_bytes_are_read()
    {
        var b = HestTestData.Mutate(ProLiant, x => BinaryPrimitives.WriteUInt32LittleEndian(x.AsSpan(4), 0x10000));
        var t = HestTable.Read(b);
        Assert.Equal(b.Length, t.Bytes.Length);
        Assert.Equal(3, t.CountSources(out var error));
        Assert.Null(error);
        Assert.Throws<ApeiContentException>(() => HestTableModel.Decode(b));
        Assert.Contains(HestValidator.Validate(b), f => f.Rule == "length" && f.Message.Contains("65536", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_type_mid_table_stops_the_walk_and_keeps_the_prefix()
    {
        var b = HestTestData.Mutate(ProLiant, x => x[0x58] = 5); // device AER becomes reserved type 5
        var model = HestTableModel.DecodePrefix(b, out var error);
        Assert.Single(model.Sources);
        Assert.Equal(HestSourceType.PcieRootPortAer, model.Sources[0].Type);
        Assert.NotNull(error);
        Assert.Equal(0x58, error!.Offset);
        Assert.Equal("Type", error.Field);
        Assert.Equal(b, model.Encode()); // the undecodable rest is kept
        var e = Assert.Throws<ApeiContentException>(() => HestTableModel.Decode(b));
        Assert.Contains("no length field", e.Message, StringComparison.Ordinal);
        var findings = HestValidator.Validate(b);
        Assert.Contains(findings, f => f.Rule == "unknown-type" && f.Offset == 0x58);
        Assert.Contains(findings, f => f.Rule == "error-source-count");
    }

    [Fact]
    public void Bank_count_past_the_end_is_an_error_and_the_prefix_is_kept()
    {
        var model = HestTestData.AllTypes();
        var bytes = model.Encode();
        // The IA-32 MCE is first; its bank count is at 40 + 32.
        var b = HestTestData.Mutate(bytes, x => x[40 + 32] = 200);
        var t = HestTable.Read(b);
        Assert.Equal(0, t.CountSources(out var error));
        Assert.Equal("NumberOfHardwareBanks", error!.Field);
        Assert.Equal(72, error.Offset);
        Assert.Contains(HestValidator.Validate(b), f => f.Rule == "bank-count" && f.Offset == 72);
        // The last structure (deferred MC, one bank) claiming more banks than remain.
        int deferred = bytes.Length - 48 - 28;
        var b2 = HestTestData.Mutate(bytes, x => x[deferred + 44] = 2);
        var m2 = HestTableModel.DecodePrefix(b2, out var e2);
        Assert.Equal(model.Sources.Count - 1, m2.Sources.Count);
        Assert.NotNull(e2);
    }

    [Fact]
    public void Notification_length_other_than_28_is_a_finding_but_still_decodes()
    {
        var bytes = HestPresets.QemuVirtArm().Build(0x1000).TableBytes;
        var b = HestTestData.Mutate(bytes, x => x[40 + 32 + 1] = 20);
        var model = HestTableModel.Decode(b);
        Assert.Equal(20, ((GhesV2Source)model.Sources[0]).Notification.Length);
        Assert.Equal(b, model.Encode());
        var f = Assert.Single(HestValidator.Validate(b));
        Assert.Equal(("notification-length", 40L + 32 + 1, "length"), (f.Rule, f.Offset, f.Field));
    }

    [Fact]
    public void Wrong_checksum_is_an_error_that_says_the_right_byte()
    {
        var b = HestTestData.Mutate(ProLiant, x => x[9] ^= 0xFF, fixChecksum: false);
        var f = Assert.Single(HestValidator.Validate(b));
        Assert.Equal(("checksum", 9L), (f.Rule, f.Offset));
        Assert.Contains("0x1C", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_checksum_round_trips_as_it_was_and_can_be_fixed()
    {
        var b = HestTestData.Mutate(ProLiant, x => x[9] ^= 0xFF, fixChecksum: false);
        var model = HestTableModel.Decode(b);
        Assert.Equal(b, model.Encode());
        model.ChecksumOverride = null;
        var fixedBytes = model.Encode();
        Assert.True(Checksum.IsValid(fixedBytes));
        Assert.Equal(ProLiant, fixedBytes);
    }

    [Fact]
    public void Random_flips_and_truncations_give_a_value_or_ApeiContentException_only()
    {
        var rng = new Random(1234);
        var seeds = new[] { ProLiant, HestTestData.AllTypes().Encode(), HestPresets.X86Server().Build(0x1000).TableBytes };
        for (int i = 0; i < 3000; i++)
        {
            var b = (byte[])seeds[i % seeds.Length].Clone();
            int flips = rng.Next(1, 4);
            for (int k = 0; k < flips; k++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
            if (rng.Next(4) == 0) b = b.AsSpan(0, rng.Next(b.Length)).ToArray();
            try
            {
                var m = HestTableModel.DecodePrefix(b, out _);
                m.Encode();
                HestDescriber.Describe(b, 0, new TextRenderer(TextWriter.Null));
            }
            catch (ApeiContentException)
            {
            }
            HestValidator.Validate(b); // never throws
        }
    }
}
