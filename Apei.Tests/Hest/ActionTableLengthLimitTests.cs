using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ApeiKit.Hest;
using ApeiKit.Platform;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Hest;

/// <summary>
/// One ERST/EINJ length rule (<see cref="ActionTable.MaxLength"/>, 1 MiB, as <see cref="HestTable.MaxLength"/> is for
/// a HEST) from every path: the view and what is built on it (model, describer), the validator, the virtual platform's
/// einj and erst drivers (which used to clamp the Length silently at 4 MiB and at least 36 bytes), the build spec and
/// the CLI. A Length above the limit is one content error (the table's header, field Length, offset 4, "at most 1048576
/// (the ERST/EINJ length limit)", found the Length); a Length below the 48-byte headers is the view's "at least 48".
/// </summary>
public class ActionTableLengthLimitTests() : TempDirectoryTests("apeikit-action-limit-")
{
    private const string Expected = "at most 1048576 (the ERST/EINJ length limit)";
    private const uint Over = ActionTable.MaxLength + 1;
    private const ulong EinjBase = 0xFEBD8000, ErstBase = 0xFEBD7000;

    private static byte[] Einj() => ActionTablePresets.DefaultEinj(EinjBase).Encode();
    private static byte[] Erst() => ActionTablePresets.QemuErst(ErstBase).Encode();

