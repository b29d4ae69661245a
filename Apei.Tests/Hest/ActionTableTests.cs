using System.Buffers.Binary;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

/// <summary>ERST and EINJ (ACPI 6.5 §18.5, §18.6): view, model, describer, validator, presets and build specs.</summary>
public class ActionTableTests
{
    /// <summary>The real Intel S5520UR ERST from fwts' regression data.</summary>
    internal static byte[] FwtsErst() => AcpiDumpText.Parse(File.ReadAllText(Fixtures.Path("acpidump/erst-acpidump-0001.log"))).Single(t => t.Signature == "ERST").Bytes;

    internal static byte[] QemuErst() => ActionTablePresets.QemuErst(ActionTablePresets.QemuErstBase).Encode();
    internal static byte[] DefaultEinj() => ActionTablePresets.DefaultEinj(ActionTablePresets.DefaultEinjBase).Encode();

    private static string Render(byte[] table, bool layout)
    {
        var w = new StringWriter();
        ActionTableDescriber.Describe(table, 0, layout ? new LayoutRenderer(w) : new TextRenderer(w));
        return w.ToString();
    }

    [Fact]
    public void Qemu_erst_preset_is_the_912_byte_table_of_hw_acpi_erst_c()
    {
        var bytes = QemuErst();
        Assert.Equal(912, bytes.Length);
        var t = ActionTable.Read(bytes);
        Assert.Same(ActionTableKind.Erst, t.Kind);
        Assert.Equal(48u, t.HeaderSize);
        Assert.Equal(27u, t.EntryCount);
        Assert.Equal(27, t.EntriesPresent);
        Assert.True(t.IsChecksumValid);
        Assert.Equal("BOCHS ", t.Header.OemId);
        // Every entry acts on the action register (0xFEBD7000, 32-bit) or the value register (0xFEBD7008, 32/64-bit).
        for (int i = 0; i < 27; i++)
        {
            var e = t[i];
            Assert.Contains(e.Register.Address, new ulong[] { 0xFEBD7000, 0xFEBD7008 });
            Assert.Equal(e.Register.BitWidth == 64 ? ulong.MaxValue : 0xFFFF_FFFFUL, e.Mask);
            if (e.Register.Address == 0xFEBD7000) Assert.Equal((ulong)e.Action, e.Value); // the action register takes the action's own number
        }
        var execute = ActionTableModel.Decode(bytes).Entries.Single(e => e.Action == 5 && e.Register.Address == 0xFEBD7008);
        Assert.Equal(0x9CUL, execute.Value);
        Assert.Equal(3, execute.Instruction); // WRITE_REGISTER_VALUE
        Assert.Empty(ActionTableValidator.Validate(bytes));
    }

    [Fact]
    public void Default_einj_validates_clean_and_offers_set_error_type_with_address()
    {
        var bytes = DefaultEinj();
        var t = ActionTable.Read(bytes);
        Assert.Same(ActionTableKind.Einj, t.Kind);
        Assert.Equal(16, t.EntriesPresent);
        Assert.Empty(ActionTableValidator.Validate(bytes));
        var setwa = ActionTableModel.Decode(bytes).Entries.Single(e => e.Action == 8);
        Assert.Equal(ActionTablePresets.DefaultEinjBase + ActionTablePresets.EinjParameterOffset, setwa.Register.Address);
    }

    [Fact]
    public void Every_table_decodes_and_encodes_byte_identical()
    {
        foreach (var bytes in new[] { FwtsErst()[..560], QemuErst(), DefaultEinj() })
            Assert.Equal(bytes, ActionTableModel.Decode(bytes).Encode());
    }

