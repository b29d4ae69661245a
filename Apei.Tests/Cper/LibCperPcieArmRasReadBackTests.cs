using System.Globalization;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// libcper's own JSON for the PCIe and ARM RAS records it was given (its example pairs in fixtures/cper/libcper, the
/// walk pairs in fixtures/libcper-walk) read back to those records' bytes, but for the bytes libcper's JSON does not
/// hold, each range listed with why; and to the records libcper's own reader builds from the same JSON, but for the bytes
/// it drops. <see cref="LibCperCompatTests"/> only holds these (lossy) pairs to re-rendering the same JSON; this holds
/// the bytes. Offsets are the record's; every pair here has one section, whose body starts at byte 200 (128-byte record
/// header, one 72-byte descriptor).
/// </summary>
public class LibCperPcieArmRasReadBackTests
{
    private static byte[] Record(string path)
        => path.EndsWith(".cperhex", StringComparison.Ordinal) ? Fixtures.Binary(path)
            : Fixtures.HexText(path);

    [Theory]
    // IP instance bytes 8-15 (reserved in the PE format libcper shows) and the 24 IP type bytes (format 3, PIDR: libcper shows nothing).
    [InlineData("cper/libcper/arm-ras", "232-263")]
    // The same, and bytes 2-7 of the MPAM PARTID pair's value (libcper shows the low 16 bits).
    [InlineData("libcper-walk/arm-ras-mpam", "232-263 786-787")]
    // The same, the 16 user data bytes (no NUL: libcper shows none) and a reserved byte of the first context's header.
    [InlineData("libcper-walk/arm-ras-userdata-full", "232-279 595")]
    // The descriptor's FRU text and its validation bit (a byte libcper does not print), and the version, device ID and
    // bridge registers, whose validation bits are clear (libcper leaves them out).
    [InlineData("cper/libcper/pcie", "138 180-198 212-213 224-238 248-251")]
    public void Libcpers_json_reads_back_to_the_record_but_for_the_bytes_it_does_not_show(string name, string notShown)
    {
        bool example = name.StartsWith("cper/", StringComparison.Ordinal);
        var record = Record(name + (example ? ".cperhex" : ".hex"));
        var read = LibCperJsonReader.ToBinary(File.ReadAllText(Fixtures.Path(name + ".json")));
        Assert.Equal(record.Length, read.Length);
        var ranges = notShown.Split(' ').Select(r => r.Split('-')).Select(p => (From: int.Parse(p[0], CultureInfo.InvariantCulture), To: int.Parse(p[^1], CultureInfo.InvariantCulture))).ToList();
        for (int i = 0; i < record.Length; i++)
            if (!ranges.Any(r => i >= r.From && i <= r.To))
                Assert.True(record[i] == read[i], FormattableString.Invariant($"{name}: byte {i} (body {i - 200}) reads back as 0x{read[i]:X2}, the record has 0x{record[i]:X2}"));
        // A listed range libcper's JSON now holds must be taken off the list.
        foreach (var (from, to) in ranges)
            Assert.True(record.AsSpan(from, to - from + 1).SequenceCompareTo(read.AsSpan(from, to - from + 1)) != 0, $"{name}: bytes {from}-{to} now read back; remove them from the list");
    }

    [Theory]
    [InlineData("libcper-walk/pcie-version-bcd", "")]
    [InlineData("cper/libcper/pcie", "")]
    // Each local-scope auxiliary context's flags byte and 16-bit address space identifier (body bytes 388, 392-393, 500,
    // 504-505): libcper's reader (ir_section_arm_ras_to_cper, arm_ras_build_aux_blob) sets the scope from
    // json_object_get_int of the scope's name (0) and never stores the identifier it looks up; ours keeps both, as
    // libcper's writer printed them.
    [InlineData("cper/libcper/arm-ras", "588 592-593 700 704-705")]
    [InlineData("libcper-walk/arm-ras-mpam", "588 592-593 700 704-705")]
    [InlineData("libcper-walk/arm-ras-userdata-full", "588 592-593 700 704-705")]
    public void Libcpers_json_reads_back_to_the_record_libcpers_reader_builds_but_for_the_bytes_it_drops(string name, string differing)
    {
        // fixtures/libcper-readback/NAME.hex: what libcper's own reader (benchmarks/libcper/ir-to-cper.c) wrote for the
        // same JSON. The whole record from byte 0 (header, descriptor, body): exactly the listed bytes differ.
        var libcpers = Record($"libcper-readback/{Path.GetFileName(name)}.hex");
        var read = LibCperJsonReader.ToBinary(File.ReadAllText(Fixtures.Path(name + ".json")));
        Assert.Equal(libcpers.Length, read.Length);
        Assert.Equal(differing, Ranges(Enumerable.Range(0, read.Length).Where(i => libcpers[i] != read[i])));
    }

    /// <summary>"FROM-TO" or "AT" for each run of consecutive offsets, space-separated, as the cases list them.</summary>
    private static string Ranges(IEnumerable<int> offsets)
    {
        var runs = new List<(int From, int To)>();
        foreach (int i in offsets)
        {
            if (runs.Count > 0 && runs[^1].To == i - 1) runs[^1] = (runs[^1].From, i);
            else runs.Add((i, i));
        }
        return string.Join(' ', runs.Select(r => r.From == r.To ? r.From.ToString(CultureInfo.InvariantCulture) : FormattableString.Invariant($"{r.From}-{r.To}")));
    }
}
