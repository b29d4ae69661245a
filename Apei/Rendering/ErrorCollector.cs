namespace ApeiKit;

/// <summary>Forwards a walk to another visitor and keeps the content errors reported on the way.</summary>
public sealed class ErrorCollector(StructureVisitor inner) : StructureVisitor
{
    /// <summary>The errors reported so far.</summary>
    public List<ApeiContentException> Errors { get; } = [];

    /// <inheritdoc/>
    public override void BeginObject(string? json, string label, long offset, long length)
    {
        inner.PreferBinaryTimestamps = PreferBinaryTimestamps;
        inner.BeginObject(json, label, offset, length);
    }

    /// <inheritdoc/>
    public override void EndObject() => inner.EndObject();
    /// <inheritdoc/>
    public override void BeginArray(string json, string label, long offset, long length) => inner.BeginArray(json, label, offset, length);
    /// <inheritdoc/>
    public override void EndArray() => inner.EndArray();

    /// <inheritdoc/>
    public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
    {
        inner.PreferBinaryTimestamps = PreferBinaryTimestamps;
        inner.Field(field, offset, raw, valid, validationBits);
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value) => inner.Info(json, label, value);
    /// <inheritdoc/>
    public override void Info(string json, string label, long value) => inner.Info(json, label, value);
    /// <inheritdoc/>
    public override void JsonOnly(string json, string? value) => inner.JsonOnly(json, value);
    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => inner.Data(json, label, offset, bytes);

    /// <inheritdoc/>
    protected override void OnError(ApeiContentException error)
    {
        if (!Errors.Contains(error)) Errors.Add(error);
        inner.Error(error);
    }
}
