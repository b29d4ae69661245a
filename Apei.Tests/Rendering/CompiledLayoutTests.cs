using System.Buffers;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Rendering;

/// <summary>
/// The compact JSON renderer writes a whole layout from its compiled form (issue #15); it must write exactly what the
/// field-by-field walk writes (<see cref="StructureVisitor.Layout"/>'s default, the renderer's <c>Field</c>) and what
/// <see cref="Utf8JsonWriter"/> writes, for every layout the libraries declare or any registered section's describer
/// uses, over the bytes of real captures, random bytes, bytes cut short, all zeros and all ones.
/// </summary>
public class CompiledLayoutTests
{
    private static readonly JavaScriptEncoder?[] s_encoders = [null, JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping];

    /// <summary>A visitor that walks every layout field by field into the visitor it wraps (it does not override <c>Layout</c>).</summary>
    private sealed class PerField(StructureVisitor inner) : ForwardingVisitor(inner);

    /// <summary>Keeps every layout a walk describes, with the bytes it was described over.</summary>
    private sealed class LayoutRecorder : SilentVisitor
    {
        public readonly Dictionary<StructDef, List<byte[]>> Seen = new(ReferenceEqualityComparer.Instance);

        public override bool WantsLabels => false;

        public override void Layout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset)
        {
            Keep(layout, structure);
            base.Layout(layout, structure, baseOffset);
        }

