using ApeiKit.Cper;

namespace ApeiKit.Tests.Apei;

/// <summary><see cref="FieldDef.ReadValue"/> on a structure that ends before the field: the one content exception, naming the field (issue #17 item 2), not an ArgumentOutOfRangeException.</summary>
public sealed class FieldDefReadTests
{
    [Fact]
    public void Reading_a_field_past_the_end_of_a_short_body_is_a_content_error_naming_the_field()
    {
        var e = Assert.Throws<ApeiContentException>(() => MemoryErrorSection.ModuleHandleField.ReadValue(new byte[MemoryErrorSection.LegacySize]));
        Assert.Contains("moduleHandle", e.Message, StringComparison.Ordinal);
        Assert.Equal(0x1234UL, MemoryErrorSection.ModuleHandleField.ReadValue([.. new byte[78], 0x34, 0x12]));
    }
}
