using System.Buffers;
using System.Buffers.Binary;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Platform;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Hest;

/// <summary>
/// One HEST length limit (<see cref="HestTable.MaxLength"/>, 1 MiB) from every entry point: the view and everything
/// built on it (model, describer, GHES source reader), the validator, the virtual platform's host and guest, and the
/// CLI. A Length above it is the same content error (HEST header, field Length, offset 4, expected "at most 1048576
/// (the HEST length limit)", found the Length) wherever the table is read, reported as a truncated table's is: thrown
/// by the strict readers, reported with the bytes present by the describer and the validator. A Length of exactly the
/// limit is a table whose bytes are not all present, as before.
/// </summary>
public class HestLengthLimitTests() : TempDirectoryTests("apeikit-hest-limit-")
{
    private sealed class Quiet : SilentVisitor;

    private const string Expected = "at most 1048576 (the HEST length limit)";
    private const uint Over = HestTable.MaxLength + 1;

    private static byte[] WithLength(uint length) => HestTestData.Mutate(HestTestData.ProLiant(), x => BinaryPrimitives.WriteUInt32LittleEndian(x.AsSpan(AcpiTableHeader.LengthOffset), length));

    private static void AssertOverLimit(ApeiContentException e, long offset = AcpiTableHeader.LengthOffset)
        => ContentError.AssertSays(e, "HEST header", "Length", offset, Expected, "1048577");

    [Fact]
    public void The_limit_is_one_mebibyte()
        => Assert.Equal(1 << 20, HestTable.MaxLength);

    [Fact]
    public void The_view_never_covers_more_than_the_limit_and_names_the_error()
    {
        var b = WithLength(Over);
        Assert.Equal(OperationStatus.Done, HestTable.TryRead(b, out var t, out var error));
        Assert.Null(error);
        Assert.True(t.IsTruncated);
        Assert.Equal(b.Length, t.Bytes.Length);
        AssertOverLimit(t.LengthLimitError!);
        // A table whose bytes run past the limit is cut at it.
        var big = new byte[HestTable.MaxLength + 100];
        b.CopyTo(big, 0);
        Assert.Equal(HestTable.MaxLength, HestTable.Read(big).Bytes.Length);
        Assert.Null(HestTable.Read(WithLength(HestTable.MaxLength)).LengthLimitError);
    }

    [Fact]
    public void A_length_of_exactly_the_limit_is_read_as_a_truncated_table()
    {
        var b = WithLength(HestTable.MaxLength);
        var t = HestTable.Read(b);
        Assert.True(t.IsTruncated);
        Assert.Equal(3, t.CountSources(out var error));
        Assert.Null(error);
        Assert.Contains(HestValidator.Validate(b), f => f.Rule == "length" && f.Message.Contains("only", StringComparison.Ordinal));
    }

    [Fact]
    public void The_model_the_describer_and_the_ghes_source_reader_say_the_same()
    {
        var b = WithLength(Over);
        AssertOverLimit(Assert.Throws<ApeiContentException>(() => HestTableModel.Decode(b)));
        var prefix = HestTableModel.DecodePrefix(b, out var error);
        AssertOverLimit(error!);
        Assert.Equal(3, prefix.Sources.Count); // what is present is still decoded
        AssertOverLimit(Assert.Throws<ApeiContentException>(() => ErrorStatusRegionFromHest.ReadSources(b)));
        var errors = new ReportedErrors();
        Assert.Equal(1, HestDescriber.Describe(b, 0x100, errors));
        AssertOverLimit(Assert.Single(errors.Seen), 0x100 + AcpiTableHeader.LengthOffset);
    }

    [Fact]
    public void The_validator_reports_it_as_a_length_error_and_checks_what_is_there()
    {
        var b = WithLength(Over);
        var f = Assert.Single(HestValidator.Validate(b));
        Assert.Equal(("length", FindingSeverity.Error, 4L, "length"), (f.Rule, f.Severity, f.Offset, f.Field));
        Assert.Equal($"Length 1048577: expected {Expected}; checking the first {b.Length} bytes", f.Message);
        var dup = HestTestData.Mutate(b, x => x[0x58 + 2] = x[0x28 + 2]); // the device AER takes the root port's source ID
        Assert.Contains(HestValidator.Validate(dup), x => x.Rule == "duplicate-source-id");
    }

