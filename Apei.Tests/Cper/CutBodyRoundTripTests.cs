using System.Buffers.Binary;
using System.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.Json;
using ApeiKit.Cper.Vendors;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// A body cut short where a count or length no longer fits: decode writes the bytes it could not place as
/// <c>undecoded</c>, and encode (<see cref="CperJsonReader"/>) puts them back where the describer found them, so decode's
/// JSON of such a record encodes to the same bytes. The bodies are real ones (libcper's examples), cut at every length
/// that makes the describer write <c>undecoded</c>. A record libcper's reader wrote with its body cut so
/// (cper/libcper-ir-to-cper/ia32x64-type2-short.bin) is held to the same round trip by <see cref="JsonRoundTripTests"/>,
/// its <c>undecoded</c> member by <see cref="CperJsonSchemaTests"/>.
/// </summary>
public class CutBodyRoundTripTests
{
    /// <summary>The first descriptor's Section Offset and Section Length (UEFI 2.10 N.2.2) in a record.</summary>
    private static readonly int SectionOffsetAt = CperRecordView.DescriptorOffset(0) + CperSectionDescriptor.SectionOffsetOffset,
        SectionLengthAt = CperRecordView.DescriptorOffset(0) + CperSectionDescriptor.SectionLengthOffset;

    /// <summary>The single-section record <paramref name="record"/> with its body cut to <paramref name="keep"/> bytes (record and section lengths follow).</summary>
    private static byte[] Cut(byte[] record, int keep)
    {
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(SectionOffsetAt));
        var cut = record[..(offset + keep)];
        BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(CperRecordHeader.RecordLengthOffset), (uint)cut.Length); // Record Length (UEFI N.2.1)
        BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(SectionLengthAt), (uint)keep); // Section Length (N.2.2)
        return cut;
    }

    private static string Json(byte[] record) => CperRecordView.Read(record, out _).ToJson();

    private static byte[] Encode(string json) => Assert.Single(CperJsonReader.ReadRecords(Encoding.UTF8.GetBytes(json))).Encode();

    /// <summary>
    /// Every cut of the body at or past its fixed header (<paramref name="header"/> bytes; a body shorter than that is not
    /// this walk's) that the describer reports an error for encodes back; <paramref name="undecoded"/>: some of them
    /// leave bytes <c>undecoded</c>. The CXL protocol describer never does (a DVSEC or error log length that does not fit is
    /// cut to the bytes left, so nothing is left after them): its cuts are held to the same round trip.
    /// </summary>
    [Theory]
    [InlineData("cper/libcper/ia32x64.cperhex", Ia32X64ProcessorSection.HeaderSize, true)]
    [InlineData("cper/libcper/arm.cperhex", ArmProcessorSection.HeaderSize, true)]
    [InlineData("cper/libcper/nvidia_event_gpu_init.cperhex", NvidiaEventSection.HeaderSize + NvidiaEventSection.InfoHeaderSize, true)]
    [InlineData("cper/libcper/cxlprotocol.cperhex", CxlProtocolErrorSection.HeaderSize, false)]
    [InlineData("cper/libcper/arm-ras.cperhex", ArmRasSection.NodeSize, true)]
    [InlineData("cper/libcper/pcidev.cperhex", PciComponentErrorSection.HeaderSize, true)]
    public void EveryCutBodyEncodesBack(string fixture, int header, bool undecoded)
    {
        var record = Fixtures.Binary(fixture);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(CperRecordHeader.SectionCountOffset)));
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(SectionLengthAt));
        int cuts = 0, undecodedCuts = 0;
        var failures = new List<string>();
        for (int keep = length - 1; keep >= header; keep--)
        {
            var cut = Cut(record, keep);
            string json = Json(cut);
            if (!json.Contains("\"error\"", StringComparison.Ordinal)) continue;
            cuts++;
            if (json.Contains("\"undecoded\"", StringComparison.Ordinal)) undecodedCuts++;
            try
            {
                var encoded = Encode(json);
                if (!encoded.AsSpan().SequenceEqual(cut)) failures.Add($"{keep} bytes: encode gives other bytes");
            }
            catch (CperJsonException e)
            {
                failures.Add($"{keep} bytes: {e.Message}");
            }
        }
        Assert.True(cuts > 0, $"no cut of {fixture} gives an error");
        Assert.Equal(undecoded, undecodedCuts > 0);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cuts} cuts ({undecodedCuts} with bytes undecoded) do not encode back:\n" + string.Join("\n", failures.Take(10)));
    }
}
