using ApeiKit.Ghes;

namespace ApeiKit.Tests.Ghes;

public class BertRenderingTests
{
    private static string Render(Func<TextWriter, StructureVisitor> make)
    {
        var file = GhesTestBlocks.BertFile;
        var w = new StringWriter();
        BertDescriber.Describe(file.AsSpan(0, 48), 0, file.AsSpan(48), 48, make(w), "BERT and boot error region (fixtures/bert/dummy.bert)");
        return w.ToString();
    }

    [Fact]
    public void Text_rendering_of_the_bert_fixture_matches_its_snapshot()
        => Snapshot.Verify(Render(w => new TextRenderer(w)));

    [Fact]
    public void Layout_rendering_of_the_bert_fixture_matches_its_snapshot()
        => Snapshot.Verify(Render(w => new LayoutRenderer(w)));

    [Fact]
    public void Text_rendering_of_a_built_block_with_raw_data_matches_its_snapshot()
    {
        var w = new StringWriter();
        ErrorStatusBlockDescriber.Describe(GhesTestBlocks.TwoEntries(raw: [0xDE, 0xAD, 0xBE, 0xEF]).Encode(), 0, new TextRenderer(w), "Generic Error Status Block");
        Snapshot.Verify(w.ToString());
    }
}
