using System.Buffers.Binary;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cost;

/// <summary>Inputs for the bounded-cost tests (issue #19): sizes where quadratic work is unmistakable (minutes) and linear work is fast (milliseconds).</summary>
internal static class CostTestData
{
    /// <summary>One Generic Error Status Block of <paramref name="entries"/> platform-memory entries with ErrorDataLength 0 (each a truncated section).</summary>
    public static byte[] GesbOfEmptyEntries(int entries)
    {
        const int header = 64;
        var bytes = new byte[20 + entries * header];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0x2u | ((uint)Math.Min(entries, 0x3FF) << 4));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)(entries * header));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 2);
        for (int i = 0; i < entries; i++)
        {
            var e = bytes.AsSpan(20 + i * header, header);
            CperGuids.PlatformMemory.TryWriteBytes(e);
            BinaryPrimitives.WriteUInt32LittleEndian(e[16..], 2);
            BinaryPrimitives.WriteUInt16LittleEndian(e[20..], 0x0201);
        }
        return bytes;
    }
}