    private static byte[] WithLength(byte[] table, uint length)
    {
        var b = (byte[])table.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(AcpiTableHeader.LengthOffset), length);
        return b;
    }

    private static void AssertOverLimit(ApeiContentException e, string signature, long offset = AcpiTableHeader.LengthOffset, string found = "1048577")
        => ContentError.AssertSays(e, signature + " header", "Length", offset, Expected, found);

    [Theory]
    [InlineData("EINJ")]
    [InlineData("ERST")]
    public void The_view_never_covers_more_than_the_limit_and_every_reader_says_the_same(string signature)
    {
        var b = WithLength(signature == "EINJ" ? Einj() : Erst(), Over);
        Assert.Equal(OperationStatus.Done, ActionTable.TryRead(b, out var t, out var error));
        Assert.Null(error);
        Assert.True(t.IsTruncated);
        AssertOverLimit(t.LengthLimitError!, signature);
        var big = new byte[ActionTable.MaxLength + 100];
        b.CopyTo(big, 0);
        Assert.Equal(ActionTable.MaxLength, ActionTable.Read(big).Bytes.Length);
        Assert.Null(ActionTable.Read(WithLength(b, ActionTable.MaxLength)).LengthLimitError);

        // The model refuses it (a truncated table was refused the same way), the describer reports it once at its offset.
        AssertOverLimit(Assert.Throws<ApeiContentException>(() => ActionTableModel.Decode(b)), signature);
        AssertOverLimit(Assert.Throws<ApeiContentException>(() => ActionTableModel.Decode(big)), signature);
        var errors = new ReportedErrors();
        Assert.Equal(1, ActionTableDescriber.Describe(b, 0x100, errors));
        AssertOverLimit(Assert.Single(errors.Seen), signature, 0x100 + AcpiTableHeader.LengthOffset);

        // The validator names the limit (not "only N bytes are present") and checks what is there.
        var findings = ActionTableValidator.Validate(b);
        var f = Assert.Single(findings, x => x.Rule == "length" && x.Offset == AcpiTableHeader.LengthOffset && x.Message.Contains("limit", StringComparison.Ordinal));
        Assert.Equal($"Length 1048577: expected {Expected}; checking the first {b.Length} bytes", f.Message);
        Assert.DoesNotContain(findings, x => x.Message.Contains("only", StringComparison.Ordinal));
    }

    private sealed class Shown : SilentVisitor
    {
        public List<(string Json, long Offset, byte[] Bytes)> Shows { get; } = [];
        public Dictionary<string, string?> Infos { get; } = [];
        public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => Shows.Add((json, offset, bytes.ToArray()));
        public override void Info(string json, string label, string? value) => Infos[json] = value;
    }

    [Fact]
    public void The_bytes_present_past_the_limit_are_shown_and_not_decoded()
    {
        // They used to be shown nowhere (the view stops at the limit), though DESIGN.md said the describer shows them.
        var big = new byte[ActionTable.MaxLength + 150]; // Length + 50: those 50 are not the table's
        WithLength(Einj(), ActionTable.MaxLength + 100).CopyTo(big, 0);
        big.AsSpan(ActionTable.MaxLength, 100).Fill(0xAB);
        var v = new Shown();
        ActionTableDescriber.Describe(big, 0x100, v);
        var d = Assert.Single(v.Shows, x => x.Json == "bytesPastLengthLimit");
        Assert.Equal(0x100L + ActionTable.MaxLength, d.Offset);
        Assert.Equal(Enumerable.Repeat((byte)0xAB, 100), d.Bytes);
        // The 50 bytes after Length are shown apart, as not the table's (both rules at once: the limit, then Length).
        var after = Assert.Single(v.Shows, x => x.Json == "bytesAfterLength");
        Assert.Equal(0x100L + ActionTable.MaxLength + 100, after.Offset);
        Assert.Equal(50, after.Bytes.Length);
        Assert.Equal("cannot be checked (bytes missing: Length is past the bytes read)", v.Infos["checksumStatus"]);
    }

    [Fact]
    public void The_describer_checks_no_checksum_over_a_truncated_table_as_the_validator()
    {
        // It used to print "invalid (bytes sum to 0x..)" over the partial bytes while the validator skipped the check.
        var b = WithLength(Einj(), (uint)Einj().Length + 32);
        var v = new Shown();
        ActionTableDescriber.Describe(b, 0, v);
        Assert.Equal("cannot be checked (bytes missing: Length is past the bytes read)", v.Infos["checksumStatus"]);
        Assert.DoesNotContain(ActionTableValidator.Validate(b), x => x.Rule == "checksum");
        var whole = new Shown();
        ActionTableDescriber.Describe(Einj(), 0, whole);
        Assert.Equal("valid (bytes sum to 0)", whole.Infos["checksumStatus"]);
        var r = CliRunner.Run("decode", Write("cut.bin", b));
        Assert.Contains("Checksum status: cannot be checked (bytes missing: Length is past the bytes read)", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("bytes sum to 0x", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_table_within_the_limit_is_still_a_truncation()
    {
        var b = WithLength(Einj(), (uint)Einj().Length + 32);
        var e = Assert.Throws<ApeiContentException>(() => ActionTableModel.Decode(b));
        Assert.Equal("EINJ", e.Structure);
        Assert.Contains(ActionTableValidator.Validate(b), x => x.Rule == "length" && x.Message.Contains("only", StringComparison.Ordinal));
    }

    [Fact]
    public void Bytes_after_the_length_are_a_warning_as_for_a_hest_and_the_table_is_checked()
    {
        var b = Erst().Concat(new byte[] { 1, 2, 3 }).ToArray();
        var f = Assert.Single(ActionTableValidator.Validate(b));
        Assert.Equal(("length", FindingSeverity.Warning, 4L), (f.Rule, f.Severity, f.Offset));
        Assert.Equal($"Length says {Erst().Length} bytes; the 3 bytes after it are ignored", f.Message);
        var hest = HestTestData.ProLiant().Concat(new byte[] { 1, 2, 3 }).ToArray();
        Assert.Contains(HestValidator.Validate(hest), x => x.Message == $"Length says {HestTestData.ProLiant().Length} bytes; the 3 bytes after it are ignored");
    }

    [Theory]
    [InlineData(Over, "1048577")]
    [InlineData(0xFFFF_FFF0u, "4294967280")]
    public void The_platform_drivers_map_no_more_than_the_limit_and_refuse_the_table_with_its_error(uint length, string found)
    {
        var memory = new SparseMemory("host");
        var bus = new RegisterBus(memory);
        memory.Write(0xF100_0000, WithLength(Einj(), length));
        memory.Write(0xF200_0000, WithLength(Erst(), length));
        var einjBytes = Wire.ReadActionTable(memory, 0xF100_0000);
        Assert.Equal(ActionTable.MaxLength, einjBytes.Length); // it used to map 4 MiB and read it whole
        var einj = new EinjInjector(einjBytes, bus, memory, (_, _) => true);
        Assert.False(einj.Loaded);
        Assert.Equal($"Invalid EINJ table: EINJ header, field Length, at offset 0x4 (4): expected {Expected}, found {found}", einj.LoadError);
        var erst = new ErstPersistence(Wire.ReadActionTable(memory, 0xF200_0000), bus, memory);
        Assert.False(erst.Loaded);
        Assert.Equal($"ERST table is invalid: ERST header, field Length, at offset 0x4 (4): expected {Expected}, found {found}", erst.LoadError);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(36u)]
    [InlineData(47u)]
    public void A_length_below_the_headers_is_the_views_error_on_every_path(uint length)
    {
        var b = WithLength(Einj(), length);
        string message = $"EINJ header, field Length, at offset 0x4 (4): expected at least 48 (the headers), found {length}";
        Assert.Equal(message, Assert.Throws<ApeiContentException>(() => ActionTableModel.Decode(b)).Message);
        Assert.Equal(message, Assert.Throws<ApeiContentException>(() => ActionTableDescriber.Describe(b, 0, new ReportedErrors())).Message);
        Assert.Equal(message, Assert.Single(ActionTableValidator.Validate(b)).Message);
        var memory = new SparseMemory("host");
        memory.Write(0xF100_0000, b);
        var mapped = Wire.ReadActionTable(memory, 0xF100_0000);
        Assert.Equal(48, mapped.Length); // the headers, so the view reads the Length itself (it used to map 36 bytes)
        var einj = new EinjInjector(mapped, new RegisterBus(memory), memory, (_, _) => true);
        Assert.Equal("Invalid EINJ table: " + message, einj.LoadError);
    }

    [Fact]
    public void A_spec_never_builds_a_table_over_the_limit()
    {
        static string Spec(int n)
        {
            var sb = new StringBuilder("{\"entries\":[");
            for (int i = 0; i < n; i++) sb.Append(i == 0 ? "" : ",").Append("{\"action\":\"BEGIN_INJECTION_OPERATION\",\"instruction\":\"NOOP\"}");
            return sb.Append("]}").ToString();
        }
        var most = ActionTableSpec.Parse(ActionTableKind.Einj, Spec(ActionTableSpec.MaxEntries)).Encode();
        Assert.Equal(48 + 32 * ActionTableSpec.MaxEntries, most.Length);
        Assert.Null(ActionTable.Read(most).LengthLimitError);
        Assert.Equal(ActionTableSpec.MaxEntries, ActionTableModel.Decode(most).Entries.Count);
        var e = Assert.Throws<HestSpecException>(() => ActionTableSpec.Parse(ActionTableKind.Einj, Spec(ActionTableSpec.MaxEntries + 1)));
        Assert.Equal("$.entries", e.Path);
        Assert.Contains("longer than 1048576 bytes (the ERST/EINJ length limit)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cli_says_it_without_a_stack_trace_from_check_and_decode()
    {
        string path = Write("long.bin", WithLength(Einj(), Over));
        var check = CliRunner.Run("einj", "check", path);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"Length 1048577: expected {Expected}; checking the first", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", check.Out + check.Error, StringComparison.Ordinal);

        var decode = CliRunner.Run("decode", path);
        Assert.Equal(1, decode.ExitCode);
        Assert.Contains($"EINJ header, field Length, at offset 0x4 (4): expected {Expected}, found 1048577", decode.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", decode.Out + decode.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_refuses_a_spec_over_the_limit_and_writes_nothing()
    {
        var sb = new StringBuilder("{\"entries\":[");
        for (int i = 0; i <= ActionTableSpec.MaxEntries; i++) sb.Append(i == 0 ? "" : ",").Append("{\"action\":\"END_OPERATION\",\"instruction\":\"NOOP\"}");
        string spec = Write("spec.json", Encoding.UTF8.GetBytes(sb.Append("]}").ToString()));
        var r = CliRunner.Run("erst", "build", spec, "-o", PathOf("out.bin"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("$.entries", r.Error, StringComparison.Ordinal);
        Assert.Contains("(the ERST/EINJ length limit)", r.Error, StringComparison.Ordinal);
        Assert.Equal(["spec.json"], Directory.GetFiles(Dir).Select(Path.GetFileName));
    }
}
