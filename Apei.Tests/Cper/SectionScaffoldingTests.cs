using ApeiKit.Cper;
using ApeiKit.Cper.Vendors;
using ApeiKit.Cper.Windows;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The section scaffolding the layout generator derives from <c>[Layout(SectionGuid = ...)]</c> (codec, constructors,
/// SectionType, Decode, Describe), held for every section declared that way against the decode contract
/// (docs/DESIGN.md): a body shorter than the fewest bytes the spec allows is an <see cref="ApeiContentException"/> naming
/// the structure, the offset given and the bytes needed; every byte of a longer body is kept by Decode and described
/// (the layout's fields, then the rest as <c>trailingBytes</c> at its offset); the codec's display name is the one
/// <see cref="CperGuids"/> holds for the section type. The rendered labels are pinned by the snapshots.
/// </summary>
public sealed class SectionScaffoldingTests
{
    // Every section declared with [Layout(SectionGuid = ...)], found in the Cper assembly's metadata (the attribute is
    // internal to it): a new declaration is covered without a line here. The fewest bytes accepted is what the
    // declaration says (MinimumSize, else LegacySize, else Size); the spec values are pinned below for the two that differ.
    private static readonly Dictionary<string, (Type Type, int Minimum, int Size, StructDef Layout)> s_declared = LayoutDeclarations.In(typeof(CperSections).Assembly)
        .Where(d => d.Named("SectionGuid") is not null)
        .ToDictionary(d => d.Type.Name, d =>
        {
            int size = (int)d.Argument(1)!;
            int minimum = d.Named("MinimumSize") is int m and > 0 ? m : d.Named("LegacySize") is int l and > 0 ? l : size;
            return (d.Type, minimum, size, d.Layout);
        });

    public static TheoryData<string> Sections => [.. s_declared.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void The_converted_sections_are_declared_with_their_section_type_and_spec_minimum()
    {
        // UEFI 2.10 N.2.5: 73 bytes as UEFI 2.1/2.2 wrote the memory section; the Windows recovery section's 38-byte
        // captures are decoded through FailureReason (19 bytes). Every other section needs its whole layout.
        Assert.Equal((73, 80), (s_declared[nameof(MemoryErrorSection)].Minimum, s_declared[nameof(MemoryErrorSection)].Size));
        Assert.Equal((19, 39), (s_declared[nameof(ErrorRecoveryInfoSection)].Minimum, s_declared[nameof(ErrorRecoveryInfoSection)].Size));
        foreach (var name in new[] { nameof(MemoryError2Section), nameof(PciBusErrorSection), nameof(ProcessorGenericSection), nameof(DmarGenericSection),
            nameof(DmarVtdSection), nameof(DmarIommuSection), nameof(AmpereSection), nameof(MemoryErrorExtIntelSection), nameof(PcieDpcSection) })
            Assert.Equal(s_declared[name].Size, s_declared[name].Minimum);
    }

    private static (CperSectionCodec Codec, StructDef Layout, Func<CperSectionBody> New, int Minimum, int Size) Find(string name)
    {
        var (type, minimum, size, layout) = s_declared[name];
        var codec = (CperSectionCodec)type.GetProperty("Codec")!.GetValue(null)!;
        return (codec, layout, () => (CperSectionBody)Activator.CreateInstance(type)!, minimum, size);
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Codec_model_and_registry_agree_on_the_section(string name)
    {
        var (codec, layout, make, minimum, size) = Find(name);
        Assert.Equal(CperGuids.SectionName(codec.SectionType), codec.Name);
        Assert.Same(codec, CperSections.Find(codec.SectionType));
        Assert.Equal(size, layout.Size);
        var fresh = make();
        Assert.Equal(codec.SectionType, fresh.SectionType);
        var zeroed = Assert.IsAssignableFrom<FixedSectionBody>(fresh).ToArray();
        Assert.Equal(size, zeroed.Length);
        Assert.All(zeroed, b => Assert.Equal(0, b));
        Assert.Same(layout, ((FixedSectionBody)fresh).Layout);
        Assert.True(minimum <= size);
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void A_body_one_byte_short_is_a_content_error_in_Decode_and_Describe(string name)
    {
        var (codec, layout, _, minimum, size) = Find(name);
        var body = new byte[minimum - 1];
        var decode = Assert.Throws<ApeiContentException>(() => codec.Decode(body, 4096));
        var describe = Assert.Throws<ApeiContentException>(() => codec.Describe(body, 4096, new Recorder()));
        foreach (var e in new[] { decode, describe })
        {
            ContentError.AssertSays(e, layout.Name, 4096, $"{minimum} bytes", $"{minimum - 1} bytes");
        }
        Assert.True(size >= minimum);
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_byte_of_a_longer_body_is_kept_and_described(string name)
    {
        var (codec, layout, _, minimum, size) = Find(name);
        var random = new Random(size * 31 + minimum);
        foreach (int length in new[] { minimum, size, size + 5 })
        {
            var body = new byte[length];
            random.NextBytes(body);
            var model = Assert.IsAssignableFrom<FixedSectionBody>(codec.Decode(body, 100));
            Assert.Equal(body, model.ToArray());
            Assert.Equal(codec.SectionType, model.SectionType);

            var seen = new Recorder();
            codec.Describe(body, 100, seen);
            // The layout covers [0, used); what follows is one trailingBytes run, nothing is lost or covered twice.
            int used = length >= size ? size : minimum;
            var covered = new bool[length];
            foreach (var (offset, count) in seen.Fields)
                for (int i = 0; i < count; i++) { Assert.False(covered[offset - 100 + i]); covered[offset - 100 + i] = true; }
            Assert.All(layout.Fields.Where(f => f.End <= used), f => Assert.Contains(((long)(100 + f.Offset), f.Size), seen.Fields));
            if (length > used)
            {
                var (json, offset, bytes) = Assert.Single(seen.Runs);
                Assert.Equal("trailingBytes", json);
                Assert.Equal(100 + used, offset);
                Assert.Equal(body[used..], bytes);
                for (int i = used; i < length; i++) covered[i] = true;
            }
            else Assert.Empty(seen.Runs);
            Assert.True(layout.Fields.Where(f => f.End <= used).Sum(f => f.Size) + (length - used) == covered.Count(c => c),
                $"{name}, {length} bytes: described bytes do not add up");
        }
    }

    [Fact]
    public void Describe_refuses_a_null_visitor()
    {
        Assert.Throws<ArgumentNullException>(() => PciBusErrorSection.Describe(new byte[PciBusErrorSection.Size], 0, null!));
    }

    private sealed class Recorder : SilentVisitor
    {
        public List<(long Offset, int Size)> Fields { get; } = [];
        public List<(string Json, long Offset, byte[] Bytes)> Runs { get; } = [];
        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits) => Fields.Add((offset, raw.Length));
        public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => Runs.Add((json, offset, bytes.ToArray()));
        protected override void OnError(ApeiContentException error) => throw error;
    }
}
