namespace ApeiKit;

/// <summary>
/// A visitor that passes a walk on to another (<see cref="Inner"/>): every call, what the inner visitor wants
/// (<see cref="StructureVisitor.WantsLabels"/>, <see cref="StructureVisitor.ReportsZeroParts"/>), the timestamp preference
/// and the errors. A wrapper overrides only what it changes (collecting errors, naming the outermost object, writing
/// something first inside it).
/// </summary>
public abstract class ForwardingVisitor(StructureVisitor inner) : StructureVisitor
{
    /// <summary>The visitor the walk is passed to.</summary>
    protected StructureVisitor Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc/>
    public override bool WantsLabels => Inner.WantsLabels;
    /// <inheritdoc/>
    public override bool ReportsZeroParts => Inner.ReportsZeroParts;

    /// <inheritdoc/>
    public override void BeginObject(string? json, string label, long offset, long length)
    {
        Inner.PreferBinaryTimestamps = PreferBinaryTimestamps;
        Inner.BeginObject(json, label, offset, length);
    }

    /// <inheritdoc/>
    public override void EndObject() => Inner.EndObject();
    /// <inheritdoc/>
    public override void BeginArray(string json, string label, long offset, long length) => Inner.BeginArray(json, label, offset, length);
    /// <inheritdoc/>
    public override void EndArray() => Inner.EndArray();

    /// <inheritdoc/>
    public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
    {
        Inner.PreferBinaryTimestamps = PreferBinaryTimestamps;
        Inner.Field(field, offset, raw, valid, validationBits);
    }

    /// <inheritdoc/>
    public override void Info(string json, string label, string? value) => Inner.Info(json, label, value);
    /// <inheritdoc/>
    public override void Info(string json, string label, long value) => Inner.Info(json, label, value);
    /// <inheritdoc/>
    public override void Info(string json, string label, long value, string unit) => Inner.Info(json, label, value, unit);
    /// <inheritdoc/>
    public override void JsonOnly(string json, string? value) => Inner.JsonOnly(json, value);
    /// <inheritdoc/>
    public override void Data(string json, string label, long offset, ReadOnlySpan<byte> bytes) => Inner.Data(json, label, offset, bytes);
    /// <inheritdoc/>
    protected override void OnError(ApeiContentException error) => Inner.Error(error);

    /// <summary>
    /// True to pass whole layouts (<see cref="Layout"/>, <see cref="NestedLayout"/>) on to the inner visitor, so it can take
    /// its compiled path (the compact JSON renderer); false (the default) to walk them here field by field, so a subclass
    /// that looks at fields sees every one.
    /// </summary>
    protected virtual bool ForwardsLayouts => false;

    /// <inheritdoc/>
    public override void Layout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset)
    {
        if (!ForwardsLayouts)
        {
            base.Layout(layout, structure, baseOffset);
            return;
        }
        Inner.PreferBinaryTimestamps = PreferBinaryTimestamps;
        Inner.Layout(layout, structure, baseOffset);
    }

    /// <inheritdoc/>
    public override void NestedLayout(StructDef layout, ReadOnlySpan<byte> structure, long baseOffset, bool valid)
    {
        if (!ForwardsLayouts)
        {
            base.NestedLayout(layout, structure, baseOffset, valid);
            return;
        }
        Inner.PreferBinaryTimestamps = PreferBinaryTimestamps;
        Inner.NestedLayout(layout, structure, baseOffset, valid);
    }
}
