using ApeiKit;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;

// Runs the package READMEs' examples (Generated/ReadmeExamples.g.cs, extracted from the READMEs by run.sh) against the
// packed packages and checks what they return. Exit code 0 when every example does what its README says.
internal static partial class ReadmeExamples
{
    private static int s_failed;

    private static void Check(string example, bool ok, string detail = "")
    {
        Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {example}{(detail.Length == 0 ? "" : ": " + detail)}");
        if (!ok) s_failed++;
    }

    public static async Task<int> Main()
    {
        // Apei: the GAS layout, as Apei/README.md shows it.
        string gas = RenderGenericAddress();
        Check("Apei", gas.Contains("[0004    8] Address                            : 0x0000000040000000  | 00 00 00 40 00 00 00 00", StringComparison.Ordinal));

        // Cper: three records built from code, concatenated in a file, walked back.
        var record = new CperRecord { Severity = 2 };
        record.Sections.Add(new CperSection { Body = new MemoryErrorSection { ValidationBits = 0x2, PhysicalAddress = 0x1_2345_6000 }, Severity = 2 });
        byte[] one = record.Encode();
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, [.. one, .. one, .. one]);
            var lines = await ListRecordsAsync(path);
            Check("Cper", lines.Count == 3 && lines[2].StartsWith($"offset {2 * one.Length}:", StringComparison.Ordinal), string.Join(" | ", lines));
        }
        finally
        {
            File.Delete(path);
        }

        // Cper typed section views: the address read through the generated zero-copy view.
        var addresses = MemoryErrorAddresses(one);
        Check("SectionView", addresses.Count == 1 && addresses[0] == 0x1_2345_6000, string.Join(", ", addresses));

        // Cper vendor sections: the registered name in the rendering.
        var vendor = new CperRecord { Severity = 2 };
        vendor.Sections.Add(new CperSection { Body = new RawSectionBody(new Guid("5a1e0f2c-9d1b-4c3e-8f00-ac3e0000beef"), [1, 2, 3, 4]) });
        Check("VendorSection", DescribeWithVendorCodec(vendor.Encode()).Contains("Section 0: Acme Widget", StringComparison.Ordinal));

        // Hest: a valid table and its region; its one-line layout rendering (the snapshot example's call).
        var (hest, region) = BuildHest();
        string layout = HestTable.Read(hest).ToLayoutString();
        Check("Hest", region is not null && layout.StartsWith("[0000", StringComparison.Ordinal) && HestTableModel.Decode(hest).Sources.Count == 2);

        // Ghes: a block the consumer checks accept.
        byte[] block = BuildErrorStatusBlock();
        Check("Ghes", ((MemoryErrorSection)ErrorStatusBlock.Decode(block, out _).Entries[0].Body).PhysicalAddress == 0x1_2345_6000);

        // Ghes input recognition: the record above as hex text is one record region.
        var recognised = ListInput(System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(one)));
        Check("InputRecognizer", recognised.Count == 2 && recognised[0] == "Hex input holding CperRecords" && recognised[1] == $"CperRecord at 0, {one.Length} bytes", string.Join(" | ", recognised));

        // Platform: the default scenario keeps its invariants.
        var run = RunDefaultScenario();
        Check("Platform", run.Outcomes.Count > 0);

        Console.WriteLine(s_failed == 0 ? "all README examples ran as documented" : $"{s_failed} example(s) failed");
        return s_failed == 0 ? 0 : 1;
    }
}
