using System.Text.Json;
using System.Text.RegularExpressions;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Tests.Ghes;
using ApeiKit.Tests.Hest;

namespace ApeiKit.Tests.Rendering;

/// <summary>
/// The one-line renderings (<c>ToLayoutString</c>, <c>ToText</c>, <c>ToJson</c>) of every table and record type: each is
/// held against a snapshot approved earlier through the describer-and-renderer path (so the helpers add no drift), every
/// layout line against the grammar of docs/layout-format.md (layout format v1), and every JSON rendering must parse.
/// </summary>
public sealed partial class OneLineRenderingTests
{
    private static string Approved(string folder, string name)
        => File.ReadAllText(Path.Combine(Path.GetDirectoryName(Fixtures.Root)!, "Apei.Tests", folder, "snapshots", name + ".approved.txt")).Replace("\r\n", "\n", StringComparison.Ordinal);

    [Fact]
    public void Hest_view_and_model_render_as_the_approved_snapshots()
    {
        byte[] proliant = HestTestData.ProLiant();
        Assert.Equal(Approved("Hest", "HestSnapshotTests.ProLiant_layout"), HestTable.Read(proliant).ToLayoutString());
        Assert.Equal(Approved("Hest", "HestSnapshotTests.ProLiant_text"), HestTable.Read(proliant).ToText());
        Assert.Equal(Approved("Hest", "HestSnapshotTests.ProLiant_layout"), HestTableModel.Decode(proliant).ToLayoutString());
    }

    [Fact]
    public void Erst_and_einj_render_as_the_approved_snapshots()
    {
        Assert.Equal(Approved("Hest", "ActionTableTests.Fwts_erst_layout"), ActionTable.Read(ActionTableTests.FwtsErst()).ToLayoutString());
        Assert.Equal(Approved("Hest", "ActionTableTests.Qemu_erst_text"), ActionTablePresets.QemuErst(ActionTablePresets.QemuErstBase).ToText());
        Assert.Equal(Approved("Hest", "ActionTableTests.Default_einj_layout"), ActionTablePresets.DefaultEinj(ActionTablePresets.DefaultEinjBase).ToLayoutString());
    }

    [Fact]
    public void Bert_with_its_region_renders_as_the_approved_snapshot()
    {
        const string label = "BERT and boot error region (fixtures/bert/dummy.bert)";
        byte[] file = GhesTestBlocks.BertFile;
        Assert.Equal(Approved("Ghes", "BertRenderingTests.Layout_rendering_of_the_bert_fixture_matches_its_snapshot"),
            BertTable.Read(file).ToLayoutString(file.AsSpan(BertTable.Size), label));
        Assert.Equal(Approved("Ghes", "BertRenderingTests.Text_rendering_of_the_bert_fixture_matches_its_snapshot"),
            BertTableData.Decode(file).ToText(BootErrorRegion.Decode(file.AsSpan(BertTable.Size), BertTable.Size), label));
    }

    [Fact]
    public void Error_status_block_and_erst_store_render_as_the_approved_snapshots()
    {
        var block = GhesTestBlocks.TwoEntries(raw: [0xDE, 0xAD, 0xBE, 0xEF]);
        string approved = Approved("Ghes", "BertRenderingTests.Text_rendering_of_a_built_block_with_raw_data_matches_its_snapshot");
        Assert.Equal(approved, block.ToText("Generic Error Status Block"));
        Assert.Equal(approved, ErrorStatusBlockView.Read(block.Encode(), out _).ToText("Generic Error Status Block"));

        byte[] store = Fixtures.Bytes("erst-store/qemu-erst-store.bin");
        Assert.Equal(Approved("Ghes", "ErstStoreTests.Store_text"), ErstStoreView.Read(store).ToText());
        Assert.Equal(Approved("Ghes", "ErstStoreTests.Store_text"), ErstStore.Decode(store).ToText());
    }

    [Fact]
    public void Cper_record_view_and_model_render_as_the_approved_snapshots()
    {
        byte[] whea = Fixtures.Binary("cper/whea-edk2/whea_04.bin");
        string layout = Approved("Cper", "CperSectionSnapshotTests.Section_renderings_match_their_snapshots.whea_04.layout");
        Assert.Equal(layout, CperRecordView.Read(whea, out _).ToLayoutString());
        Assert.Equal(layout, CperRecord.Decode(whea, out _).ToLayoutString());
        Assert.Equal(Approved("Cper", "CperSectionSnapshotTests.Section_renderings_match_their_snapshots.arm.text"),
            CperRecordView.Read(Fixtures.Binary("cper/libcper/arm.cperhex"), out _).ToText());
    }