    [Fact]
    public void Decode_keeps_a_wrong_count_a_wrong_checksum_and_trailing_bytes()
    {
        var bytes = QemuErst().Concat(new byte[] { 1, 2, 3 }).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(44), 99);
        bytes[9] ^= 0x55;
        var model = ActionTableModel.Decode(bytes);
        Assert.Equal(99u, model.EntryCountOverride);
        Assert.Equal(new byte[] { 1, 2, 3 }, model.TrailingBytes);
        Assert.Equal(bytes, model.Encode());
        var rules = ActionTableValidator.Validate(bytes).Select(f => f.Rule).ToHashSet();
        Assert.Superset(new HashSet<string> { "entry-count", "checksum", "length" }, rules);
    }

    [Fact]
    public void A_table_cut_short_is_reported_once_not_as_a_wrong_count_or_missing_actions()
    {
        var findings = ActionTableValidator.Validate(QemuErst()[..100]);
        // Not a checksum error too: the checksum covers bytes that are not there (as the HEST validator has it).
        Assert.Equal(["length"], findings.Select(f => f.Rule).Order());
        Assert.Throws<ApeiContentException>(() => ActionTableModel.Decode(QemuErst()[..100]));
        var r = new TextRenderer(TextWriter.Null);
        ActionTableDescriber.Describe(QemuErst()[..100], 0, r);
        Assert.Equal(1, r.ErrorsReported);
    }

    [Fact]
    public void Fwts_erst_passes_with_three_warnings()
    {
        var findings = ActionTableValidator.Validate(FwtsErst());
        Assert.DoesNotContain(findings, f => f.Severity == FindingSeverity.Error);
        // The dump holds 16 bytes past the table's Length (560): a length warning, as the HEST validator gives.
        Assert.Equal(["length", "mask", "reserved-action"], findings.Select(f => f.Rule).Order());
        Assert.Equal("Length says 560 bytes; the 16 bytes after it are ignored", findings.Single(f => f.Rule == "length").Message);
    }

    [Theory]
    [InlineData("unknown action", 48, 0x11, "unknown-action")]
    [InlineData("unknown instruction", 49, 0x13, "unknown-instruction")]
    [InlineData("reserved flag bits", 50, 0x02, "flags")]
    [InlineData("entry reserved byte", 51, 0x01, "reserved")]
    [InlineData("register in PCI configuration space", 52, 0x02, "register-space")]
    [InlineData("reserved access size", 55, 0x05, "register-access-size")]
    [InlineData("odd register width", 53, 0x0C, "register-width")]
    [InlineData("header size", 36, 0x40, "header-size")]
    [InlineData("serialization header reserved", 40, 0x01, "reserved")]
    public void Validator_names_what_is_wrong_in_an_erst(string reason, int offset, byte value, string rule)
        => AssertValidatorNames(QemuErst(), reason, offset, value, rule);

    [Theory]
    [InlineData("injection flags", 40, 0x01, "injection-flags")]
    [InlineData("injection reserved", 42, 0x01, "reserved")]
    [InlineData("action 0x0A", 48, 0x0A, "unknown-action")]
    [InlineData("instruction 6", 49, 0x06, "unknown-instruction")]
    public void Validator_names_what_is_wrong_in_an_einj(string reason, int offset, byte value, string rule)
        => AssertValidatorNames(DefaultEinj(), reason, offset, value, rule);

    /// <summary><paramref name="table"/> with byte <paramref name="offset"/> set to <paramref name="value"/> (checksum fixed, byte 9): the validator reports <paramref name="rule"/> as an error.</summary>
    private static void AssertValidatorNames(byte[] table, string reason, int offset, byte value, string rule)
    {
        table[offset] = value;
        Checksum.Fix(table, 9);
        var findings = ActionTableValidator.Validate(table);
        Assert.True(findings.Any(f => f.Rule == rule && f.Severity == FindingSeverity.Error), $"{reason}: {string.Join("; ", findings)}");
    }

    [Fact]
    public void Einjv2_action_and_trigger_action_are_known_in_einj()
    {
        var model = ActionTableModel.Decode(DefaultEinj());
        model.Entries.Add(model.Entries[^1] with { Action = 0x11 });
        var findings = ActionTableValidator.Validate(model.Encode());
        Assert.Empty(findings);
        Assert.Equal("EINJV2_GET_ERROR_TYPE", ActionTableKind.Einj.Actions[0x11]);
        Assert.Equal("TRIGGER_ERROR", ActionTableKind.Einj.Actions[0xFF]);
    }

    [Fact]
    public void Missing_actions_are_warnings()
    {
        var model = ActionTableModel.Decode(QemuErst());
        model.Entries.RemoveAll(e => e.Action == 5);
        var findings = ActionTableValidator.Validate(model.Encode());
        var f = Assert.Single(findings);
        Assert.Equal("missing-action", f.Rule);
        Assert.Contains("EXECUTE_OPERATION", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entry_descriptions_say_what_the_instruction_does()
    {
        var t = ActionTable.Read(QemuErst());
        Assert.Equal("write 0x9C (mask 0xFFFFFFFF) to the 32-bit register at 0xFEBD7008 (System memory)", t[6].Describe(ActionTableKind.Erst));
        Assert.Equal("read the 32-bit register at 0xFEBD7008 (System memory), mask 0xFFFFFFFF: the result is 1 when it equals 0x1", t[9].Describe(ActionTableKind.Erst));
        var stall = t[0] with { Instruction = 0x0C, Value = 100 };
        Assert.Equal("stall 100 microseconds", stall.Describe(ActionTableKind.Erst));
        Assert.Equal("instruction 0x0C is not defined for EINJ", stall.Describe(ActionTableKind.Einj));
    }

    [Fact]
    public void Spec_entries_replace_the_preset_and_names_or_numbers_both_work()
    {
        var model = ActionTableSpec.Parse(ActionTableKind.Erst, """
            { "header": { "oemId": "ACME  " }, "entries": [
              { "action": "EXECUTE_OPERATION", "instruction": "WRITE_REGISTER_VALUE", "flags": ["preserveRegister"],
                "registerRegion": { "bitWidth": 8, "accessSize": 1, "address": "0x1000" }, "value": "0x9C" },
              { "action": 6, "instruction": 1, "registerRegion": { "spaceId": "System I/O", "bitWidth": 16, "accessSize": 2, "address": 178 }, "value": 1, "mask": 1 } ] }
            """);
        Assert.Equal("ACME  ", model.Header.OemId);
        Assert.Equal(2, model.Entries.Count);
        Assert.Equal(new InstructionEntry(5, 3, 1, 0, new GenericAddress(0, 8, 0, 1, 0x1000), 0x9C, 0xFF), model.Entries[0]);
        Assert.Equal((byte)1, model.Entries[1].Register.AddressSpaceId);
        Assert.Equal(1UL, model.Entries[1].Mask);
    }

    [Theory]
    [InlineData("""{ "entries": [ { "instruction": 3 } ] }""", "$.entries[0].action")]
    [InlineData("""{ "entries": [ { "action": "NOPE" } ] }""", "$.entries[0].action")]
    [InlineData("""{ "entries": [ { "action": 1, "registerRegion": { "width": 8 } } ] }""", "$.entries[0].registerRegion.width")]
    [InlineData("""{ "registerBase": "x" }""", "$.registerBase")]
    [InlineData("""{ "executeMagic": 256 }""", "$.executeMagic")]
    [InlineData("""{ "preset": "nope" }""", "$.preset")]
    public void Spec_errors_name_the_json_path(string json, string path)
    {
        var e = Assert.Throws<HestSpecException>(() => ActionTableSpec.Parse(ActionTableKind.Erst, json));
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Register_base_moves_every_register()
    {
        var model = ActionTableSpec.Parse(ActionTableKind.Erst, """{ "registerBase": "0x80000000", "executeMagic": "0x42" }""");
        Assert.All(model.Entries, e => Assert.InRange(e.Register.Address, 0x80000000UL, 0x80000008UL));
        Assert.Contains(model.Entries, e => e.Action == 5 && e.Value == 0x42);
    }

    [Fact]
    public void Mutated_tables_give_a_rendering_or_an_ApeiContentException()
    {
        var rng = new Random(14);
        foreach (var original in new[] { QemuErst(), DefaultEinj(), FwtsErst() })
        {
            for (int n = 0; n < 400; n++)
            {
                var b = original.ToArray();
                int flips = rng.Next(1, 6);
                for (int i = 0; i < flips; i++) b[rng.Next(b.Length)] = (byte)rng.Next(256);
                if (rng.Next(3) == 0) b = b[..rng.Next(b.Length)];
                try
                {
                    ActionTableDescriber.Describe(b, 0, new TextRenderer(TextWriter.Null));
                    ActionTableValidator.Validate(b);
                    var m = ActionTableModel.Decode(b);
                    Assert.Equal(b.AsSpan(0, m.GetEncodedLength()).ToArray(), m.Encode());
                }
                catch (ApeiContentException)
                {
                }
            }
        }
    }

    // The table's own 560 bytes (its Length), as the view renders them (OneLineRenderingTests holds the view to this
    // snapshot); the 16 bytes the dump holds past Length are shown by decode (Cli/TableInputNothingLostTests).
    [Fact]
    public void Fwts_erst_layout() => Snapshot.Verify(Render(FwtsErst()[..560], layout: true));

    [Fact]
    public void Qemu_erst_text() => Snapshot.Verify(Render(QemuErst(), layout: false));

    [Fact]
    public void Default_einj_layout() => Snapshot.Verify(Render(DefaultEinj(), layout: true));
}
