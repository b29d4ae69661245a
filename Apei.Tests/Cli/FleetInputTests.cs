using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ApeiKit.Cli;
using ApeiKit.Cper;
using ApeiKit.Cper.Streaming;
using ApeiKit.Text;

namespace ApeiKit.Tests.Cli;

/// <summary>
/// Issue #16: the forms fleets keep CPER in (xxd / hexdump -C text, Redfish LogEntry JSON, PLDM CPER files, Windows
/// WHEA-Logger event XML, a lone section) are recognised by decode and stats, framed by the same reader, and give
/// exactly the records (or sections) of the binary each fixture was built from (fixtures/fleet/make.py).
/// </summary>
public sealed class FleetInputTests() : TempDirectoryTests("apeikit-fleet-")
{
    private static byte[] Whea(string name) => Fixtures.Bytes("cper/whea/" + name);
    private static byte[] Edk2(string name) => Fixtures.Bytes("cper/whea-edk2/" + name);
    private static string Fleet(string name) => Fixtures.Path("fleet/" + name);

    /// <summary>Every item the framing gives for a fixture opened as the CLI opens it.</summary>
    private static (List<(CperStreamItemKind Kind, long Offset, byte[] Data)> Items, StreamAccounting Accounting, InputSource Source) Frame(string path, InputEncoding encoding = InputEncoding.Auto, WrapOptions? wrap = null)
    {
        var source = InputSource.Open(path, File.OpenRead(path), null, encoding, wrap: wrap);
        var reader = source.OpenReader(1 << 20);
        var items = new List<(CperStreamItemKind, long, byte[])>();
        while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
            items.Add((reader.Current.Kind, reader.Current.Offset, System.Buffers.BuffersExtensions.ToArray(reader.Current.Data)));
        reader.Complete();
        return (items, reader.Accounting, source);
    }

    /// <summary><see cref="Frame"/> for a fixture that must be recognised as <paramref name="expected"/> with no wrapper entry in error.</summary>
    private static (List<(CperStreamItemKind Kind, long Offset, byte[] Data)> Items, StreamAccounting Accounting, InputSource Source) FrameClean(string name, InputEncoding expected)
    {
        var framed = Frame(Fleet(name));
        Assert.Equal(expected, framed.Source.Encoding);
        Assert.Empty(framed.Source.WrapperErrors);
        return framed;
    }

    private static (Guid Type, uint Severity, byte[] Body) Section(byte[] record, int index)
    {
        var d = record.AsSpan(CperRecordHeader.Size + index * CperSectionDescriptor.Size, CperSectionDescriptor.Size);
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(d), length = BinaryPrimitives.ReadUInt32LittleEndian(d[4..]);
        return (new Guid(d.Slice(CperSectionDescriptor.SectionTypeOffset, 16)), BinaryPrimitives.ReadUInt32LittleEndian(d[CperSectionDescriptor.SeverityOffset..]), record.AsSpan((int)offset, (int)length).ToArray());
    }

    private static JsonElement Stats(params string[] args)
    {
        var r = CliRunner.Run(["stats", "-f", "json", .. args]);
        return JsonDocument.Parse(r.Out).RootElement.Clone();
    }

    [Theory]
    [InlineData("whea-memory-padded.xxd")]
    [InlineData("whea-memory-padded.hexdump")]
    public void Xxd_and_hexdump_text_give_the_bytes_they_dump_with_the_same_accounting(string dump)
    {
        var binary = File.ReadAllBytes(Fleet("whea-memory-padded.bin"));
        var (items, accounting, source) = Frame(Fleet(dump));
        using (source)
        {
            Assert.Equal(InputEncoding.HexDump, source.Encoding);
            Assert.Null(source.TextError);
        }
        var expected = Frame(Fleet("whea-memory-padded.bin"));
        expected.Source.Dispose();
        Assert.Equal(expected.Items.Select(i => (i.Kind, i.Offset, Convert.ToHexString(i.Data))), items.Select(i => (i.Kind, i.Offset, Convert.ToHexString(i.Data))));
        Assert.Equal(Whea("TestErrorMemory1.bin"), items[0].Data);
        Assert.Equal(Whea("TestErrorMemory2.bin"), items[^1].Data);
        Assert.Equal(binary.Length, accounting.Bytes);
        Assert.Equal(1000, accounting.PaddingBytes); // the '*' lines expanded
        Assert.Equal(Stats(Fleet("whea-memory-padded.bin")).ToString(), Stats(Fleet(dump)).ToString());
        Assert.Equal(CliRunner.Run("decode", "-f", "ndjson", Fleet("whea-memory-padded.bin")).Out, CliRunner.Run("decode", "-f", "ndjson", Fleet(dump)).Out);
    }

