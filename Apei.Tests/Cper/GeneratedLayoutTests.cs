using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The generated zero-copy views (ApeiKit.Generators, from each section's one declaration) against the two readings
/// they must agree with and did not produce: the editable model (the generated property, and the layout's field read by
/// JSON name) and <see cref="StructDef.Describe"/>'s walk (the raw bytes it reports for the field, and whether it calls
/// the field valid). Run over every section of the type in the fixtures (real captures and libcper's examples) and over
/// seeded random bodies, so every validation bit and trailing length occurs. Each test also proves it checked every
/// field of the layout: a field added to a declaration without its line here fails the test.
/// </summary>
public sealed class GeneratedLayoutTests
{
    private delegate void ViewCheck(ReadOnlySpan<byte> body, Checker check);

    [Fact]
    public void Memory_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.PlatformMemory, MemoryErrorSection.LayoutDef, MemoryErrorSection.LegacySize, (body, c) =>
        {
            Assert.True(MemoryErrorSectionView.TryRead(body, out var v));
            var m = (MemoryErrorSection)c.Model;
            c.Validation(v.ValidationBits, m.ValidationBits);
            c.Agree(MemoryErrorSection.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus, m.ErrorStatus);
            c.Agree(MemoryErrorSection.PhysicalAddressField, v.HasPhysicalAddress, v.PhysicalAddress, m.PhysicalAddress);
            c.Agree(MemoryErrorSection.PhysicalAddressMaskField, v.HasPhysicalAddressMask, v.PhysicalAddressMask, m.PhysicalAddressMask);
            c.Agree(MemoryErrorSection.NodeField, v.HasNode, v.Node, m.Node);
            c.Agree(MemoryErrorSection.CardField, v.HasCard, v.Card, m.Card);
            c.Agree(MemoryErrorSection.ModuleField, v.HasModule, v.Module, m.Module);
            c.Agree(MemoryErrorSection.BankField, v.HasBank, v.Bank, m.Bank);
            c.Agree(MemoryErrorSection.DeviceField, v.HasDevice, v.Device, m.Device);
            c.Agree(MemoryErrorSection.RowField, v.HasRow, v.Row, m.Row);
            c.Agree(MemoryErrorSection.ColumnField, v.HasColumn, v.Column, m.Column);
            c.Agree(MemoryErrorSection.BitPositionField, v.HasBitPosition, v.BitPosition, m.BitPosition);
            c.Agree(MemoryErrorSection.RequestorIdField, v.HasRequestorId, v.RequestorId, m.RequestorId);
            c.Agree(MemoryErrorSection.ResponderIdField, v.HasResponderId, v.ResponderId, m.ResponderId);
            c.Agree(MemoryErrorSection.TargetIdField, v.HasTargetId, v.TargetId, m.TargetId);
            c.Agree(MemoryErrorSection.MemoryErrorTypeField, v.HasMemoryErrorType, v.MemoryErrorType, m.MemoryErrorType);
            c.Agree(MemoryErrorSection.ExtendedField, v.HasExtended, v.Extended, m.Extended);
            c.Agree(MemoryErrorSection.RankNumberField, v.HasRankNumber, v.RankNumber, m.RankNumber);
            c.Agree(MemoryErrorSection.CardHandleField, v.HasCardHandle, v.CardHandle, m.CardHandle);
            c.Agree(MemoryErrorSection.ModuleHandleField, v.HasModuleHandle, v.ModuleHandle, m.ModuleHandle);
        });

    [Fact]
    public void Memory2_view_agrees_with_the_model_and_the_describer()
        => Run(CperGuids.PlatformMemory2, MemoryError2Section.LayoutDef, MemoryError2Section.Size, (body, c) =>
        {
            Assert.True(MemoryError2SectionView.TryRead(body, out var v));
            var m = (MemoryError2Section)c.Model;
            c.Validation(v.ValidationBits, m.ValidationBits);
            c.Agree(MemoryError2Section.ErrorStatusField, v.HasErrorStatus, v.ErrorStatus, m.ErrorStatus);
            c.Agree(MemoryError2Section.PhysicalAddressField, v.HasPhysicalAddress, v.PhysicalAddress, m.PhysicalAddress);
            c.Agree(MemoryError2Section.PhysicalAddressMaskField, v.HasPhysicalAddressMask, v.PhysicalAddressMask, m.PhysicalAddressMask);
            c.Agree(MemoryError2Section.NodeField, v.HasNode, v.Node, m.Node);
            c.Agree(MemoryError2Section.CardField, v.HasCard, v.Card, m.Card);
            c.Agree(MemoryError2Section.ModuleField, v.HasModule, v.Module, m.Module);
            c.Agree(MemoryError2Section.BankField, v.HasBank, v.Bank, m.Bank);
            c.Agree(MemoryError2Section.DeviceField, v.HasDevice, v.Device, m.Device);
            c.Agree(MemoryError2Section.RowField, v.HasRow, v.Row, m.Row);
            c.Agree(MemoryError2Section.ColumnField, v.HasColumn, v.Column, m.Column);
            c.Agree(MemoryError2Section.RankField, v.HasRank, v.Rank, m.Rank);
            c.Agree(MemoryError2Section.BitPositionField, v.HasBitPosition, v.BitPosition, m.BitPosition);
            c.Agree(MemoryError2Section.ChipIdField, v.HasChipId, v.ChipId, m.ChipId);
            c.Agree(MemoryError2Section.MemoryErrorTypeField, v.HasMemoryErrorType, v.MemoryErrorType, m.MemoryErrorType);
            c.Agree(MemoryError2Section.StatusField, v.HasStatus, v.Status, m.Status);
            c.Agree(MemoryError2Section.RequestorIdField, v.HasRequestorId, v.RequestorId, m.RequestorId);
            c.Agree(MemoryError2Section.ResponderIdField, v.HasResponderId, v.ResponderId, m.ResponderId);
            c.Agree(MemoryError2Section.TargetIdField, v.HasTargetId, v.TargetId, m.TargetId);
            c.Agree(MemoryError2Section.CardHandleField, v.HasCardHandle, v.CardHandle, m.CardHandle);
            c.Agree(MemoryError2Section.ModuleHandleField, v.HasModuleHandle, v.ModuleHandle, m.ModuleHandle);
        });

    // ---- the harness ----

    /// <summary>Runs <paramref name="check"/> over every fixture section of <paramref name="type"/> and 64 seeded random bodies.</summary>
    private static void Run(Guid type, StructDef layout, int minimumLength, ViewCheck check)
    {
        int fixtures = 0;
        foreach (var (where, body) in FixtureSections(type))
        {
            if (body.Length < minimumLength) continue;
            One(layout, where, body, check);
            fixtures++;
        }
        var random = new Random(12);
        for (int i = 0; i < 64; i++)
        {
            // Lengths from the shortest the section accepts to 8 bytes past the layout (trailing bytes kept).
            var body = new byte[random.Next(minimumLength, layout.Size + 9)];
            random.NextBytes(body);
            if (i % 4 == 0) body.AsSpan(0, Math.Min(8, body.Length)).Clear(); // no validation bits at all, now and then
            One(layout, $"random body {i} ({body.Length} bytes)", body, check);
        }
        Assert.True(fixtures >= 0); // the count is reported by the failure messages; random bodies cover types without fixtures
    }

    private static void One(StructDef layout, string where, byte[] body, ViewCheck check)
    {
        var codec = CperSections.Find(CodecType(layout)) ?? throw new InvalidOperationException("no codec for " + layout.Name);
        var model = (FixedSectionBody)codec.Decode(body, 0);
        var recorder = new FieldRecorder();
        codec.Describe(body, 0, recorder);
        var c = new Checker(layout, model, recorder.Fields, body.Length, where);
        check(body, c);
        c.AssertEveryFieldChecked();
    }

    private static readonly Dictionary<StructDef, Guid> s_types = new()
    {
        [MemoryErrorSection.LayoutDef] = CperGuids.PlatformMemory,
        [MemoryError2Section.LayoutDef] = CperGuids.PlatformMemory2,
    };

    private static Guid CodecType(StructDef layout) => s_types[layout];

    private static List<(string Where, byte[] Body)> FixtureSections(Guid type)
    {
        var found = new List<(string, byte[])>();
        foreach (var rel in Fixtures.CperRecords())
        {
            var bytes = Fixtures.Binary(rel);
            if (!bytes.AsSpan().StartsWith("CPER"u8)) continue;
            CperRecordView record;
            try { record = CperRecordView.ReadPrefix(bytes, out _); }
            catch (ApeiContentException) { continue; }
            for (int i = 0; i < record.DescriptorCount; i++)
            {
                var d = record.GetDescriptor(i);
                if (d.SectionType != type || (ulong)d.SectionOffset + d.SectionLength > (ulong)bytes.Length) continue;
                found.Add(($"{rel} section {i}", bytes.AsSpan((int)d.SectionOffset, (int)d.SectionLength).ToArray()));
            }
        }
        return found;
    }

    /// <summary>Holds one body's readings and compares a view accessor with them.</summary>
    private sealed class Checker(StructDef layout, FixedSectionBody model, Dictionary<string, (byte[] Raw, bool Valid)> described, int length, string where)
    {
        private readonly HashSet<string> _checked = [];

        public FixedSectionBody Model => model;

        public void Validation(ulong view, ulong modelValue)
        {
            var v = layout.ValidationField!;
            Assert.True(view == modelValue, $"{where}: validation bits, view {view:x} model {modelValue:x}");
            Assert.Equal(FieldDef.ReadLittleEndian(described[v.Json].Raw), view);
        }

        /// <summary>An integer field: the view's value and HasX against the model's property, the layout read by name and the describer.</summary>
        public void Agree(FieldDef field, bool has, ulong view, ulong property)
        {
            Assert.True(_checked.Add(field.Json), $"{field.Json} checked twice");
            // The describer decides which fields the body holds (a 77-byte memory section is the 73-byte UEFI 2.1 form and
            // 4 bytes of padding: no rank number there, whatever the bytes say); the model reads any bytes that reach.
            bool reached = described.TryGetValue(field.Json, out var d);
            Assert.True(!reached || field.End <= length, $"{where}: {field.Json} described past the body");
            if (reached)
            {
                Assert.True(view == property, $"{where}: {field.Json} view {view} model property {property}");
                Assert.True(view == model.GetField(field.Json), $"{where}: {field.Json} view {view} model field {model.GetField(field.Json)}");
            }
            Assert.True(view == (reached ? FieldDef.ReadLittleEndian(d.Raw) : 0), $"{where}: {field.Json} view {view} described {(reached ? Convert.ToHexString(d.Raw) : "-")}");
            Assert.True(has == (reached && d.Valid), $"{where}: Has{field.Json} {has}, described valid {reached && d.Valid}");
        }

        /// <summary>A byte-range field: the view's span against the model's bytes and the describer's.</summary>
        public void AgreeBytes(FieldDef field, bool has, ReadOnlySpan<byte> view, byte[] property)
        {
            Assert.True(_checked.Add(field.Json), $"{field.Json} checked twice");
            bool reached = described.TryGetValue(field.Json, out var d);
            Assert.True(!reached || view.SequenceEqual(property), $"{where}: {field.Json} view and model bytes differ");
            Assert.True(view.SequenceEqual(reached ? d.Raw : []), $"{where}: {field.Json} view and described bytes differ");
            Assert.True(has == (reached && d.Valid), $"{where}: Has{field.Json} {has}, described valid {reached && d.Valid}");
        }

        public void AssertEveryFieldChecked()
        {
            var expected = layout.Fields.Where(f => f.Kind != FieldKind.Reserved && f != layout.ValidationField).Select(f => f.Json).Order(StringComparer.Ordinal);
            Assert.Equal(expected, _checked.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Keeps every field the walk reports: its bytes and whether the walk called it valid.</summary>
    private sealed class FieldRecorder : StructureVisitor
    {
        public Dictionary<string, (byte[] Raw, bool Valid)> Fields { get; } = [];
        public override void BeginObject(string? json, string label, long offset, long length) { }
        public override void EndObject() { }
        public override void BeginArray(string json, string label, long offset, long length) { }
        public override void EndArray() { }
        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
            => Fields.Add(field.Json, (raw.ToArray(), valid));
        public override void Info(string json, string label, string? value) { }
        public override void Info(string json, string label, long value) { }
        public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) { }
        protected override void OnError(ApeiContentException error) => throw error;
    }
}
