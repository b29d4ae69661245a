using ApeiKit.Cper.Input;

namespace ApeiKit.Tests.Cper.Input;

/// <summary>
/// The library's recognition of CPER given as text, held against encoders ApeiKit did not write (the framework's
/// Convert.ToHexString / ToBase64String of real WHEA captures) and libcper's own .cperhex files.
/// </summary>
public class CperTextFormsTests
{
    [Theory]
    [InlineData("cper/whea/TestErrorMemory1.bin")]
    [InlineData("cper/whea/TestErrorMultiple3.bin")]
    public void Hex_and_base64_of_a_capture_decode_to_its_bytes(string fixture)
    {
        byte[] record = Fixtures.Bytes(fixture);
        Assert.Equal(CperTextEncoding.Binary, CperTextForms.Guess(record));

        byte[] hex = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(record).ToLowerInvariant());
        Assert.Equal(CperTextEncoding.Hex, CperTextForms.Guess(hex));
        Assert.Equal(record, CperTextForms.Decode(hex, out string? error, CperTextEncoding.Hex));
        Assert.Null(error);
        Assert.True(CperTextForms.TryDecodeHex(hex, out var viaTry));
        Assert.Equal(record, viaTry);

        byte[] base64 = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(record, Base64FormattingOptions.InsertLineBreaks));
        Assert.Equal(CperTextEncoding.Base64, CperTextForms.Guess(base64));
        Assert.Equal(record, CperTextForms.Decode(base64, out error, CperTextEncoding.Base64));
        Assert.True(CperTextForms.TryDecodeBase64(base64, out viaTry));
        Assert.Equal(record, viaTry);
    }

    [Fact]
    public void Libcper_cperhex_files_are_hex_records()
    {
        foreach (var path in Directory.GetFiles(Fixtures.Path("cper/libcper"), "*.cperhex"))
        {
            byte[] text = File.ReadAllBytes(path);
            Assert.Equal(CperTextEncoding.Hex, CperTextForms.Guess(text));
            byte[] bytes = CperTextForms.Decode(text, out string? error, CperTextEncoding.Hex) ?? throw new Xunit.Sdk.XunitException($"{path}: {error}");
            Assert.True(bytes.AsSpan().StartsWith("CPER"u8), path);
            // The framework's own hex decoder over the same digits gives the same bytes.
            string digits = new(System.Text.Encoding.ASCII.GetString(text).Where(char.IsAsciiHexDigit).ToArray());
            Assert.Equal(Convert.FromHexString(digits), bytes);
        }
    }

    [Fact]
    public void Invalid_text_says_where_and_try_refuses_it()
    {
        byte[] text = "43 50 45 52 zz"u8.ToArray();
        Assert.Null(CperTextForms.Decode(text, out string? error, CperTextEncoding.Hex));
        Assert.NotNull(error);
        Assert.False(CperTextForms.TryDecodeHex(text, out var bytes));
        Assert.Empty(bytes);
        Assert.False(CperTextForms.TryDecodeBase64("not base64!"u8, out _));
        // Short text that is neither (fewer than MinGuessDigits digits before a stray character) is left as bytes.
        Assert.Equal(CperTextEncoding.Binary, CperTextForms.Guess("12 34 hello, world"u8));
    }
}