    [Fact]
    public void The_CPER_in_the_ASCII_column_is_not_taken_for_a_record()
    {
        // Before: the text was read as binary, and the framing found "CPER" in the ASCII column.
        var stats = Stats(Fleet("whea-memory-padded.xxd"));
        Assert.Equal(2, stats.GetProperty("records").GetInt32());
        Assert.Equal(0, stats.GetProperty("problems").GetProperty("skippedRanges").GetInt32());
    }

    [Theory]
    [InlineData("00000000: 4350 4552\n00000010: 0000\n", "line 2: offset 0x10 where 0x4 was expected (a gap")]
    [InlineData("00000000  43 50 45 52 00 00 00 00  00 00 00 00 00 00 00 00  |CPER............|\n00000000  43 50 45 52\n", "line 2: offset 0x0 where 0x10 was expected (out of order")]
    [InlineData("00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n", "ends after '*' (line 2)")]
    [InlineData("00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000018\n", "line 3: offset 0x18 after '*' is not a whole number")]
    [InlineData("00000000  43 50 45 52\nhello\n", "line 2: \"hello\" does not start with an offset")]
    [InlineData("00000000: 4350 4552\n00000004  00 00\n", "line 2: \"00000004  00 00\" is a hexdump -C line in a xxd dump")]
    public void A_broken_dump_is_an_error_naming_its_line(string text, string message)
    {
        using var s = new HexDumpTextStream(new MemoryStream(Encoding.ASCII.GetBytes(text)));
        s.CopyTo(Stream.Null);
        Assert.NotNull(s.Error);
        Assert.Contains(message, s.Error, StringComparison.Ordinal);
        CliRunner.RunOnFile(text, ".txt", "decode", "-i", "xxd").AssertFailedSaying(message, exitCode: 1);
    }

    [Theory]
    [InlineData("00000000: 4350 4552 1002 ffff  CPER....", true)]
    [InlineData("00000000  43 50 45 52 10 02 ff ff  ff ff 01 00 02 00 00 00  |CPER............|", true)]
    [InlineData("00000000: 43 50 45 52  CPER", true)] // xxd -g1
    [InlineData("43504552  10020000 ffffffff", false)] // plain hex in groups: still hex
    [InlineData("00000000  43504552 10020000", false)] // zeros, then hex that is not in hexdump -C's groups
    [InlineData("00000100: 4350 4552", false)] // a dump from the middle: only with --input xxd
    [InlineData("435045521002ffffffff", false)]
    public void Hex_dumps_are_told_from_plain_hex(string firstLine, bool dump)
        => Assert.Equal(dump, HexDumpTextStream.LooksLikeHexDump(Encoding.ASCII.GetBytes(firstLine + "\n")));

    [Fact]
    public void A_hexdump_read_in_small_pieces_gives_the_same_bytes()
    {
        var text = File.ReadAllBytes(Fleet("whea-memory-padded.hexdump"));
        using var s = new HexDumpTextStream(new TrickleStream(text, 7));
        var ms = new MemoryStream();
        s.CopyTo(ms);
        Assert.Null(s.Error);
        Assert.Equal(File.ReadAllBytes(Fleet("whea-memory-padded.bin")), ms.ToArray());
    }

