namespace ApeiKit.Tests;

/// <summary>
/// A visitor that keeps nothing: every part of a walk is ignored, errors included. Test visitors derive from it and
/// override only the parts they record.
/// </summary>
internal abstract class SilentVisitor : StructureVisitor
{
    public override void BeginObject(string? json, string label, long offset, long length) { }
    public override void EndObject() { }
    public override void BeginArray(string json, string label, long offset, long length) { }
    public override void EndArray() { }
    public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits) { }
    public override void Info(string json, string label, string? value) { }
    public override void Info(string json, string label, long value) { }
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) { }
    protected override void OnError(ApeiContentException error) { }
}
