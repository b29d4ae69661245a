using System.Buffers.Binary;
using System.Text.RegularExpressions;
using ApeiKit.Cper;
using ApeiKit.Cper.Input;
using ApeiKit.Cper.Streaming;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Platform;

namespace ApeiKit.Tests.Packages;

/// <summary>
/// The examples of the package READMEs (Apei/README.md, Cper/README.md, ...), run. Each example lies between
/// <c>// README-EXAMPLE: name</c> and <c>// README-EXAMPLE-END</c> below and is checked to be, line for line, the
/// first C# block of that package's README, so a README example that stops compiling or changes output fails here.
/// </summary>
public sealed class PackageReadmeExamplesTests
{
    // README-EXAMPLE: Apei
    static string RenderGenericAddress()
    {
        var gas = GenericAddress.SystemMemory64(0x4000_0000);
        var bytes = new byte[GenericAddress.Size];
        gas.Write(bytes);

        var text = new StringWriter();
        GenericAddress.Layout.Describe(bytes, baseOffset: 0, new LayoutRenderer(text));
        return text.ToString();
    }
    // README-EXAMPLE-END

    // README-EXAMPLE: Cper
    static async Task<List<string>> ListRecordsAsync(string path)
    {
        var lines = new List<string>();
        await using var file = File.OpenRead(path);
        await using var reader = CperStreamReader.Create(file);
        byte[]? scratch = null; // used only when a record spans two buffer segments
        await foreach (var item in reader.ReadAllAsync())
        {
            if (item.Kind != CperStreamItemKind.Record || item.IsTruncated) continue;
            var record = CperRecordView.Read(item.GetSpan(ref scratch), out _, item.Offset);
            lines.Add($"offset {item.Offset}: {record.DescriptorCount} section(s), severity {record.Header.Severity}");
        }
        return lines;
    }
    // README-EXAMPLE-END

    // README-EXAMPLE: Hest
    static (byte[] Hest, byte[]? Region) BuildHest()
    {
        // From code: two GHESv2 sources, their error status blocks laid out from 0x4000_0000.
        var built = new HestBuilder()
            .AddGhesV2(0, NotificationType.Sea)
            .AddGhesV2(1, NotificationType.Polled, s => s.ErrorStatusBlockLength = 4096)
            .Build(regionBase: 0x4000_0000);

        // The same from a JSON spec (the format of `apeikit hest build`, docs/hest-build.md).
        var spec = HestSpec.Parse("""
            {
              "region": { "base": "0x4000_0000" },
              "sources": [
                { "type": "ghesv2", "notification": "sea" },
                { "type": "ghesv2", "notification": "polled", "errorStatusBlockLength": 4096 }
              ]
            }
            """);
        var fromSpec = spec.Builder.Build(spec.RegionBase);

        if (!built.TableBytes.AsSpan().SequenceEqual(fromSpec.TableBytes)) throw new InvalidOperationException("differ");
        if (HestValidator.Validate(built.TableBytes).Count != 0) throw new InvalidOperationException("invalid");
        return (built.TableBytes, built.RegionBytes);
    }
    // README-EXAMPLE-END

