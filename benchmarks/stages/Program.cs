using System.Buffers;
using System.Diagnostics;
using System.Text.Encodings.Web;
using ApeiKit;
using ApeiKit.Cper;
using ApeiKit.Cper.Streaming;

// The record path of `apeikit decode -f ndjson -j 1` cut after each stage (issue #15, benchmarks/README.md "NDJSON stages"):
//   frame  - read the file and frame its records (CperStreamReader: signature search, header checks), nothing else;
//   walk   - + CperRecordDescriber.Describe into a visitor that discards every call (the describers' own walk: views,
//            checks, lookups; no field is read for output);
//   render - + the compact JSON renderer into a reused buffer (every byte of the NDJSON made, none written);
//   write  - + the NDJSON written to standard output in 1 MiB blocks.
// The CLI itself adds its per-record bookkeeping (units, preludes, error lines) to the last.
if (args.Length != 2 || args[0] is not ("frame" or "walk" or "render" or "write"))
{
    Console.Error.WriteLine("usage: ndjson-stages frame|walk|render|write FILE");
    return 2;
}
string stage = args[0];
var clock = Stopwatch.StartNew();
await using var file = new FileStream(args[1], FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
await using var reader = CperStreamReader.Create(file);
byte[]? scratch = null;
var discard = new Discard();
var buffer = new ArrayBufferWriter<byte>(2 << 20);
var renderer = new JsonRenderer(buffer, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
using var stdout = stage == "write" ? Console.OpenStandardOutput() : null;
long records = 0, bytesIn = 0, bytesOut = 0, allocatedFrom = 0;
const long Warm = 10_000; // allocations are counted from this record on (layouts compiled, buffers grown)
while (true)
{
    if (records == Warm) allocatedFrom = GC.GetAllocatedBytesForCurrentThread();
    var next = reader.ReadAsync();
    if (!(next.IsCompletedSuccessfully ? next.Result : next.AsTask().GetAwaiter().GetResult())) break;
    var item = reader.Current;
    if (item.Kind != CperStreamItemKind.Record) continue;
    var bytes = item.GetSpan(ref scratch);
    records++;
    bytesIn += bytes.Length;
    switch (stage)
    {
        case "walk":
            CperRecordDescriber.Describe(bytes, item.Offset, discard, "CPER record", out _);
            break;
        case "render":
        case "write":
            renderer.Reset(buffer);
            CperRecordDescriber.Describe(bytes, item.Offset, renderer, "CPER record", out _);
            renderer.Flush();
            buffer.Write("\n"u8);
            if (buffer.WrittenCount >= 1 << 20)
            {
                bytesOut += buffer.WrittenCount;
                stdout?.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
            break;
    }
}
long allocated = records > Warm ? GC.GetAllocatedBytesForCurrentThread() - allocatedFrom : 0;
bytesOut += buffer.WrittenCount;
stdout?.Write(buffer.WrittenSpan);
Console.Error.WriteLine($"{stage}: {records} records, {bytesIn} bytes in, {bytesOut} bytes out, {clock.Elapsed.TotalSeconds:F3} s wall, "
    + $"{allocated} bytes allocated after the first {Warm} records ({(records > Warm ? (double)allocated / (records - Warm) : 0):F2} B per record, reads included)");
return 0;

/// <summary>Takes the walk and does nothing with it: no labels, no fields read, no layouts walked.</summary>
internal sealed class Discard : StructureVisitor
{
    public override bool WantsLabels => false;
    public override void BeginObject(string? json, string label, long offset, long length) { }
    public override void BeginObject(JsonName json, string label, long offset, long length) { }
    public override void EndObject() { }
    public override void BeginArray(string json, string label, long offset, long length) { }
    public override void BeginArray(JsonName json, string label, long offset, long length) { }
    public override void EndArray() { }
    public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits) { }
    public override void Layout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset) { }
    public override void NestedLayout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset, bool valid) { }
    public override void Info(string json, string label, string? value) { }
    public override void Info(string json, string label, long value) { }
    public override void JsonOnly(string json, string? value) { }
    public override void JsonOnly(JsonName json, string? value) { }
    public override void JsonOnly(JsonName json, JsonName value) { }
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) { }
    protected override void OnError(ApeiContentException error) { }
}