    [Fact]
    public void Redfish_entries_give_the_record_and_the_sections_they_carry()
    {
        var (items, accounting, source) = FrameClean("redfish-logentries.json", InputEncoding.Redfish);
        using (source)
        {
            Assert.Equal(3, items.Count);
            Assert.All(items, i => Assert.Equal(CperStreamItemKind.Record, i.Kind));
            Assert.Equal(accounting.Bytes, accounting.RecordBytes);
            // CPER: the record itself, byte for byte.
            Assert.Equal(Whea("TestErrorMemory1.bin"), items[0].Data);
            Assert.False(source.OriginAt(items[0].Offset)!.HeaderSynthesised);
            // CPERSection: the section body (entry 2) and the descriptor + body (entry 3) of TestErrorMemory2's two sections.
            var m2 = Whea("TestErrorMemory2.bin");
            for (int s = 0; s < 2; s++)
            {
                var want = Section(m2, s);
                var got = Section(items[s + 1].Data, 0);
                Assert.Equal(want.Type, got.Type);
                Assert.Equal(want.Body, got.Body);
                var origin = source.OriginAt(items[s + 1].Offset)!;
                Assert.True(origin.HeaderSynthesised);
                Assert.Contains($"LogEntry {s + 2} (/redfish/v1/Systems/system/LogServices/EventLog/Entries/{s + 2})", origin.Entry, StringComparison.Ordinal);
            }
            // Entry 3 carried its descriptor: kept byte for byte but for Section Offset.
            var d = m2.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.Size, CperSectionDescriptor.Size).ToArray();
            var kept = items[2].Data.AsSpan(CperRecordHeader.Size, CperSectionDescriptor.Size).ToArray();
            Assert.Equal(d[4..], kept[4..]);
            // Notification type from CPER.NotificationType (entry 2).
            Assert.Equal(CperGuids.NotificationName(new Guid(items[1].Data.AsSpan(CperRecordHeader.NotificationTypeOffset, 16))), CperGuids.NotificationName(new Guid(m2.AsSpan(CperRecordHeader.NotificationTypeOffset, 16))));
        }
        var decode = CliRunner.Run("decode", "-f", "ndjson", Fleet("redfish-logentries.json"));
        Assert.Equal(0, decode.ExitCode);
        var lines = decode.OutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal("no", lines[0].GetProperty("source").GetProperty("headerSynthesised").GetString());
        Assert.Contains("\"Rack\":\"R12\"", lines[0].GetProperty("source").GetProperty("oem").GetString(), StringComparison.Ordinal);
        Assert.Equal("yes", lines[1].GetProperty("source").GetProperty("headerSynthesised").GetString());
        Assert.Contains("synthesised", lines[1].GetProperty("source").GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Contains("CPER.Oem", lines[1].GetProperty("source").GetProperty("oem").GetString(), StringComparison.Ordinal);
        var text = CliRunner.Run("decode", Fleet("redfish-logentries.json")).Out;
        Assert.Contains("Source: ", text, StringComparison.Ordinal);
        Assert.Contains("record header and section descriptor synthesised by ApeiKit around the section body of LogEntry 2", text, StringComparison.Ordinal);
        var stats = Stats(Fleet("redfish-logentries.json"));
        Assert.Equal(3, stats.GetProperty("records").GetInt32());
    }

