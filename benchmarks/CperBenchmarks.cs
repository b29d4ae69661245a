using BenchmarkDotNet.Attributes;
using ApeiKit.Cper;

namespace ApeiKit.Benchmarks;

/// <summary>
/// CPER walking and decoding. <c>Walk*</c> must show 0 B allocated (memory diagnoser): the walk path reads
/// headers and descriptors through views and validates every section's bounds without allocating.
/// </summary>
[MemoryDiagnoser]
public class CperBenchmarks
{
    private byte[] _memoryStream = [];
    private byte[] _memoryRecord = [];
    private byte[] _armRecord = [];
    private const int RecordsInStream = 1000;

    [GlobalSetup]
    public void Setup()
    {
        _memoryRecord = BenchmarkData.Fixture("cper/whea/TestErrorMemory2.bin");
        _armRecord = BenchmarkData.Fixture("cper/libcper/arm.cperhex");
        _memoryStream = new byte[_memoryRecord.Length * RecordsInStream];
        for (int i = 0; i < RecordsInStream; i++) _memoryRecord.CopyTo(_memoryStream, i * _memoryRecord.Length);
    }

    /// <summary>Walks 1000 concatenated memory-error records: header, descriptors, section bounds. Reported per stream.</summary>
    [Benchmark]
    public ulong WalkMemoryRecords()
    {
        ReadOnlySpan<byte> rest = _memoryStream;
        ulong sum = 0;
        while (CperRecordView.TryRead(rest, out var record, out int consumed))
        {
            record.Validate();
            for (int i = 0; i < record.DescriptorCount; i++)
            {
                var d = record.GetDescriptor(i);
                sum += d.SectionLength + d.Severity;
                if (d.SectionTypeBytes[0] == 0x14) sum += (ulong)record.GetSectionBody(i).Length; // memory section GUID starts with 14 11 bc a5
            }
            rest = rest[consumed..];
        }
        return sum;
    }

    /// <summary>Reads the fixed fields of a memory section straight from the bytes (no model).</summary>
    [Benchmark]
    public ulong WalkMemoryRecordFields()
    {
        var record = CperRecordView.Read(_memoryRecord, out _);
        var body = record.GetSectionBody(0);
        return MemoryErrorSection.PhysicalAddressField.ReadValue(body) ^ MemoryErrorSection.ValidationBitsField.ReadValue(body) ^ record.Header.RecordId;
    }

    /// <summary>Decodes a memory-error record into the editable model.</summary>
    [Benchmark]
    public int DecodeMemoryRecord() => CperRecord.Decode(_memoryRecord, out _).Sections.Count;

    /// <summary>Decodes an ARM processor error record into the editable model.</summary>
    [Benchmark]
    public int DecodeArmRecord()
    {
        var errors = new List<ApeiContentException>();
        return CperRecord.Decode(_armRecord, out _, errors).Sections.Count;
    }

    /// <summary>Decode then encode of a memory-error record.</summary>
    [Benchmark]
    public int RoundTripMemoryRecord() => CperRecord.Decode(_memoryRecord, out _).Encode().Length;
}