        public override void NestedLayout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset, bool valid)
        {
            Keep(layout, structure);
            base.NestedLayout(layout, structure, baseOffset, valid);
        }

        private void Keep(StructDef layout, ReadOnlySpan<byte> structure)
        {
            if (!Seen.TryGetValue(layout, out var list)) Seen[layout] = list = [];
            if (list.Count < 64) list.Add(structure.ToArray());
        }
    }

    /// <summary>Every <see cref="StructDef"/> held by a static field or property (alone, in an array or a list) of the libraries.</summary>
    private static IEnumerable<StructDef> DeclaredLayouts()
    {
        var assemblies = new[] { typeof(StructDef), typeof(CperRecordDescriber), typeof(HestDescriber), typeof(GenericErrorStatus), typeof(ApeiKit.Platform.ActionInterpreter) }
            .Select(t => t.Assembly).Distinct();
        const BindingFlags Static = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.ContainsGenericParameters) continue;
            var values = new List<object?>();
            foreach (var f in type.GetFields(Static))
            {
                if (!Mentions(f.FieldType)) continue;
                try { values.Add(f.GetValue(null)); }
                catch (NotSupportedException) { Assert.True(type.IsByRefLike, type.FullName); }
            }
            foreach (var p in type.GetProperties(Static))
            {
                // (C# extension blocks compile to static properties that cannot be invoked: their metadata stubs are skipped.)
                if (p.GetIndexParameters().Length == 0 && p.GetMethod is { } get && Mentions(p.PropertyType) && !type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)) && !get.IsAbstract)
                {
                    try { values.Add(p.GetValue(null)); }
                    catch (NotSupportedException) { Assert.True(type.IsByRefLike, type.FullName); } // a ref struct's: its backing field is read above
                }
            }
            foreach (var v in values) foreach (var s in LayoutsIn(v, 0)) yield return s;
        }
    }

    // A type that is, or holds, layouts (StructDef, StructDef[], IReadOnlyList<StructDef>, a dictionary of them, a tuple).
    private static bool Mentions(Type t)
        => !t.IsByRefLike && (t == typeof(StructDef) || (t.IsArray && Mentions(t.GetElementType()!)) || (t.IsGenericType && t.GetGenericArguments().Any(Mentions)));

    private static IEnumerable<StructDef> LayoutsIn(object? v, int depth)
    {
        if (v is StructDef s) yield return s;
        else if (depth < 3 && v is System.Collections.IEnumerable e and not string)
        {
            foreach (var item in e)
            {
                if (item is null) continue;
                var t = item.GetType();
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)) foreach (var x in LayoutsIn(t.GetProperty("Value")!.GetValue(item), depth + 1)) yield return x;
                else if (item is System.Runtime.CompilerServices.ITuple tuple) { for (int i = 0; i < tuple.Length; i++) foreach (var x in LayoutsIn(tuple[i], depth + 1)) yield return x; }
                else foreach (var x in LayoutsIn(item, depth + 1)) yield return x;
            }
        }
        else if (depth < 3 && v is System.Runtime.CompilerServices.ITuple tuple)
        {
            for (int i = 0; i < tuple.Length; i++) foreach (var x in LayoutsIn(tuple[i], depth + 1)) yield return x;
        }
    }

    /// <summary>Layouts with the bytes real walks gave them: every CPER fixture, a generated dump, HEST, and random bodies for every registered section.</summary>
    // The layouts to check: those the fixture walks rendered and every declared one.
    private static HashSet<StructDef> AllLayouts(Dictionary<StructDef, List<byte[]>> recorded)
    {
        var all = new HashSet<StructDef>(recorded.Keys, ReferenceEqualityComparer.Instance);
        foreach (var s in DeclaredLayouts()) all.Add(s);
        return all;
    }

    // One layout's inputs: what the fixture walks rendered, count random ones (every sparseEvery-th, from the first, sparse:
    // small numbers name enumeration values and zero fields take the "invalid and zero" paths), then all zeros.
    private static List<byte[]> Inputs(StructDef layout, Dictionary<StructDef, List<byte[]>> recorded, Random random, int count, int sparseEvery)
    {
        var inputs = new List<byte[]>(recorded.GetValueOrDefault(layout) ?? []);
        for (int i = 0; i < count; i++)
        {
            var bytes = new byte[layout.Size];
            random.NextBytes(bytes);
            if (i % sparseEvery == 1) for (int k = 0; k < bytes.Length; k++) bytes[k] = random.Next(4) == 0 ? (byte)random.Next(8) : (byte)0;
            inputs.Add(bytes);
        }
        inputs.Add(new byte[layout.Size]);
        return inputs;
    }

    private static Dictionary<StructDef, List<byte[]>> RecordedLayouts()
    {
        var recorder = new LayoutRecorder();
        var inputs = Fixtures.CperRecords().Select(Fixtures.Binary).Append(GeneratedDump.Bytes(128 << 10, seed: 5));
        foreach (var input in inputs) RecordWalk.DescribeRecords(input, recorder, "r");
        var hest = AcpiDumpText.Parse(File.ReadAllText(Fixtures.Path("acpidump/hest-acpidump-0001.log"))).First(t => t.Signature == "HEST").Bytes;
        HestDescriber.Describe(hest, 0, recorder);
        var random = new Random(15);
        foreach (var codec in CperSectionRegistry.Default.Codecs)
        {
            foreach (int length in new[] { 0, 7, 16, 40, 64, 72, 80, 96, 128, 200, 256, 512, 1024 })
            {
                var body = new byte[length];
                random.NextBytes(body);
                try { CperSectionRegistry.Default.DescribeBody(codec.SectionType, body, 0, recorder); }
                catch (ApeiContentException) { }
            }
        }
        return recorder.Seen;
    }

    private static string Compact(StructDef layout, ReadOnlySpan<byte> bytes, JavaScriptEncoder? encoder, bool binaryTimestamps, bool perField, bool? nested = null)
    {
        var output = new ArrayBufferWriter<byte>();
        var renderer = new JsonRenderer(output, encoder);
        StructureVisitor v = perField ? new PerField(renderer) : renderer;
        v.PreferBinaryTimestamps = binaryTimestamps;
        v.BeginObject(null, "x", 0, bytes.Length);
        if (nested is { } valid) layout.DescribeNested(bytes, 0x1000, v, valid); else layout.Describe(bytes, 0x1000, v);
        v.EndObject();
        renderer.Flush();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string Writer(StructDef layout, ReadOnlySpan<byte> bytes, JavaScriptEncoder? encoder, bool binaryTimestamps, bool? nested = null)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = encoder }))
        {
            var renderer = new JsonRenderer(w) { PreferBinaryTimestamps = binaryTimestamps };
            renderer.BeginObject(null, "x", 0, bytes.Length);
            if (nested is { } valid) layout.DescribeNested(bytes, 0x1000, renderer, valid); else layout.Describe(bytes, 0x1000, renderer);
            renderer.EndObject();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static void AssertSame(StructDef layout, byte[] bytes, bool? nested = null)
    {
        foreach (var encoder in s_encoders)
        {
            foreach (bool binary in new[] { false, true })
            {
                string compiled = Compact(layout, bytes, encoder, binary, perField: false, nested);
                string perField = Compact(layout, bytes, encoder, binary, perField: true, nested);
                if (compiled != perField || compiled != Writer(layout, bytes, encoder, binary, nested))
                {
                    Assert.Fail($"{layout.Name}, {bytes.Length} bytes {Convert.ToHexString(bytes)}, encoder {encoder?.GetType().Name ?? "none"}, binary timestamps {binary}, nested {nested}:\n" +
                        $"compiled:  {compiled}\nper field: {perField}\nwriter:    {Writer(layout, bytes, encoder, binary, nested)}");
                }
            }
        }
    }

    /// <summary>The same structure's bytes in the forms that take every branch: as given, cut short, invalid (validation bits clear), zeros, ones.</summary>
    private static IEnumerable<byte[]> Variants(StructDef layout, byte[] given, Random random)
    {
        yield return given;
        if (given.Length > 1) yield return given[..random.Next(given.Length)];
        if (layout.ValidationField is { } vf && vf.End <= given.Length)
        {
            var none = (byte[])given.Clone();
            none.AsSpan(vf.Offset, vf.Size).Clear();
            yield return none;
            var some = (byte[])given.Clone();
            vf.WriteValue(some, (ulong)random.NextInt64() & (ulong)random.NextInt64());
            yield return some;
        }
    }

    [Fact]
    public void Every_layout_renders_the_same_compiled_and_field_by_field()
    {
        var recorded = RecordedLayouts();
        var all = AllLayouts(recorded);
        Assert.True(recorded.Count >= 40, $"only {recorded.Count} layouts recorded from the walks");
        Assert.True(all.Count >= 100, $"only {all.Count} layouts found");
        Assert.Contains(AcpiTableHeader.Layout, all); // a ref struct's static property: found through its backing field

        var random = new Random(1515);
        int structures = 0;
        foreach (var layout in all)
        {
            var inputs = Inputs(layout, recorded, random, count: 24, sparseEvery: 3);
            inputs.Add(Enumerable.Repeat((byte)0xFF, layout.Size).ToArray());
            foreach (var given in inputs)
            {
                foreach (var bytes in Variants(layout, given, random))
                {
                    AssertSame(layout, bytes);
                    structures++;
                }
            }
        }
        Assert.True(structures > 5000, $"{structures} structures");
    }

    [Fact]
    public void Nested_layouts_render_the_same_compiled_and_field_by_field_valid_or_not()
    {
        // StructDef.DescribeNested (PCIe Device ID, capability structure, AER info; UEFI N.2.7): every field valid or
        // not as the enclosing structure's bit says; the compiled path must write what the per-field walk writes.
        var recorded = RecordedLayouts();
        Assert.Contains(PcieErrorSection.AerLayout, recorded.Keys);
        Assert.Contains(PcieErrorSection.DeviceIdLayout, recorded.Keys);
        var random = new Random(2727);
        int structures = 0;
        foreach (var layout in AllLayouts(recorded))
        {
            foreach (var given in Inputs(layout, recorded, random, count: 8, sparseEvery: 2))
            {
                foreach (bool valid in new[] { true, false })
                {
                    AssertSame(layout, given, valid);
                    if (given.Length > 1) AssertSame(layout, given[..random.Next(given.Length)], valid);
                    structures++;
                }
            }
        }
        Assert.True(structures > 1000, $"{structures} structures");
    }

    [Fact]
    public void Names_that_the_two_encoders_escape_differently_are_escaped_by_the_renderers_encoder()
    {
        // Non-ASCII and HTML-sensitive names: not pre-encoded on the tables (PreEncodedText), so each encoder's own escaping.
        NameTable names = [new(0, "zéro"), new(1, "<one>"), new(2, "two 'quoted' \"name\""), new(5000, "fünf tausend")];
        FlagTable flags = [new(0, "prîmary"), new(3, "a&b"), new(63, "top")];
        var layout = new StructDef("Escapes", 64,
        [
            FieldDef.Hex("validationBits", "Validation", 0, 8),
            FieldDef.Enum("état", "State", 8, 2, names, validBit: 0),
            FieldDef.Flags("flägs", "Flags", 10, 8, flags, validBit: 1),
            FieldDef.Bits("bïts", "Bits", 18, 8,
            [
                new BitFieldDef("låg", "Low", 0, 13, names, ValidBit: 2),
                new BitFieldDef("one", "One", 13, 1),
                new BitFieldDef("bcd", "BCD", 16, 8, IsBcd: true, ValidBit: 3),
                new BitFieldDef("rest", "Rest", 24, 40),
            ], validBit: 4),
            FieldDef.Guid("g<uid>", "Guid", 26, validBit: 5),
            FieldDef.Ascii("text", "Text", 42, 6, validBit: 6),
            FieldDef.Timestamp("time", "Time", 48),
            FieldDef.Bytes("raw", "Raw", 56, 3, validBit: 7),
            FieldDef.Reserved("reserved", 59, 3),
            FieldDef.Reserved("reserved2", 62, 2),
        ], validationField: "validationBits");
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[64];
            random.NextBytes(bytes);
            if (i % 2 == 0) for (int k = 8; k < 64; k++) bytes[k] = random.Next(3) == 0 ? (byte)random.Next(6) : (byte)0;
            if (i % 4 == 0) bytes[8] = 0x88; // 5000 in the enumeration: a name past the dense table
            if (i % 4 == 0) bytes[9] = 0x13;
            foreach (var b in Variants(layout, bytes, random)) AssertSame(layout, b);
        }
    }

    [Fact]
    public void Timestamps_render_the_same_compiled_and_field_by_field_in_every_encoding()
    {
        // The compiled Timestamp entry reads the date itself (UEFI 2.10 N.2.1.1; BCD, or binary from Windows WHEA) instead of
        // CperTimestamp.TryDecode and DateTime formatting: every branch against the per-field walk and Utf8JsonWriter, in the
        // record header (validation bit 1) and in a layout without a validation field. Dates valid as BCD only, as binary
        // only, as both, as neither; each part at and past its limits; 29 February in leap and common years; years 1 and 9999.
        var stamps = new List<ulong>();
        static ulong Bcd(int n) => (ulong)(((n / 10) << 4) | (n % 10));
        static ulong Stamp(ulong sec, ulong min, ulong hour, ulong flags, ulong day, ulong month, ulong year, ulong century)
            => sec | min << 8 | hour << 16 | flags << 24 | day << 32 | month << 40 | year << 48 | century << 56;
        foreach (var (y, c) in new[] { (24, 20), (0, 20), (0, 19), (0, 0), (1, 0), (99, 99), (96, 19), (23, 20) })
        {
            foreach (var (mo, d) in new[] { (2, 29), (2, 28), (1, 31), (4, 30), (4, 31), (12, 31), (13, 1), (0, 1), (1, 0), (9, 10) })
            {
                foreach (var (h, mi, se) in new[] { (23, 59, 59), (24, 0, 0), (0, 60, 0), (0, 0, 60), (0, 0, 0), (12, 34, 56) })
                {
                    foreach (ulong flags in new ulong[] { 0, 1, 0xFE })
                    {
                        stamps.Add(Stamp(Bcd(se), Bcd(mi), Bcd(h), flags, Bcd(d), Bcd(mo), Bcd(y), Bcd(c)));
                        stamps.Add(Stamp((ulong)se, (ulong)mi, (ulong)h, flags, (ulong)d, (ulong)mo, (ulong)y, (ulong)c));
                    }
                }
            }
        }
        var random = new Random(1507);
        for (int i = 0; i < 2000; i++) stamps.Add((ulong)random.NextInt64() & 0x1F1F3F01_3F7F7F7FUL); // mostly small parts: many valid either way
        stamps.Add(0);
        stamps.Add(ulong.MaxValue);
        stamps.Add(0x1A); // a non-BCD second alone

        var plain = new StructDef("Stamped", 8, [FieldDef.Timestamp("time", "Time", 0)]);
        int timestampAt = CperRecordHeader.TimestampOffset;
        var header = Fixtures.Binary("cper/whea/TestErrorMemory1.bin")[..CperRecordHeader.Size];
        int validAt = CperRecordHeader.Layout.ValidationField!.Offset;
        foreach (ulong stamp in stamps)
        {
            var bytes = BitConverter.GetBytes(stamp);
            AssertSame(plain, bytes);
            foreach (uint validation in new uint[] { 0b010, 0b101 }) // timestamp valid, not valid
            {
                var h = (byte[])header.Clone();
                bytes.CopyTo(h, timestampAt);
                BitConverter.GetBytes(validation).CopyTo(h, validAt);
                AssertSame(CperRecordHeader.Layout, h);
            }
        }
        // The branches the inputs must have reached, each against what UEFI 2.10 N.2.1.1 gives by hand (bytes: seconds, minutes,
        // hours, flags, day, month, year, century; the raw value is those bytes read little-endian, printed high byte first).
        string Plain(ulong stamp, bool binary) => Compact(plain, BitConverter.GetBytes(stamp), null, binary, perField: false);
        // BCD 20|24-02-29 12:34:56, precise: a leap day, every digit a BCD digit.
        Assert.Contains("\"time\":\"2024-02-29T12:34:56Z\",\"timeEncoding\":\"bcd\",\"timePrecise\":true,\"timeRaw\":\"0x2024022901123456\"",
            Plain(0x20_24_02_29_01_12_34_56, binary: false));
        // Binary 99*100+99 = 9999, month 12 (0x0C), day 31 (0x1F), 23:59:59 (0x17, 0x3B, 0x3B): not BCD (0x0C has a digit 12).
        Assert.Contains("\"time\":\"9999-12-31T23:59:59Z\",\"timeEncoding\":\"binary\",\"timePrecise\":false,\"timeRaw\":\"0x63630C1F00173B3B\"",
            Plain(Stamp(59, 59, 23, 0, 31, 12, 99, 99), binary: false));
        // Bytes valid both ways (century 0x14, year 0x09, 01-02 03:04:05): BCD reads 1409, binary 20*100+9 = 2009; binary only
        // when the record prefers it (a Windows WHEA creator).
        Assert.Contains("\"time\":\"1409-01-02T03:04:05Z\",\"timeEncoding\":\"bcd\"", Plain(0x14_09_01_02_00_03_04_05, binary: false));
        Assert.Contains("\"time\":\"2009-01-02T03:04:05Z\",\"timeEncoding\":\"binary\"", Plain(0x14_09_01_02_00_03_04_05, binary: true));
        // Second 0x3C: not a BCD digit pair, and 60 seconds as binary: no date, no encoding member.
        Assert.Contains("\"time\":null,\"timePrecise\":false,\"timeRaw\":\"0x140001010000003C\"", Plain(Stamp(60, 0, 0, 0, 1, 1, 0, 20), binary: false));
        // 29 February of a common year (BCD 2023): no date.
        Assert.Contains("\"time\":null", Plain(0x20_23_02_29_00_00_00_00, binary: false));
    }

    [Fact]
    public void Ascii_fields_render_the_same_compiled_and_field_by_field()
    {
        // The compiled Ascii entry copies printable, NUL-padded text the encoder leaves alone and hands everything else to the
        // per-field code (non-printable bytes, bytes after the NUL, characters one encoder escapes, all zeros valid or not).
        var layout = new StructDef("Texts", 16,
        [
            FieldDef.Hex("validationBits", "Validation", 0, 1),
            FieldDef.Ascii("text", "Text", 1, 8, validBit: 0),
            FieldDef.Ascii("tag", "Tag", 9, 4),
            FieldDef.Ascii("one", "One", 13, 1, validBit: 1),
            FieldDef.Reserved("reserved", 14, 2),
        ], validationField: "validationBits");
        string[] texts = ["CPER", "ABCDEFGH", "", "a<b>", "it's", "x\"y", "back\\", "a&b+c", "~`^|", " sp ", "é", "\u0001ab", "a\u007Fb"];
        var random = new Random(8);
        foreach (string t in texts)
        {
            foreach (int tail in new[] { 0, 1 })
            {
                foreach (byte validation in new byte[] { 0, 1, 2, 3 })
                {
                    var bytes = new byte[16];
                    bytes[0] = validation;
                    var raw = System.Text.Encoding.Latin1.GetBytes(t);
                    raw.AsSpan(0, Math.Min(raw.Length, 8)).CopyTo(bytes.AsSpan(1));
                    raw.AsSpan(0, Math.Min(raw.Length, 4)).CopyTo(bytes.AsSpan(9));
                    if (raw.Length > 0) bytes[13] = raw[0];
                    if (tail == 1) bytes[8] = (byte)'z'; // a byte after the NUL (or the last character of a full field)
                    AssertSame(layout, bytes);
                }
            }
        }
        for (int i = 0; i < 3000; i++)
        {
            var bytes = new byte[16];
            for (int k = 0; k < 16; k++) bytes[k] = random.Next(4) switch { 0 => 0, 1 => (byte)random.Next(0x20, 0x7F), 2 => (byte)"<>&'\"\\+`"[random.Next(8)], _ => (byte)random.Next(256) };
            if (i % 3 == 0) bytes.AsSpan(1 + random.Next(8)).Clear();
            AssertSame(layout, bytes);
        }
        // The copy path is taken: a printable name renders as itself, with no hex beside it.
        var plain = new byte[16];
        "CPER"u8.CopyTo(plain.AsSpan(1));
        plain[0] = 1;
        Assert.Contains("\"text\":\"CPER\",", Compact(layout, plain, null, false, perField: false));
        Assert.DoesNotContain("textRaw", Compact(layout, plain, null, false, perField: false));
    }

    /// <summary>An output that hands out memory that is not an array, a few bytes more than asked (a pipe's small buffer).</summary>
    private sealed class SmallPieces(int slack) : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _piece = [];
        public byte[] Written => [.. _written];
        public void Advance(int count) => _written.AddRange(_piece.AsSpan(0, count).ToArray());
        public Memory<byte> GetMemory(int sizeHint = 0) => new NotAnArray(_piece = new byte[Math.Max(sizeHint, 1) + slack]).Memory;
        public Span<byte> GetSpan(int sizeHint = 0) => _piece = new byte[Math.Max(sizeHint, 1) + slack];
    }

    private sealed class NotAnArray(byte[] array) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => array;
        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
    }

    [Fact]
    public void Records_render_the_same_whatever_pieces_the_output_hands_out()
    {
        // A compiled layout makes its room once per structure and again after a field the per-field code writes (an Ascii
        // text to escape, FRU text): with an output that gives barely the room asked for, every structure starts in a new
        // piece and the per-field code grows the window mid-layout. The bytes are those rendered into one array.
        int records = 0;
        foreach (var fixture in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(fixture);
            if (bytes.Length < 128 || !bytes.AsSpan().StartsWith("CPER"u8)) continue; // not a record (a dump's other formats)
            foreach (var encoder in s_encoders)
            {
                var whole = new ArrayBufferWriter<byte>();
                var renderer = new JsonRenderer(whole, encoder);
                CperRecordDescriber.Describe(bytes, 0, renderer, "r", out _);
                renderer.Flush();
                foreach (int slack in new[] { 0, 7, 100 })
                {
                    var pieces = new SmallPieces(slack);
                    var again = new JsonRenderer(pieces, encoder);
                    CperRecordDescriber.Describe(bytes, 0, again, "r", out _);
                    again.Flush();
                    Assert.Equal(Encoding.UTF8.GetString(whole.WrittenSpan), Encoding.UTF8.GetString(pieces.Written));
                }
            }
            records++;
        }
        Assert.True(records >= 20, $"{records} fixtures");
    }

    [Fact]
    public void Rendering_records_again_allocates_no_more_than_field_by_field()
    {
        // Layouts compile once (the first walk); later records are written from them with no allocation of their own.
        var dump = GeneratedDump.Bytes(512 << 10, seed: 1);
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var renderer = new JsonRenderer(output, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        var perField = new PerField(renderer);
        long Pass(StructureVisitor v)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            ReadOnlySpan<byte> rest = dump;
            long offset = 0;
            while (!rest.IsEmpty)
            {
                output.ResetWrittenCount();
                renderer.Reset(output);
                CperRecordDescriber.Describe(rest, offset, v, "CPER record", out int n);
                renderer.Flush();
                rest = rest[n..];
                offset += n;
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Pass(renderer);
        Pass(perField);
        long compiled = Pass(renderer), fieldByField = Pass(perField);
        // The compiled path adds nothing to what the walk itself allocates (0 B per record in the Release build:
        // RendererBenchmarks; this Debug build's describers allocate the same either way).
        Assert.True(compiled <= fieldByField, $"compiled {compiled} bytes, field by field {fieldByField} bytes");
    }

    /// <summary>Counts the fields reported outside a whole layout (<c>Field</c> called by a describer itself).</summary>
    private sealed class LooseFieldCounter : SilentVisitor
    {
        private int _inLayout;
        public int Loose, InLayouts;

        public override void Layout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset)
        {
            _inLayout++;
            base.Layout(layout, structure, baseOffset);
            _inLayout--;
        }

        public override void NestedLayout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset, bool valid)
        {
            _inLayout++;
            base.NestedLayout(layout, structure, baseOffset, valid);
            _inLayout--;
        }

        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
        {
            if (_inLayout > 0) InLayouts++; else Loose++;
        }
    }

    // A PCI Express error section (UEFI 2.10 N.2.7) rendered whole, by the compact renderer, field by field through it and by Utf8JsonWriter.
    private static (string Compiled, string PerField, string Writer) RenderPcie(byte[] body, JavaScriptEncoder? encoder)
    {
        string Compact(bool perField)
        {
            var output = new ArrayBufferWriter<byte>();
            var renderer = new JsonRenderer(output, encoder);
            StructureVisitor v = perField ? new PerField(renderer) : renderer;
            v.BeginObject(null, "x", 0, body.Length);
            PcieErrorSection.Describe(body, 0x2000, v);
            v.EndObject();
            renderer.Flush();
            return Encoding.UTF8.GetString(output.WrittenSpan);
        }
        var written = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(written, new JsonWriterOptions { Encoder = encoder }))
        {
            var renderer = new JsonRenderer(w);
            renderer.BeginObject(null, "x", 0, body.Length);
            PcieErrorSection.Describe(body, 0x2000, renderer);
            renderer.EndObject();
        }
        return (Compact(false), Compact(true), Encoding.UTF8.GetString(written.WrittenSpan));
    }

    [Fact]
    public void The_PCIe_section_is_described_through_its_layouts_and_renders_the_same_compiled_and_field_by_field()
    {
        // Issue #15: every PCIe field reaches the visitor inside a whole layout (the section's parts and the three blocks).
        var random = new Random(207);
        var bodies = new List<byte[]> { new byte[PcieErrorSection.Size], Enumerable.Repeat((byte)0xFF, PcieErrorSection.Size + 8).ToArray() };
        for (int i = 0; i < 48; i++)
        {
            var body = new byte[PcieErrorSection.Size + (i % 4 == 0 ? 5 : 0)]; // some with trailing bytes
            random.NextBytes(body);
            if (i % 3 == 1) for (int k = 0; k < body.Length; k++) body[k] = random.Next(4) == 0 ? (byte)random.Next(8) : (byte)0; // sparse: zero blocks, named values
            body.AsSpan(0, 8).Clear();
            body[0] = (byte)random.Next(256); // validation bits 0-7 (N.2.7): every block valid or not
            bodies.Add(body);
        }
        foreach (var body in bodies)
        {
            var counter = new LooseFieldCounter();
            PcieErrorSection.Describe(body, 0, counter);
            Assert.Equal(0, counter.Loose);
            // The section's own fields but the three blocks, then each block's fields unless it is skipped (not marked valid and all zero).
            ulong valid = body[0];
            int Shown(StructDef block, int at, int validBit) => (valid >> validBit & 1) != 0 || body.AsSpan(at, block.Size).ContainsAnyExcept((byte)0) ? block.Fields.Length : 0;
            int expected = PcieErrorSection.LayoutDef.Fields.Length - 3 + Shown(PcieErrorSection.DeviceIdLayout, 24, 3)
                + Shown(PcieErrorSection.CapabilityLayout, 52, 6) + Shown(PcieErrorSection.AerLayout, 112, 7);
            Assert.Equal(expected, counter.InLayouts);
            foreach (var encoder in s_encoders)
            {
                var (compiled, perField, writer) = RenderPcie(body, encoder);
                Assert.Equal(writer, compiled);
                Assert.Equal(writer, perField);
            }
        }
        // The section's own fields all reach the renderings, between and around the blocks (N.2.7, Table N-35 order).
        using var doc = JsonDocument.Parse(RenderPcie(bodies[1], null).Writer);
        Assert.Equal(["validationBits", "portType", "version", "command", "status", "reserved", "deviceId", "deviceSerialNumber", "secondaryStatus", "bridgeControl", "capabilityStructure", "aerInfo", "trailingBytes"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void A_real_PCIe_capture_renders_its_device_ID_and_AER_values()
    {
        // fixtures/cper/whea-edk2/whea_04.bin (a real Windows WHEA record): its PCIe section (UEFI 2.10 N.2.7) at offset 272.
        // Device ID at section offset 24 (N.2.7 Device ID: vendor ID bytes 0-1): 86 80, Intel's 0x8086. AER info at offset 112
        // (the PCIe AER extended capability): header 01 00 01 1D (capability ID 0x0001), correctable error status at +16:
        // 01 00 00 00, bit 0 (receiver error); uncorrectable error severity at +12: 10 20 06 00 = 0x00062010.
        var record = Fixtures.Binary("cper/whea-edk2/whea_04.bin");
        var body = record.AsSpan(272, PcieErrorSection.Size).ToArray();
        Assert.Equal(0x86, body[24]);
        var (compiled, perField, writer) = RenderPcie(body, null);
        Assert.Equal(writer, compiled);
        Assert.Equal(writer, perField);
        using var doc = JsonDocument.Parse(compiled);
        var root = doc.RootElement;
        Assert.Equal(0x8086, root.GetProperty("deviceId").GetProperty("vendorId").GetInt32());
        Assert.Equal(1, root.GetProperty("aerInfo").GetProperty("capabilityHeader").GetProperty("capabilityId").GetInt32());
        Assert.Equal(1u, FlagsValue(root.GetProperty("aerInfo").GetProperty("correctableErrorStatus")));
        Assert.Equal(0x00062010u, FlagsValue(root.GetProperty("aerInfo").GetProperty("uncorrectableErrorSeverity")));
    }

    // A Flags field's value: a number, or an object whose "value" is the number.
    private static uint FlagsValue(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetUInt32() : e.GetProperty("value").GetUInt32();

    [Fact]
    public void A_renderer_shared_by_threads_compiles_each_layout_once_and_renders_the_same()
    {
        // The compiled form is built lazily by whichever thread gets there first; every thread must see a complete one.
        var layout = CperRecordHeader.Layout;
        var bytes = Fixtures.Binary("cper/whea/TestErrorMemory1.bin")[..CperRecordHeader.Size];
        string expected = Writer(layout, bytes, JavaScriptEncoder.UnsafeRelaxedJsonEscaping, false);
        var results = new string[8];
        Parallel.For(0, results.Length, i => results[i] = Compact(layout, bytes, JavaScriptEncoder.UnsafeRelaxedJsonEscaping, false, perField: false));
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