    [Fact]
    public void A_section_body_renders_inside_an_object_named_by_its_type()
    {
        var body = new MemoryErrorSection { ValidationBits = 0x2, PhysicalAddress = 0x1_2345_6000 };
        string layout = body.ToLayoutString(baseOffset: 0x48);
        Assert.StartsWith("[0048   80] Platform Memory", layout, StringComparison.Ordinal);
        Assert.Contains("Physical address", layout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body.ToJson());
        Assert.Equal(0x1_2345_6000UL, json.RootElement.GetProperty("physicalAddress").GetUInt64());
        Assert.Equal(body.ToText(), new CperSection { Body = body }.ToText());
    }

    [Fact]
    public void A_fixed_structure_renders_from_its_layout()
    {
        var bytes = new byte[GenericAddress.Size];
        GenericAddress.SystemMemory64(0x4000_0000).Write(bytes);
        Assert.Equal(5, GenericAddress.Layout.ToLayoutString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        using var json = JsonDocument.Parse(GenericAddress.Layout.ToJson(bytes));
        Assert.Equal(64, json.RootElement.GetProperty("bitWidth").GetInt32());
        Assert.Throws<ArgumentException>(() => GenericAddress.Layout.ToText(bytes.AsSpan(1)));
    }

    // Layout format v1 (docs/layout-format.md): a structure or field line, a note line, a hex line under a field or
    // data line, or an error line. Nothing else may appear.
    [GeneratedRegex(@"^(\[[0-9A-F]{4,} +\d+\] ( {2})*\S.*|\[[0-9A-F]{4,} ERR \] ( {2})*\S.*| {12}( {2})*\S.*)$")]
    private static partial Regex LayoutLine();

    public static TheoryData<string> Inputs() => new(
    [
        "hest", "erst", "einj", "bert", "block", "store",
        .. Fixtures.CperRecords().Select(p => "cper:" + p),
    ]);

    private static (string Layout, string Text, string Json) RenderAll(string input)
    {
        switch (input)
        {
            case "hest": { var t = HestTable.Read(HestTestData.ProLiant()); return (t.ToLayoutString(), t.ToText(), t.ToJson()); }
            case "erst": { var t = ActionTable.Read(ActionTableTests.FwtsErst()); return (t.ToLayoutString(), t.ToText(), t.ToJson()); }
            case "einj": { var t = ActionTablePresets.DefaultEinj(ActionTablePresets.DefaultEinjBase); return (t.ToLayoutString(), t.ToText(), t.ToJson()); }
            case "bert":
            {
                byte[] f = GhesTestBlocks.BertFile;
                var t = BertTable.Read(f);
                return (t.ToLayoutString(f.AsSpan(48)), t.ToText(f.AsSpan(48)), t.ToJson(f.AsSpan(48)));
            }
            case "block": { var b = GhesTestBlocks.TwoEntries(); return (b.ToLayoutString(), b.ToText(), b.ToJson()); }
            case "store": { var s = ErstStoreView.Read(Fixtures.Bytes("erst-store/qemu-erst-store.bin")); return (s.ToLayoutString(), s.ToText(), s.ToJson()); }
            default:
            {
                var r = CperRecordView.ReadPrefix(Fixtures.Binary(input[5..]), out _);
                return (r.ToLayoutString(), r.ToText(), r.ToJson());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_layout_line_follows_format_v1_and_every_json_parses(string input)
    {
        var (layout, text, json) = RenderAll(input);
        Assert.EndsWith("\n", layout, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", layout + text + json, StringComparison.Ordinal);
        string[] lines = layout[..^1].Split('\n');
        Assert.Matches(@"^\[0000 +\d+\] \S", lines[0]); // the root structure, at the input's first byte
        foreach (var line in lines) Assert.Matches(LayoutLine(), line);
        Assert.NotEmpty(text);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public void The_layout_format_version_is_the_one_the_document_describes()
    {
        string doc = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Fixtures.Root)!, "docs", "layout-format.md"));
        Assert.Contains($"# Layout format v{Renderings.LayoutFormatVersion}", doc, StringComparison.Ordinal);
    }
}