    [Theory]
    [InlineData(0xF000_0000UL)] // where the host firmware publishes the host HEST
    [InlineData(0x0900_0000UL)] // the guest's default HEST address
    public void The_platform_host_and_guest_read_their_hest_through_the_limit(ulong address)
    {
        var memory = new SparseMemory("test");
        memory.Write(address, HestTestData.ProLiant());
        Assert.Empty(Wire.ReadSources(memory, address)); // AER sources only: read, none of them GHES
        memory.Write(address + AcpiTableHeader.LengthOffset, BitConverter.GetBytes(Over));
        AssertOverLimit(Assert.Throws<ApeiContentException>(() => Wire.ReadSources(memory, address)));
        // A Length near 4 GiB is refused the same way, without mapping it (it used to be read whole by the host).
        memory.Write(address + AcpiTableHeader.LengthOffset, BitConverter.GetBytes(0xFFFF_FFF0u));
        Assert.Equal("4294967280", Assert.Throws<ApeiContentException>(() => Wire.ReadSources(memory, address)).Found);
    }

    [Fact]
    public void The_cli_says_it_without_a_stack_trace_from_decode_check_and_the_region_pair()
    {
        string path = Write("long.bin", WithLength(Over));
        string message = $"HEST header, field Length, at offset 0x4 (4): expected {Expected}, found 1048577";

        var decode = CliRunner.Run("decode", path);
        Assert.Equal(1, decode.ExitCode);
        Assert.Contains(message, decode.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", decode.Out + decode.Error, StringComparison.Ordinal);

        var check = CliRunner.Run("hest", "check", path);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"Length 1048577: expected {Expected}; checking the first", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", check.Out + check.Error, StringComparison.Ordinal);

        var region = CliRunner.Run("decode", "--hest", path, "--region", Write("region.bin", new byte[64]), "--region-base", "0x7FFF0000");
        Assert.Equal(1, region.ExitCode);
        Assert.Contains(message, region.Out + region.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", region.Out + region.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Hest_build_refuses_a_table_over_the_limit_before_writing_anything()
    {
        // As many PCIe device AER sources as fit in the limit, then one more: the table it would write is 1 MiB and a few bytes.
        int size = HestSpec.Parse("{\"sources\":[{\"type\":\"pcie-device-aer\"}]}").Builder.Table.Sources[0].GetEncodedLength();
        int fit = (HestTable.MaxLength - HestLayouts.TableHeaderSize) / size;
        static string Spec(int n) => "{\"sources\":[" + string.Join(",", Enumerable.Repeat("{\"type\":\"pcie-device-aer\"}", n)) + "]}";
        var e = Assert.Throws<InvalidOperationException>(() => HestSpec.Parse(Spec(fit + 1)).Builder.Build());
        Assert.Contains("more than 1048576 (the HEST length limit)", e.Message, StringComparison.Ordinal);
        Assert.Equal(HestLayouts.TableHeaderSize + fit * size, HestSpec.Parse(Spec(fit)).Builder.Build().TableBytes.Length);

        string spec = Write("spec.json", System.Text.Encoding.UTF8.GetBytes(Spec(fit + 1)));
        File.WriteAllBytes(PathOf("old.bin"), [1, 2, 3]);
        var r = CliRunner.Run("hest", "build", spec, "-o", PathOf("out.bin"), "--region", PathOf("old.bin"), "--region-base", "0x40000000");
        Assert.Equal(1, r.ExitCode);
        int length = HestLayouts.TableHeaderSize + (fit + 1) * size;
        Assert.Equal($"apeikit: hest build: the table would be {length} bytes ({fit + 1} error sources), more than 1048576 (the HEST length limit).", r.Error.Trim());
        Assert.DoesNotContain("   at ", r.Out + r.Error, StringComparison.Ordinal);
        // Nothing written: no output, no temporary file, the region file as it was.
        Assert.Equal(["old.bin", "spec.json"], Directory.GetFiles(Dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(PathOf("old.bin")));
    }
}
