using System.Globalization;
using ApeiKit.Cper.Input;

namespace ApeiKit.Cli;

/// <summary>
/// Where a decoded unit came from: the input's name, the unit's offset in the (decoded) input, and for wrapped records
/// the entry that carried it, what ApeiKit synthesised around it and the entry's Oem members.
/// </summary>
internal sealed record UnitSource(string File, long Offset, CperRecordOrigin? Origin)
{
    /// <summary>Writes the source into the unit's object: one "Source" line for text, a "source" object for JSON.</summary>
    public void Write(StructureVisitor v)
    {
        var ci = CultureInfo.InvariantCulture;
        if (v.WantsLabels)
        {
            string where = Origin switch
            {
                null => string.Create(ci, $"{File} at offset {Offset} (0x{Offset:X})"),
                { SourceOffset: { } so } o => string.Create(ci, $"{File}, {o.Entry}, data at file offset {so} (0x{so:X})"),
                { } o => $"{File}, {o.Entry}",
            };
            v.Info("source", "Source", where);
            if (Origin?.Note is { } note) v.Info("note", "Note", note);
            if (Origin?.Oem is { } oem) v.Info("oem", "Oem", oem);
            return;
        }
        v.BeginObject("source", "Source", Offset, 0);
        v.Info("file", "File", File);
        v.Info("offset", "Offset", Offset);
        if (Origin is { } origin)
        {
            v.Info("entry", "Entry", origin.Entry);
            if (origin.SourceOffset is { } so) v.Info("fileOffset", "File offset", so);
            v.Info("headerSynthesised", "Header synthesised", origin.HeaderSynthesised ? "yes" : "no");
            if (origin.Note is { } note) v.Info("note", "Note", note);
            if (origin.Oem is { } oem) v.Info("oem", "Oem", oem);
        }
        v.EndObject();
    }
}

/// <summary>Forwards a walk, writing a <see cref="UnitSource"/> first inside the unit's outermost object.</summary>
internal sealed class SourceVisitor(StructureVisitor inner, UnitSource source) : ForwardingVisitor(inner)
{
    private int _depth;

    public override void BeginObject(string? json, string label, long offset, long length)
    {
        base.BeginObject(json, label, offset, length);
        if (_depth++ == 0) source.Write(Inner);
    }

    public override void EndObject()
    {
        _depth--;
        Inner.EndObject();
    }

    // Whole layouts on to the inner visitor (its compiled JSON path); fields would reach it unchanged one by one too.
    protected override bool ForwardsLayouts => true;
}
