using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cper.LibCper;

namespace ApeiKit.Tests;

/// <summary>
/// A pair of <c>fixtures/libcper-walk/</c>: <c>NAME.hex</c> (a record of the mutated corpus or built for the purpose) and
/// <c>NAME.json</c> (libcper's own line for it, from its harness, not ours); and libcper mode's line for a record written
/// the way libcper's json-c prints it, to compare with that line.
/// </summary>
internal static class LibcperWalk
{
    /// <summary>The record's bytes.</summary>
    public static byte[] Record(string name) => Fixtures.HexText($"libcper-walk/{name}.hex");

    /// <summary>libcper's line for the record (no trailing newline).</summary>
    public static string Line(string name) => File.ReadAllText(Fixtures.Path($"libcper-walk/{name}.json")).TrimEnd('\n');

    /// <summary>libcper mode's line for a record (compact, with the escaping libcper's json-c output has).</summary>
    public static string Write(byte[] record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            LibCperJsonWriter.Write(record, w);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
