using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// Re-indents compact JSON (what <see cref="LcWriter"/> writes) into the bytes a <see cref="Utf8JsonWriter"/> with
/// <c>Indented = true</c> and its default indentation writes for the same tokens: two spaces a level and
/// <see cref="Environment.NewLine"/>, <c>"name": value</c>, an empty object or array as <c>{}</c> or <c>[]</c>, a line
/// break and the indentation after every other container start and every comma, and before every other container end.
/// One pass over the bytes: runs between structural characters and string contents (escapes included) are copied as they
/// are, so no token is parsed or re-escaped.
/// </summary>
internal static class LcIndent
{
    private static readonly SearchValues<byte> s_structural = SearchValues.Create("\"{}[],:"u8);
    private static readonly SearchValues<byte> s_inString = SearchValues.Create("\"\\"u8);
    private static readonly byte[] s_newLine = Encoding.UTF8.GetBytes(Environment.NewLine);

    /// <summary>Writes <paramref name="json"/> (one or more compact JSON values, as written, well-formed) indented into <paramref name="output"/>.</summary>
    public static void Write(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        var o = new Sink(output, json.Length + (json.Length >> 1) + 256);
        int depth = 0, i = 0;
        while (i < json.Length)
        {
            int run = json[i..].IndexOfAny(s_structural);
            if (run < 0)
            {
                o.Copy(json[i..]);
                break;
            }
            o.Copy(json.Slice(i, run));
            i += run;
            switch (json[i])
            {
                case (byte)'"':
                {
                    int end = i + 1;
                    while (end < json.Length)
                    {
                        int k = json[end..].IndexOfAny(s_inString);
                        if (k < 0) { end = json.Length; break; }
                        end += k;
                        if (json[end] == '\\') { end = Math.Min(end + 2, json.Length); continue; } // the escaped byte is never the end
                        end++;
                        break;
                    }
                    o.Copy(json[i..end]);
                    i = end;
                    break;
                }
                case (byte)'{':
                case (byte)'[':
                    if (i + 1 < json.Length && json[i + 1] is (byte)'}' or (byte)']')
                    {
                        o.Copy(json.Slice(i, 2)); // an empty container stays on its line
                        i += 2;
                        break;
                    }
                    o.Byte(json[i++]);
                    o.NewLine(++depth);
                    break;
                case (byte)'}':
                case (byte)']':
                    o.NewLine(--depth);
                    o.Byte(json[i++]);
                    break;
                case (byte)',':
                    o.Byte((byte)',');
                    o.NewLine(depth);
                    i++;
                    break;
                default: // ':'
                    o.Copy(": "u8);
                    i++;
                    break;
            }
        }
        o.Commit();
    }

    /// <summary>The output's memory, asked for in large pieces.</summary>
    private ref struct Sink(IBufferWriter<byte> output, int hint)
    {
        private Span<byte> _d = output.GetSpan(hint);
        private int _p;

        private void Room(int bytes)
        {
            if (_d.Length - _p >= bytes) return;
            output.Advance(_p);
            _d = output.GetSpan(Math.Max(bytes, 64 << 10));
            _p = 0;
        }

        public void Copy(ReadOnlySpan<byte> bytes)
        {
            Room(bytes.Length);
            bytes.CopyTo(_d[_p..]);
            _p += bytes.Length;
        }

        public void Byte(byte b)
        {
            Room(1);
            _d[_p++] = b;
        }

        public void NewLine(int depth)
        {
            int indent = 2 * Math.Max(depth, 0);
            Room(s_newLine.Length + indent);
            s_newLine.CopyTo(_d[_p..]);
            _p += s_newLine.Length;
            _d.Slice(_p, indent).Fill((byte)' ');
            _p += indent;
        }

        public readonly void Commit() => output.Advance(_p);
    }
}
