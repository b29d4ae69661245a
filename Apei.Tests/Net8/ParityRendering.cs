using System.Buffers;
using System.Text;
using ApeiKit.Cper;
using ApeiKit.Cper.LibCper;
using ApeiKit.Ghes;
using ApeiKit.Hest;


namespace ApeiKit.Tests.Net8;

/// <summary>
/// Renders an input through the library's public API only (describers with the layout, text and JSON renderers, and
/// the libcper JSON writer). The same source is compiled into the test project (net10.0) and into the net8.0
/// self-contained program beside it, so <c>Net8ParityTests</c> can hold the net8.0 build of the libraries against the
/// net10.0 one byte for byte (issue #17: the packages target both).
/// </summary>
public static class ParityRendering
{
    /// <summary>Every rendering of one input file, with its name as a heading.</summary>
    public static string RenderFile(string path, string name)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (path.EndsWith(".cperhex", StringComparison.Ordinal))
            bytes = Convert.FromHexString(Encoding.ASCII.GetString(bytes).Where(c => !char.IsWhiteSpace(c)).ToArray());
        var sb = new StringBuilder();
        sb.Append("=== ").Append(name).Append('\n');
        foreach (var kind in new[] { "layout", "text", "json" })
        {
            sb.Append("--- ").Append(kind).Append('\n');
            try
            {
                sb.Append(Render(bytes, kind));
            }
            catch (ApeiContentException e)
            {
                sb.Append("content error: ").Append(e.Message).Append('\n');
            }
        }
        if (bytes.AsSpan().StartsWith("CPER"u8))
        {
            sb.Append("--- libcper\n");
            try
            {
                sb.Append(LibCperJsonWriter.Write(bytes, indented: true)).Append('\n');
            }
            catch (ApeiContentException e)
            {
                sb.Append("content error: ").Append(e.Message).Append('\n');
            }
        }
        return sb.ToString();
    }

    static string Render(byte[] bytes, string kind)
    {
        var text = new StringWriter { NewLine = "\n" };
        var json = new ArrayBufferWriter<byte>();
        StructureVisitor visitor = kind switch
        {
            "layout" => new LayoutRenderer(text),
            "text" => new TextRenderer(text),
            _ => new JsonRenderer(json),
        };
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith("HEST"u8)) HestDescriber.Describe(span, 0, visitor);
        else if (span.StartsWith("ERST"u8) && !span.StartsWith("ERSTSTOR"u8) || span.StartsWith("EINJ"u8)) ActionTableDescriber.Describe(span, 0, visitor);
        else if (span.StartsWith("ERSTSTOR"u8)) ErstStoreDescriber.Describe(span, 0, visitor);
        else
        {
            long offset = 0;
            int n = 0;
            while (span.Length >= 4 && span.StartsWith("CPER"u8))
            {
                CperRecordDescriber.Describe(span, offset, visitor, $"CPER record #{n++}", out int consumed);
                if (consumed <= 0) break;
                span = span[consumed..];
                offset += consumed;
            }
        }
        return kind == "json" ? Encoding.UTF8.GetString(json.WrittenSpan) + "\n" : text.ToString();
    }
}