    // README-EXAMPLE: Ghes
    static byte[] BuildErrorStatusBlock()
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 2 }; // 2: corrected
        block.Entries.Add(new ErrorDataEntry
        {
            ErrorSeverity = 2,
            Body = new MemoryErrorSection { ValidationBits = 0x2, PhysicalAddress = 0x1_2345_6000 },
        });
        byte[] bytes = block.Encode(); // BlockStatus, DataLength and ErrorDataLength filled in

        var check = GhesBlockValidator.Validate(bytes, errorStatusBlockLength: 4096);
        if (!check.IsValid) throw new InvalidOperationException(check.FirstError!.ToString());

        var view = ErrorStatusBlockView.Read(bytes, out _);
        foreach (var entry in view.Entries)
            Console.WriteLine($"entry at {entry.OffsetInBlock}: {entry.SectionType}, {entry.ErrorDataLength} bytes");
        return bytes;
    }
    // README-EXAMPLE-END

    // README-EXAMPLE: GhesInput
    static BootErrorRegion ReadBertFile(byte[] file)
    {
        // A BERT saved with its boot error region in one file (tables/BERT, then tables/data/BERT).
        if (!GhesInputDetection.TrySplitBert(file, out int tableLength))
            throw new InvalidDataException("not a BERT");
        var table = file.AsSpan(0, tableLength);
        // Only the Boot Error Region Length the table declares is the region's.
        var region = GhesInputDetection.DecodeBertRegion(table, file.AsSpan(tableLength), regionOffset: tableLength);
        foreach (var block in region.Blocks)
            Console.WriteLine($"block: severity {block.ErrorSeverity}, {block.Entries.Count} entries");
        return region;
    }
    // README-EXAMPLE-END

    // README-EXAMPLE: InputRecognizer
    static List<string> ListInput(byte[] file)
    {
        // Whatever the file holds: binary, hex or base64 CPER, xxd text, Redfish JSON, PLDM, WHEA XML, a kernel log,
        // error status blocks or a table. Options give what the bytes cannot say (a lone section's type, a severity).
        var input = new ApeiInputRecognizer(new ApeiInputOptions { Name = "error-log" }).Recognize(file);
        var lines = new List<string> { $"{input.Format} input holding {input.Content}" };
        foreach (var region in input.Regions)
            lines.Add($"{region.Kind} at {region.Offset}, {region.Length} bytes{(region.Origin is { } o ? ", from " + o.Entry : "")}");
        lines.AddRange(input.Errors); // where text stopped being valid, wrapper entries that gave no record
        return lines;
    }
    // README-EXAMPLE-END

    [Fact]
    public void InputRecognizer_example_lists_a_redfish_page_and_a_hex_record()
    {
        // fixtures/fleet/redfish-logentries.json: three LogEntries carry CPER (entry 1 is fixtures/cper/whea/TestErrorMemory1.bin).
        var redfish = ListInput(Fixtures.Bytes("fleet/redfish-logentries.json"));
        Assert.Equal("Redfish input holding CperRecords", redfish[0]);
        Assert.Equal("CperRecord at 0, " + Fixtures.Bytes("cper/whea/TestErrorMemory1.bin").Length + " bytes, from LogEntry 1 (/redfish/v1/Systems/system/LogServices/EventLog/Entries/1)", redfish[1]);
        Assert.Equal(4, redfish.Count);
        // libcper's own example record as .cperhex text: one region, its Record Length (UEFI 2.10 N.2.1, offset 20).
        byte[] record = Fixtures.Binary("cper/libcper/memory.cperhex");
        Assert.Equal(["Hex input holding CperRecords", $"CperRecord at 0, {BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(20))} bytes"],
            ListInput(Fixtures.Bytes("cper/libcper/memory.cperhex")));
    }

    // README-EXAMPLE: Platform
    static PlatformRun RunDefaultScenario()
    {
        var run = VirtualPlatform.Run(Scenario.Default); // the embedded Arm VM scenario of `apeikit demo`
        run.WriteSummary(Console.Out);
        List<string> broken = PlatformInvariants.Check(run);
        if (broken.Count != 0) throw new InvalidOperationException(string.Join("\n", broken));
        return run;
    }
    // README-EXAMPLE-END

    // README-EXAMPLE: VendorSection
    static string DescribeWithVendorCodec(byte[] record)
    {
        var acme = new Guid("5a1e0f2c-9d1b-4c3e-8f00-ac3e0000beef");
        var sections = new CperSectionRegistry().Add(new CperSectionCodec(acme, "Acme Widget",
            Describe: (body, offset, visitor) => visitor.Data("payload", "Payload", offset, body),
            Decode: (body, offset) => new RawSectionBody(acme, body.ToArray())));

        // Only this call sees the codec; what it throws is reported as that section's error.
        var text = new StringWriter();
        CperRecordDescriber.Describe(record, 0, new TextRenderer(text), "CPER record", out _, new CperDecodeOptions { Sections = sections });
        return text.ToString();
    }
    // README-EXAMPLE-END

    [Fact]
    public void Cper_vendor_example_names_the_registered_section()
    {
        var record = new CperRecord { Severity = 2 };
        record.Sections.Add(new CperSection { Body = new RawSectionBody(new Guid("5a1e0f2c-9d1b-4c3e-8f00-ac3e0000beef"), [1, 2, 3, 4]) });
        string text = DescribeWithVendorCodec(record.Encode());
        Assert.Contains("Section 0: Acme Widget", text, StringComparison.Ordinal);
        Assert.Contains("5a1e0f2c-9d1b-4c3e-8f00-ac3e0000beef (Acme Widget)", text, StringComparison.Ordinal);
        Assert.Contains("Payload (at 0x", text, StringComparison.Ordinal);
    }

    // README-EXAMPLE: SectionView
    static List<ulong> MemoryErrorAddresses(ReadOnlySpan<byte> record)
    {
        var addresses = new List<ulong>();
        var view = CperRecordView.Read(record, out _);
        for (int i = 0; i < view.DescriptorCount; i++)
        {
            if (view.GetDescriptor(i).SectionType != CperGuids.PlatformMemory) continue;
            // A view over the body's bytes: no copy; HasX is the validation bit (and the bytes reaching the field).
            if (MemoryErrorSectionView.TryRead(view.GetSectionBody(i), out var memory) && memory.HasPhysicalAddress)
                addresses.Add(memory.PhysicalAddress);
        }
        return addresses;
    }
    // README-EXAMPLE-END

    // README-EXAMPLE: RedfishInput
    static List<string> ListRedfishRecords(byte[] json)
    {
        // A LogEntry, a LogEntryCollection page or an array of entries; CPERSection entries come back wrapped into records.
        var input = RedfishCperEntries.Unwrap(json, severityOverride: null);
        byte[] bytes = input.ToArray();
        var lines = new List<string>();
        foreach (var origin in input.Origins)
        {
            var record = CperRecordView.Read(bytes.AsSpan((int)origin.Offset, (int)origin.Length), out _, origin.Offset);
            lines.Add($"{origin.Entry}: {record.DescriptorCount} section(s), severity {record.Header.Severity}");
        }
        lines.AddRange(input.Errors); // entries that gave no record, each named
        return lines;
    }
    // README-EXAMPLE-END

    [Fact]
    public void SectionView_example_reads_the_address_libcper_prints()
    {
        // fixtures/cper/libcper/memory-validation-bits.cperhex and memory.json are libcper's own example pair: the address the view reads
        // is held against the one libcper printed, not against ApeiKit's decode.
        byte[] bytes = Fixtures.Binary("cper/libcper/memory-validation-bits.cperhex");
        using var libcper = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Fixtures.Path("cper/libcper/memory-validation-bits.json")));
        ulong expected = libcper.RootElement.GetProperty("sections")[0].GetProperty("Memory").GetProperty("physicalAddress").GetUInt64();
        Assert.Equal([expected], MemoryErrorAddresses(bytes));
    }

    [Fact]
    public void RedfishInput_example_lists_the_fixture_page()
    {
        var lines = ListRedfishRecords(Fixtures.Bytes("fleet/redfish-logentries.json"));
        Assert.Equal(3, lines.Count);
        // Entry 1 carries fixtures/cper/whea/TestErrorMemory1.bin: its Section Count (UEFI 2.10 N.2.1, offset 10).
        ushort sections = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(Fixtures.Bytes("cper/whea/TestErrorMemory1.bin").AsSpan(10));
        Assert.StartsWith("LogEntry 1 (/redfish/v1/Systems/system/LogServices/EventLog/Entries/1): " + sections + " section(s)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("LogEntry 2 ", lines[1], StringComparison.Ordinal);
        Assert.Contains(": 1 section(s)", lines[2], StringComparison.Ordinal);
    }

    // README-EXAMPLE: Snapshot
    [Fact]
    public void Hest_of_the_vmm_is_unchanged()
    {
        var built = HestPresets.QemuVirtArm().Build(regionBase: 0x7FFF_0000);
        string layout = HestTable.Read(built.TableBytes).ToLayoutString(); // also ToText(), ToJson()
        Snapshot.Verify(layout); // the ApprovalTests call: Approvals.Verify(layout)
    }
    // README-EXAMPLE-END

    [Fact]
    public void Apei_example_renders_the_layout()
    {
        string text = RenderGenericAddress();
        // The output shown in Apei/README.md.
        Assert.Equal("""
            [0000    1] Address space ID                   : System memory (0)  | 00
            [0001    1] Bit width                          : 64  | 40
            [0002    1] Bit offset                         : 0  | 00
            [0003    1] Access size                        : qword (64-bit) (4)  | 04
            [0004    8] Address                            : 0x0000000040000000  | 00 00 00 40 00 00 00 00

            """, text.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cper_example_walks_every_record_of_a_file()
    {
        string[] inputs = Directory.GetFiles(Fixtures.Path("cper/whea-edk2"), "*.bin").Order(StringComparer.Ordinal).ToArray();
        long expectedOffset = 0;
        var offsets = new List<long>();
        var all = new List<byte>();
        foreach (var f in inputs)
        {
            byte[] b = File.ReadAllBytes(f);
            offsets.Add(expectedOffset);
            expectedOffset += b.Length;
            all.AddRange(b);
        }
        using var temp = TempFile.Of(all.ToArray());
        var lines = await ListRecordsAsync(temp.Path);
        Assert.Equal(inputs.Length, lines.Count);
        Assert.Equal(offsets.Select(o => $"offset {o}:"), lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)] + ":"));
    }

    [Fact]
    public void Hest_example_builds_a_valid_table_and_region()
    {
        var (hest, region) = BuildHest();
        Assert.Equal("HEST"u8.ToArray(), hest[..4]);
        Assert.NotNull(region);
        var table = HestTableModel.Decode(hest);
        Assert.Equal(2, table.Sources.Count);
    }

    [Fact]
    public void Ghes_example_builds_a_block_the_consumer_checks_accept()
    {
        byte[] bytes = BuildErrorStatusBlock();
        var decoded = ErrorStatusBlock.Decode(bytes, out int consumed);
        Assert.Equal(bytes.Length, consumed);
        Assert.Single(decoded.Entries);
        Assert.Equal(0x1_2345_6000UL, ((MemoryErrorSection)decoded.Entries[0].Body).PhysicalAddress);
    }

    [Fact]
    public void GhesInput_example_reads_the_crashlog_bert_fixture()
    {
        // fixtures/bert/dummy.bert (intel/crashlog): a 48-byte BERT declaring a 1100-byte region, then that region:
        // one fatal block (severity 1 at 0x3C) holding two entries.
        var region = ReadBertFile(Fixtures.Bytes("bert/dummy.bert"));
        var block = Assert.Single(region.Blocks);
        Assert.Equal(1u, block.ErrorSeverity);
        Assert.Equal(2, block.Entries.Count);
    }

    [Fact]
    public void Platform_example_runs_the_default_scenario()
    {
        var run = RunDefaultScenario();
        Assert.NotEmpty(run.Outcomes);
        Assert.DoesNotContain(run.Outcomes, o => o.Disposition == Disposition.Pending);
    }

    [Theory]
    [InlineData("Apei")]
    [InlineData("Cper")]
    [InlineData("Hest")]
    [InlineData("Ghes")]
    [InlineData("Platform")]
    [InlineData("GhesInput", "Ghes/README.md")] // after <!-- README-EXAMPLE: GhesInput -->
    [InlineData("InputRecognizer", "Ghes/README.md")]
    [InlineData("Snapshot", "Hest/README.md")] // a later block, after <!-- README-EXAMPLE: Snapshot -->
    [InlineData("Snapshot", "README.md")]
    [InlineData("VendorSection", "Cper/README.md")]
    [InlineData("SectionView", "Cper/README.md")]
    [InlineData("RedfishInput", "Cper/README.md")]
    public void Readme_example_is_the_tested_code(string package, string? readmePath = null)
    {
        string root = System.IO.Path.GetDirectoryName(Fixtures.Root)!;
        string source = File.ReadAllText(System.IO.Path.Combine(root, "Apei.Tests", "Packages", "PackageReadmeExamplesTests.cs"));
        var m = Regex.Match(source, $@"// README-EXAMPLE: {package}\r?\n(.*?)\r?\n[ ]*// README-EXAMPLE-END", RegexOptions.Singleline);
        Assert.True(m.Success, $"no example {package} in the test");
        string readme = File.ReadAllText(System.IO.Path.Combine(root, readmePath ?? System.IO.Path.Combine(package, "README.md")));
        // A package's own example is the README's first C# block; another is the block after its marker comment.
        string marker = readmePath is null ? "" : $@"<!-- README-EXAMPLE: {package} -->\s*";
        var block = Regex.Match(readme, marker + @"```csharp\r?\n(.*?)\r?\n```", RegexOptions.Singleline);
        Assert.True(block.Success, $"{readmePath ?? package + "/README.md"} has no ```csharp block for {package}");
        Assert.Equal(Normalize(m.Groups[1].Value), Normalize(block.Groups[1].Value));
    }

    /// <summary>The lines without their common indentation (the test's code is indented inside the class).</summary>
    private static string Normalize(string code)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart(' ').Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim()));
    }
}
