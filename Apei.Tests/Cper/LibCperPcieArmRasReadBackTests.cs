using System.Globalization;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// libcper's own JSON for the PCIe and ARM RAS records it was given (its example pairs in fixtures/cper/libcper, the
/// walk pairs in fixtures/libcper-walk) read back to those records' bytes, but for the bytes libcper's JSON does not
/// hold, each range listed with why. <see cref="LibCperCompatTests"/> only holds these (lossy) pairs to re-rendering the
/// same JSON; this holds the bytes. Every pair here has one section, whose body starts at byte 200 (128-byte record
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
    // Each local-scope auxiliary context's flags byte and 16-bit address space identifier: libcper's reader
    // (ir_section_arm_ras_to_cper, arm_ras_build_aux_blob) sets the scope from json_object_get_int of the scope's name
    // (0) and never stores the identifier it looks up; ours keeps both, as libcper's writer printed them.
    [InlineData("cper/libcper/arm-ras", "388 392-393 500 504-505")]
    [InlineData("libcper-walk/arm-ras-mpam", "388 392-393 500 504-505")]
    [InlineData("libcper-walk/arm-ras-userdata-full", "388 392-393 500 504-505")]
    public void Libcpers_json_reads_back_to_the_body_libcpers_reader_builds_but_for_the_bytes_it_drops(string name, string differing)
    {
        // fixtures/libcper-readback/NAME.hex: what libcper's own reader (benchmarks/libcper/ir-to-cper.c) wrote for the
        // same JSON. Both have one section, its body at byte 200.
        var libcpers = Record($"libcper-readback/{Path.GetFileName(name)}.hex");
        var read = LibCperJsonReader.ToBinary(File.ReadAllText(Fixtures.Path(name + ".json")));
        Assert.Equal(libcpers.Length - 200, read.Length - 200);
        var listed = differing.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split('-'))
            .SelectMany(p => Enumerable.Range(int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[^1], CultureInfo.InvariantCulture) - int.Parse(p[0], CultureInfo.InvariantCulture) + 1)).ToHashSet();
        for (int i = 200; i < read.Length; i++)
            Assert.True((libcpers[i] == read[i]) != listed.Contains(i - 200),
                FormattableString.Invariant($"{name}: body byte {i - 200} is 0x{read[i]:X2}, libcper's reader 0x{libcpers[i]:X2} ({(listed.Contains(i - 200) ? "listed as differing" : "not listed")})"));
    }
}