    [Fact]
    public void Malformed_LogEntries_are_errors_naming_the_entry_and_the_good_ones_decode()
    {
        var r = CliRunner.Run("decode", "-f", "ndjson", Fleet("redfish-malformed.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.OutLines); // entry 14
        Assert.Contains("LogEntry 10 (/redfish/v1/Systems/system/LogServices/EventLog/Entries/10): DiagnosticData is not valid base64", r.Error, StringComparison.Ordinal);
        Assert.Contains("LogEntry 11 (/redfish/v1/Systems/system/LogServices/EventLog/Entries/11): DiagnosticDataType is CPERSection but CPER.SectionType is missing", r.Error, StringComparison.Ordinal);
        Assert.Contains("LogEntry 12 (/redfish/v1/Systems/system/LogServices/EventLog/Entries/12): no DiagnosticData", r.Error, StringComparison.Ordinal);
        Assert.Contains("LogEntry 13 (/redfish/v1/Systems/system/LogServices/EventLog/Entries/13): the CPER payload is an attachment at /redfish/v1/Systems/system/LogServices/EventLog/Entries/13/attachment (277 bytes)", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        var s = CliRunner.Run("stats", Fleet("redfish-malformed.json"));
        Assert.Equal(1, s.ExitCode);
        Assert.Contains("LogEntry 11", s.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"DiagnosticDataType\": \"CPER\", \"DiagnosticData\": ", "not valid JSON")]
    [InlineData("[{\"Id\": \"5\", \"DiagnosticDataType\": \"CPERSection\", \"DiagnosticData\": \"AAAA\", \"CPER\": {\"SectionType\": \"nope\"}}]", "LogEntry 5 ([0]): CPER.SectionType \"nope\" is not a GUID")]
    [InlineData("[{\"Id\": \"6\", \"DiagnosticDataType\": \"CPER\", \"DiagnosticData\": \"\"}]", "LogEntry 6 ([0]): DiagnosticData is empty")]
    [InlineData("[42]", "LogEntry [0]: a JSON number, not an object")]
    public void Broken_Redfish_JSON_is_a_clear_error(string json, string message)
    {
        CliRunner.RunOnFile(json, ".json", "decode", "-i", "redfish").AssertFailedSaying(message);
    }

    [Fact]
    public void A_PLDM_record_file_gives_the_record_and_a_section_file_its_section()
    {
        var (items, _, source) = Frame(Fleet("pldm-record.bin"));
        using (source)
        {
            Assert.Equal(InputEncoding.Pldm, source.Encoding);
            Assert.Equal(Edk2("whea_01.bin"), Assert.Single(items).Data);
            Assert.Equal(4, source.OriginAt(0)!.SourceOffset);
        }
        (items, _, source) = Frame(Fleet("pldm-section.bin"));
        using (source)
        {
            var record = Assert.Single(items).Data;
            var mul = Whea("TestErrorMultiple1.bin");
            Assert.Equal(Section(mul, 0), Section(record, 0), SectionComparer.Instance);
            Assert.Equal(Section(mul, 0).Severity, BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(CperRecordHeader.SeverityOffset)));
            Assert.True(source.OriginAt(0)!.HeaderSynthesised);
        }
        var r = CliRunner.Run("decode", Fleet("pldm-past-end.bin"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("PLDM CPER event #1 at offset 0: eventDataLength 973 goes past the end of the file (873 bytes after the header)", r.Error, StringComparison.Ordinal);
        Assert.Equal(1, Stats("-i", "pldm", Fleet("pldm-record.bin")).GetProperty("records").GetInt32());
    }

    [Fact]
    public void Windows_event_XML_gives_one_record_per_WHEA_event_in_UTF8_and_UTF16()
    {
        foreach (var file in new[] { "whea-events.xml", "whea-events-utf16.xml" })
        {
            var (items, accounting, source) = FrameClean(file, InputEncoding.WheaXml);
            using (source)
            {
                Assert.Equal(2, items.Count);
                Assert.Equal(Edk2("whea_01.bin"), items[0].Data);
                Assert.Equal(Edk2("whea_02.bin"), items[1].Data);
                Assert.Equal(accounting.Bytes, accounting.RecordBytes);
                Assert.Contains("EventRecordID 1202", source.OriginAt(items[1].Offset)!.Entry, StringComparison.Ordinal);
            }
        }
        var r = CliRunner.Run("decode", "-f", "ndjson", Fleet("whea-events.xml"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("1 event(s) of other providers", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_file_for_bert_build_says_what_its_wrapper_skipped()
    {
        // whea-events.xml holds a Service Control Manager event between its two WHEA-Logger events: bert build uses two
        // records and says the third event was skipped, as decode does (nothing lost silently).
        string file = Fleet("whea-events.xml");
        var r = CliRunner.Run("bert", "build", file, "--region-address", "0x7FF00000", "-o", PathOf("BERT"), "--region-out", PathOf("region"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains($"apeikit: {file}: 1 event(s) of other providers (not WHEA-Logger) and without RawData skipped", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<Events><Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"Microsoft-Windows-WHEA-Logger\"/><EventID>47</EventID><EventRecordID>7</EventRecordID></System><EventData><Data Name=\"RawData\">43505Z</Data></EventData></Event></Events>",
        "Microsoft-Windows-WHEA-Logger event #1 (EventID 47, EventRecordID 7): RawData is not hex")]
    [InlineData("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"Microsoft-Windows-WHEA-Logger\"/><EventRecordID>8</EventRecordID></System><EventData/></Event>",
        "event #1 (EventRecordID 8): no RawData")]
    [InlineData("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>", "not well-formed XML")]
    public void Broken_event_XML_is_a_clear_error(string xml, string message)
    {
        CliRunner.RunOnFile(xml, ".xml", "decode").AssertFailedSaying(message);
    }

    [Theory]
    [InlineData("whea-events.xml", "whea_01.bin", "whea_02.bin")]
    [InlineData("pldm-record.bin", "whea_01.bin")]
    public void A_wrapped_input_decodes_as_the_binary_it_carries_but_for_its_source(string wrapped, params string[] binaries)
    {
        using var temp = TempFile.Of(binaries.SelectMany(Edk2).ToArray(), ".bin");
        string bin = temp.Path;
        static List<string> Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l =>
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject();
            node.Remove("source");
            return node.ToJsonString();
        }).ToList();
        var expected = Lines(CliRunner.Run("decode", "-f", "ndjson", bin).Out);
        var got = Lines(CliRunner.Run("decode", "-f", "ndjson", Fleet(wrapped)).Out);
        Assert.Equal(binaries.Length, got.Count);
        Assert.Equal(expected, got);
        var statsBin = Stats(bin);
        var statsWrapped = Stats(Fleet(wrapped));
        Assert.Equal(statsBin.GetProperty("records").GetInt32(), statsWrapped.GetProperty("records").GetInt32());
        Assert.Equal(statsBin.GetProperty("severity").ToString(), statsWrapped.GetProperty("severity").ToString());
        Assert.Equal(statsBin.GetProperty("sectionTypes").ToString(), statsWrapped.GetProperty("sectionTypes").ToString());
    }

    [Fact]
    public void A_lone_section_with_its_type_is_wrapped_into_a_record()
    {
        var m2 = Whea("TestErrorMemory2.bin");
        var want = Section(m2, 0);
        var (items, _, source) = Frame(Fleet("memory-section-body.bin"), wrap: new WrapOptions(want.Type, 2));
        using (source)
        {
            var record = Assert.Single(items).Data;
            var got = Section(record, 0);
            Assert.Equal(want.Type, got.Type);
            Assert.Equal(want.Body, got.Body);
            Assert.Equal(2u, got.Severity);
            Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(CperRecordHeader.SeverityOffset)));
        }
        string type = want.Type.ToString();
        var r = CliRunner.Run("decode", "--section-type", type, "--severity", "corrected", Fleet("memory-section-body.bin")).AssertSucceeded(
            "Platform Memory",
            "synthesised by ApeiKit around the section body given");
        var stats = Stats("--section-type", type, "--severity", "corrected", Fleet("memory-section-body.bin"));
        Assert.Equal(1, stats.GetProperty("records").GetInt32());
        Assert.Equal("corrected", stats.GetProperty("severity")[0].GetProperty("name").GetString());
        Assert.Contains("needs --section-type", CliRunner.Run("decode", "-i", "section", Fleet("memory-section-body.bin")).Error, StringComparison.Ordinal);
        Assert.Contains("is not a GUID", CliRunner.Run("decode", "--section-type", "memory", Fleet("memory-section-body.bin")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_inputs_name_the_source_of_every_record()
    {
        string a = Fixtures.Path("cper/whea/TestErrorMemory1.bin"), b = Fleet("whea-memory-padded.hexdump");
        var nd = CliRunner.Run("decode", "-f", "ndjson", a, b);
        var lines = nd.OutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("source")).ToList();
        // b's 1000 bytes of zero padding are an item too, with the same source (its offset is into b).
        Assert.Equal([(a, 0L), (b, 0L), (b, 277L), (b, 1277L)], lines.Select(s => (s.GetProperty("file").GetString()!, s.GetProperty("offset").GetInt64())));
        var padding = JsonDocument.Parse(nd.OutLines[2]).RootElement;
        Assert.Equal(("zero", 277L, 1000L), (padding.GetProperty("padding").GetString(), padding.GetProperty("offset").GetInt64(), padding.GetProperty("length").GetInt64()));
        using var json = JsonDocument.Parse(CliRunner.Run("decode", "-f", "json", a, b).Out);
        Assert.Equal(b, json.RootElement[3].GetProperty("source").GetProperty("file").GetString());
        var text = CliRunner.Run("decode", a, b).Out;
        Assert.Contains($"Source: {b} at offset 1277 (0x4FD)", text, StringComparison.Ordinal);
        // One plain input: the output is unchanged (no source member).
        Assert.DoesNotContain("\"source\"", CliRunner.Run("decode", "-f", "ndjson", a).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_reads_back_decode_output_that_names_sources()
    {
        string a = Fixtures.Path("cper/whea/TestErrorMemory1.bin"), b = Fleet("whea-events.xml");
        string json = PathOf("sources.json"), back = PathOf("sources.bin");
        File.WriteAllText(json, CliRunner.Run("decode", "-f", "json", a, b).Out);
        var r = CliRunner.Run("encode", json, "-o", back);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal([.. Whea("TestErrorMemory1.bin"), .. Edk2("whea_01.bin"), .. Edk2("whea_02.bin")], File.ReadAllBytes(back));
    }

    private static byte[] LibCper(string name) => Fixtures.Binary("cper/libcper/" + name);

    [Fact]
    public void A_rasdaemon_database_gives_its_sections_rebuilt_from_the_rows()
    {
        var (items, accounting, source) = FrameClean("rasdaemon.db", InputEncoding.Rasdaemon);
        using (source)
        {
            Assert.Contains(source.WrapperNotices, n => n.Contains("mc_event (1 rows)", StringComparison.Ordinal));
            Assert.Equal(5, items.Count);
            Assert.Equal(accounting.Bytes, accounting.RecordBytes);
            var mul = Whea("TestErrorMultiple1.bin");
            var sources = new[] { Section(mul, 2), Section(mul, 3), Section(Whea("TestErrorUnsupportedSection2.bin"), 0) };
            for (int i = 0; i < 3; i++)
            {
                // non_standard_event: the body as the kernel copied it, type, severity and FRU from the row.
                Assert.Equal(sources[i], Section(items[i].Data, 0), SectionComparer.Instance);
                Assert.Contains($"non_standard_event id {i + 1}", source.OriginAt(items[i].Offset)!.Entry, StringComparison.Ordinal);
                if (i < 2)
                {
                    var fruId = mul.AsSpan(CperRecordHeader.Size + (i + 2) * CperSectionDescriptor.Size + CperSectionDescriptor.FruIdOffset, 16).ToArray();
                    var gotFru = items[i].Data.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.FruIdOffset, 16).ToArray();
                    Assert.Equal(fruId.Any(b => b != 0) ? fruId : new byte[16], gotFru);
                }
            }
            // arm_event: the ARM section rebuilt; everything but MIDR_EL1 (not stored by rasdaemon) as in the source.
            var armSource = Section(LibCper("arm.cperhex"), 0);
            var arm = Section(items[3].Data, 0);
            Assert.Equal(CperGuids.ProcessorArm, arm.Type);
            Assert.Equal(armSource.Body.Length, arm.Body.Length);
            Assert.Equal(armSource.Body.AsSpan(4, 20).ToArray(), arm.Body.AsSpan(4, 20).ToArray());
            Assert.Equal(new byte[8], arm.Body.AsSpan(24, 8).ToArray());
            Assert.Equal(armSource.Body.AsSpan(32).ToArray(), arm.Body.AsSpan(32).ToArray());
            // extlog_event: the memory section rebuilt from the compact form; Error Status and PA mask are not stored.
            var memSource = Section(mul, 0);
            var mem = Section(items[4].Data, 0);
            Assert.Equal(memSource.Type, mem.Type);
            Assert.Equal(memSource.Severity, mem.Severity);
            Assert.Equal(memSource.Body.AsSpan(16, 8).ToArray(), mem.Body.AsSpan(16, 8).ToArray());
            Assert.Equal(memSource.Body.AsSpan(32).ToArray(), mem.Body.AsSpan(32).ToArray());
            Assert.All(items, i => Assert.True(source.OriginAt(i.Offset)!.HeaderSynthesised));
        }
        var stats = Stats(Fleet("rasdaemon.db"));
        Assert.Equal(5, stats.GetProperty("records").GetInt32());
        var decode = CliRunner.Run("decode", "-f", "ndjson", "-i", "rasdaemon", Fleet("rasdaemon.db")).AssertSucceeded("lossy: rasdaemon stores neither MIDR_EL1");
    }

    [Fact]
    public void A_database_rasdaemon_did_not_write_is_a_clear_error()
    {
        var r = CliRunner.Run("decode", Fleet("rasdaemon-unknown.db"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("table non_standard_event: no column sec_type", r.Error, StringComparison.Ordinal);
        using var temp = TempFile.Of([.. "SQLite format 3\0"u8, .. new byte[200]], ".db");
        string path = temp.Path;
        var bad = CliRunner.Run("stats", path);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("SQLite cannot read it", bad.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bad.Error + r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_log_blocks_are_parsed_back_into_records_marked_lossy()
    {
        var (items, accounting, source) = FrameClean("dmesg-hardware-errors.txt", InputEncoding.Dmesg);
        using (source)
        {
            Assert.Equal(2, items.Count);
            Assert.Equal(accounting.Bytes, accounting.RecordBytes);
            // Block {1}: the memory error, with exactly the fields the kernel printed (error status, node, card, type).
            var m1 = Section(Whea("TestErrorMemory1.bin"), 0);
            var mem = Section(items[0].Data, 0);
            Assert.Equal(m1.Type, mem.Type);
            Assert.Equal(m1.Severity, mem.Severity);
            Assert.Equal(m1.Body.AsSpan(0, 8).ToArray(), mem.Body.AsSpan(0, 8).ToArray()); // validation bits 0x4019
            Assert.Equal(m1.Body.AsSpan(8, 8).ToArray(), mem.Body.AsSpan(8, 8).ToArray());
            Assert.Equal(m1.Body.AsSpan(32, 4).ToArray(), mem.Body.AsSpan(32, 4).ToArray());
            Assert.Equal(m1.Body[72], mem.Body[72]);
            Assert.Equal("Slot 0=", System.Text.Encoding.ASCII.GetString(items[0].Data.AsSpan(CperRecordHeader.Size + CperSectionDescriptor.FruTextOffset, 7)));
            // Block {2}: two sections of types Linux does not know, byte for byte from their hex dumps (words and bytes).
            var mul = Whea("TestErrorMultiple1.bin");
            Assert.Equal(Section(mul, 2), Section(items[1].Data, 0), SectionComparer.Instance);
            Assert.Equal(Section(mul, 3), Section(items[1].Data, 1), SectionComparer.Instance);
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(items[1].Data.AsSpan(CperRecordHeader.SeverityOffset)));
            Assert.Contains("lossy", source.OriginAt(items[0].Offset)!.Note, StringComparison.Ordinal);
        }
        Assert.Equal(2, Stats(Fleet("dmesg-hardware-errors.txt")).GetProperty("records").GetInt32());
    }

    [Fact]
    public void Kernel_log_sections_that_are_not_parsed_back_are_said_and_a_short_hex_dump_is_an_error()
    {
        string text = "[ 1.0] {3}[Hardware Error]: Hardware error from APEI Generic Hardware Error Source: 1\n"
            + "[ 1.0] {3}[Hardware Error]: event severity: recoverable\n"
            + "[ 1.0] {3}[Hardware Error]:  Error 0, type: recoverable\n"
            + "[ 1.0] {3}[Hardware Error]:   section_type: PCIe error\n"
            + "[ 1.0] {3}[Hardware Error]:  Error 1, type: recoverable\n"
            + "[ 1.0] {3}[Hardware Error]:   section type: unknown, 93a41c2f-a09f-e7c2-ac1f-f2488f03eec3\n"
            + "[ 1.0] {3}[Hardware Error]:   section length: 0x8\n"
            + "[ 1.0] {3}[Hardware Error]:   00000000: 00000001  ....\n";
        var r = CliRunner.RunOnFile(text, ".txt", "decode");
        r.AssertFailedSaying("a \"PCIe error\" section is printed by the kernel as decoded text that ApeiKit does not parse back", exitCode: 1);
        Assert.Contains("kernel log block {3} at line 1: section of type 93a41c2f-a09f-e7c2-ac1f-f2488f03eec3: the hex dump holds 4 bytes, the kernel said section length 8", r.Error, StringComparison.Ordinal);
        Assert.Contains("no section ApeiKit parses back", r.Error, StringComparison.Ordinal);
    }

    /// <summary>Random flips, cuts and insertions in every wrapped fixture: each gives records, errors naming entries, or a usage error; never another exception.</summary>
    [Theory]
    [InlineData("whea-memory-padded.xxd")]
    [InlineData("whea-memory-padded.hexdump")]
    [InlineData("redfish-logentries.json")]
    [InlineData("pldm-record.bin")]
    [InlineData("pldm-section.bin")]
    [InlineData("whea-events.xml")]
    [InlineData("dmesg-hardware-errors.txt")]
    [InlineData("rasdaemon.db")]
    public async Task Mutated_wrappers_never_crash(string name)
    {
        var original = File.ReadAllBytes(Fleet(name));
        var framed = Frame(Fleet(name));
        var encoding = framed.Source.Encoding;
        framed.Source.Dispose();
        for (int seed = 0; seed < 150; seed++)
        {
            var rng = new Random(seed);
            var bytes = original.ToList();
            for (int k = rng.Next(1, 6); k > 0 && bytes.Count > 0; k--)
            {
                int at = rng.Next(bytes.Count);
                switch (rng.Next(4))
                {
                    case 0: bytes[at] = (byte)rng.Next(256); break;
                    case 1: bytes.RemoveRange(at, Math.Min(rng.Next(1, 40), bytes.Count - at)); break;
                    case 2:
                        const string Chars = "0123456789abcdef :*\n{}[]\"<>";
                        bytes.Insert(at, (byte)Chars[rng.Next(Chars.Length)]);
                        break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }
            var input = bytes.ToArray();
            foreach (var e in new[] { InputEncoding.Auto, encoding })
            {
                try
                {
                    using var source = InputSource.Open(name, new MemoryStream(input), null, e);
                    var reader = source.OpenReader(1 << 20);
                    while (await reader.ReadAsync())
                    {
                        if (reader.Current.Kind != CperStreamItemKind.Record) continue;
                        var record = System.Buffers.BuffersExtensions.ToArray(reader.Current.Data);
                        try
                        {
                            CperRecordDescriber.Describe(record, reader.Current.Offset, new ErrorCollector(new TextRenderer(TextWriter.Null)), "r", out _);
                        }
                        catch (ApeiContentException)
                        {
                            // a header cut short: what decode reports
                        }
                    }
                    reader.Complete();
                }
                catch (CliUsageException)
                {
                    // a clear usage error (not JSON, not XML, ...)
                }
            }
        }
    }

    private sealed class SectionComparer : IEqualityComparer<(Guid Type, uint Severity, byte[] Body)>
    {
        public static readonly SectionComparer Instance = new();
        public bool Equals((Guid Type, uint Severity, byte[] Body) x, (Guid Type, uint Severity, byte[] Body) y) => x.Type == y.Type && x.Severity == y.Severity && x.Body.AsSpan().SequenceEqual(y.Body);
        public int GetHashCode((Guid Type, uint Severity, byte[] Body) obj) => obj.Type.GetHashCode();
    }

    /// <summary>A stream that returns at most a few bytes per read (a slow pipe).</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(chunk, buffer.Length)]);
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(chunk, count));
    }
}
