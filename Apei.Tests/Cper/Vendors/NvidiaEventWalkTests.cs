using ApeiKit.Cper.Vendors;

namespace ApeiKit.Tests.Cper.Vendors;

/// <summary>
/// The NVIDIA event describer walks the event contexts with the view's enumerator (each context at the previous one plus
/// its context size, libcper's walk): nothing allocated for the walk itself (a list of offsets and a result object per
/// describe before), and what it walks is what the view and the model count.
/// </summary>
public sealed class NvidiaEventWalkTests
{
    // Two GPU contexts whose data are fixed layouts or arrays (0x8002 recommended actions, format 3 64-bit values) and
    // a third cut short: its context size claims more than the body holds, so the walk stops there.
    private static byte[] Body(bool cutLast)
    {
        var section = new NvidiaEventSection { Version = 1, SourceDeviceType = 1, InfoVersion = 0x100, Info = new byte[13] };
        var actions = new NvidiaEventContext { DataFormatType = 0x8002 };
        actions.SetData(new byte[16]);
        var values = new NvidiaEventContext { DataFormatType = 3 };
        values.SetData([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        section.Contexts.Add(actions);
        section.Contexts.Add(values);
        if (cutLast) section.Contexts.Add(new NvidiaEventContext { DataFormatType = 3 });
        var body = section.Encode();
        if (cutLast) NvidiaEventContext.ContextSizeField.WriteValue(body.AsSpan(body.Length - NvidiaEventSection.ContextHeaderSize), 0x1000);
        return body;
    }

    [Fact]
    public void Describing_the_contexts_allocates_nothing_for_a_visitor_without_labels()
    {
        var body = Body(cutLast: false);
        var visitor = new FieldCounter();
        ViewWalk.AssertAllocatesNothing(() =>
        {
            visitor.Fields = 0;
            NvidiaEventSection.Describe(body, 0, visitor);
            return visitor.Fields;
        }, fields => fields > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_describer_shows_the_contexts_the_view_and_the_model_walk(bool cutLast)
    {
        var body = Body(cutLast);
        var visitor = new FieldCounter();
        NvidiaEventSection.Describe(body, 0, visitor);
        Assert.True(NvidiaEventSectionView.TryRead(body, out var view));
        int walked = 0;
        foreach (var _ in view.Contexts) walked++;
        var model = NvidiaEventSection.Decode(body);
        Assert.Equal(2, walked);
        Assert.Equal(walked, model.Contexts.Count);
        // Each walked context is one array element; the cut one is shown by its header with the error.
        Assert.Equal(cutLast ? 3 : 2, visitor.ContextObjects);
        Assert.Equal(cutLast ? 1 : 0, visitor.Errors);
        Assert.Equal(cutLast ? (byte?)3 : null, model.DeclaredContextCount);
        Assert.Equal(cutLast ? NvidiaEventSection.ContextHeaderSize : 0, model.TrailingBytes.Length);
    }

    private sealed class FieldCounter : SilentVisitor
    {
        private int _depth, _contextsDepth = -1;
        public int Fields, ContextObjects, Errors;
        public override bool WantsLabels => false;
        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits) => Fields++;
        public override void BeginArray(string json, string label, long offset, long length)
        {
            if (json == "contexts") _contextsDepth = _depth;
            _depth++;
        }
        public override void EndArray() => _depth--;
        public override void BeginObject(string? json, string label, long offset, long length)
        {
            if (_contextsDepth >= 0 && _depth == _contextsDepth + 1) ContextObjects++;
            _depth++;
        }
        public override void EndObject() => _depth--;
        protected override void OnError(ApeiContentException error) => Errors++;
    }
}
