using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApeiKit.Cper.Json;

/// <summary>
/// The members a section describer emits, learnt by walking it (<see cref="CperJsonSchema"/>): a
/// <see cref="StructureVisitor"/> that keeps, per object, every member name with the schemas of the values it was seen
/// with: a layout field's schema from its <see cref="FieldDef"/> (all fields a layout walk reports, valid or not), text
/// and number notes, data, nested objects and arrays (merged over every element). Errors are allowed wherever the JSON
/// renderer can place them. It asks for zero parts (<see cref="ReportsZeroParts"/>) so optional blocks are reported.
/// </summary>
internal sealed class SectionShapeRecorder : StructureVisitor
{
    /// <summary>The shape of one JSON object.</summary>
    internal sealed class ObjectShape
    {
        public SortedDictionary<string, MemberShape> Members { get; } = new(StringComparer.Ordinal);

        public MemberShape Member(string name)
        {
            if (!Members.TryGetValue(name, out var m)) Members[name] = m = new MemberShape();
            return m;
        }
    }

    /// <summary>The values one member (or the elements of one array) was seen with.</summary>
    internal sealed class MemberShape
    {
        /// <summary>Leaf schemas (serialized JSON, deduplicated).</summary>
        public SortedSet<string> Leaves { get; } = new(StringComparer.Ordinal);
        public ObjectShape? Object { get; set; }
        public MemberShape? Items { get; set; }
        public bool ErrorItems { get; set; }

        /// <summary>Adds <paramref name="leaves"/> to <see cref="Leaves"/>; returns this.</summary>
        public MemberShape With(IEnumerable<string> leaves)
        {
            Leaves.UnionWith(leaves);
            return this;
        }
    }

    private sealed class Frame(ObjectShape? obj, MemberShape? array)
    {
        public ObjectShape? Object { get; } = obj;
        public MemberShape? Array { get; } = array;
    }

    private readonly Stack<Frame?> _stack = new(); // null: outside any recorded body
    private readonly Dictionary<Guid, ObjectShape> _bodies;
    private Guid _sectionType;

    public SectionShapeRecorder(Dictionary<Guid, ObjectShape> bodies) => _bodies = bodies;

    /// <summary>The built-in codecs only (what is added to <see cref="CperSectionRegistry.Default"/> has no schema).</summary>
    internal static readonly CperSectionRegistry s_builtIn = new();

    /// <summary>Options describing with the built-in codecs only.</summary>
    internal static readonly CperDecodeOptions BuiltInOptions = new() { Sections = s_builtIn };

    /// <summary>The built-in section bodies a record walk entered: type, offset in the walked bytes, length.</summary>
    public List<(Guid Type, long Offset, long Length)> BodiesSeen { get; } = [];

    // A layout field's schema, written once per field.
    private readonly Dictionary<FieldDef, string> _fieldSchemas = new(ReferenceEqualityComparer.Instance);

    public override bool ReportsZeroParts => true;

    public override bool WantsLabels => false;

    /// <summary>Starts recording a body of <paramref name="sectionType"/> walked straight to this visitor (no record around it).</summary>
    public void BeginBody(Guid sectionType)
    {
        _stack.Clear();
        _stack.Push(new Frame(BodyShape(sectionType), null));
    }

    private ObjectShape BodyShape(Guid sectionType)
    {
        if (!_bodies.TryGetValue(sectionType, out var shape)) _bodies[sectionType] = shape = new ObjectShape();
        return shape;
    }

    public override void BeginObject(string? json, string label, long offset, long length)
    {
        var top = _stack.Count > 0 ? _stack.Peek() : null;
        if (top is null)
        {
            // A record walk: depth 1 record, 2 section element, 3 descriptor or body.
            // A record walk (CperRecordDescriber): only section bodies of built-in codecs are recorded.
            bool builtIn = json == "body" && s_builtIn.Find(_sectionType) is { } codec && CperSectionRegistry.IsBuiltIn(codec);
            if (builtIn) BodiesSeen.Add((_sectionType, offset, length));
            _stack.Push(builtIn ? new Frame(BodyShape(_sectionType), null) : null);
            return;
        }
        if (top.Array is { } array)
        {
            array.Items ??= new MemberShape();
            array.Items.Object ??= new ObjectShape();
            _stack.Push(new Frame(array.Items.Object, null));
        }
        else if (json is null)
        {
            _stack.Push(top); // an unnamed object outside an array: the same JSON object
        }
        else
        {
            var m = top.Object!.Member(json);
            m.Object ??= new ObjectShape();
            _stack.Push(new Frame(m.Object, null));
        }
    }

    public override void EndObject()
    {
        if (_stack.Count > 0) _stack.Pop();
    }

    public override void BeginArray(string json, string label, long offset, long length)
    {
        var top = _stack.Count > 0 ? _stack.Peek() : null;
        if (top is null)
        {
            _stack.Push(null);
            return;
        }
        var m = top.Array is { } outer ? outer.Items ??= new MemberShape() : top.Object!.Member(json);
        m.Items ??= new MemberShape();
        _stack.Push(new Frame(null, m));
    }

    public override void EndArray()
    {
        if (_stack.Count > 0) _stack.Pop();
    }

    private void Leaf(string json, string schema)
    {
        var top = _stack.Count > 0 ? _stack.Peek() : null;
        if (top is null) return;
        if (top.Array is { } array) (array.Items ??= new MemberShape()).Leaves.Add(schema);
        else top.Object!.Member(json).Leaves.Add(schema);
    }

    public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (_stack.Count == 0 || _stack.Peek() is null)
        {
            if (field.Json == "sectionType" && field.Kind == FieldKind.Guid && raw.Length == 16) _sectionType = new Guid(raw);
            return;
        }
        if (!_fieldSchemas.TryGetValue(field, out var schema)) _fieldSchemas[field] = schema = Write(w => CperJsonSchema.FieldSchema(w, field));
        Leaf(field.Json, schema);
        switch (field.Kind)
        {
            case FieldKind.Timestamp:
                Leaf(field.Json + "Encoding", """{"enum":["bcd","binary"]}""");
                Leaf(field.Json + "Precise", """{"type":"boolean"}""");
                Leaf(field.Json + "Raw", """{"type":"string","pattern":"^0x[0-9a-fA-F]{16}$"}""");
                break;
            case FieldKind.Ascii:
                Leaf(field.Json + "Raw", """{"$ref":"#/$defs/hex"}""");
                break;
        }
    }

    public override void Info(string json, string label, string? value) => Leaf(json, """{"type":["string","null"]}""");

    public override void Info(string json, string label, long value) => Leaf(json, """{"type":"integer"}""");

    public override void JsonOnly(string json, string? value) => Leaf(json, """{"type":["string","null"]}""");

    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => Leaf(json, """{"type":"string"}""");

    protected override void OnError(ApeiContentException error)
    {
        // Objects take errors as error, error2, ... (patternProperties); an array takes an error object as an element.
        if (_stack.Count > 0 && _stack.Peek() is { Array: { } array }) (array.Items ??= new MemberShape()).ErrorItems = true;
    }

    internal static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
