using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ApeiKit.Tests.Hest;

/// <summary>Runs ACPICA's iasl (Debian acpica-tools) in a temporary directory per test.</summary>
internal sealed partial class Iasl : IDisposable
{
    public const string Path = "/usr/bin/iasl";
    public const string MissingReason = "iasl (ACPICA, Debian package acpica-tools) is not installed at /usr/bin/iasl; CI installs it.";
    public static bool IsMissing => !File.Exists(Path);

    public string Dir { get; } = Directory.CreateTempSubdirectory("apeikit-iasl-").FullName;

    public (int Code, string Output) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Path) { WorkingDirectory = Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    public byte[] Compile(string name, string asl)
    {
        File.WriteAllText(System.IO.Path.Combine(Dir, name + ".asl"), asl);
        var (code, output) = Run(name + ".asl");
        Assert.True(code == 0, "iasl did not compile " + name + ".asl:\n" + output);
        return File.ReadAllBytes(System.IO.Path.Combine(Dir, name + ".aml"));
    }

    /// <summary>iasl's own template for <paramref name="signature"/> (<c>iasl -T</c>), compiled: the table's bytes.</summary>
    public byte[] CompileTemplate(string signature)
    {
        var (code, output) = Run("-T", signature);
        Assert.True(code == 0, output);
        string name = signature.ToLowerInvariant();
        return Compile(name, File.ReadAllText(System.IO.Path.Combine(Dir, name + ".asl")));
    }

    /// <summary>Disassembles tables with one iasl run; returns each .dsl's text.</summary>
    public List<string> Disassemble(params (string Name, byte[] Bytes)[] tables)
    {
        foreach (var (n, b) in tables) File.WriteAllBytes(System.IO.Path.Combine(Dir, n + ".aml"), b);
        var (code, output) = Run(["-d", .. tables.Select(t => t.Name + ".aml")]);
        Assert.True(code == 0, "iasl -d refused the table(s):\n" + output);
        return tables.Select(t => File.ReadAllText(System.IO.Path.Combine(Dir, t.Name + ".dsl"))).ToList();
    }

    /// <summary>One field line of a .dsl: <c>[OFFh DEC LEN] Name : value</c>.</summary>
    public sealed record DslField(int Offset, int Length, string Name, string Value);

    [GeneratedRegex(@"^\[(?<hex>[0-9A-F]+)h (?<dec>\d+) +(?<len>\d+)\] +(?<name>[^:]+?) : (?<value>.*)$")]
    private static partial Regex DslLine();

    /// <summary>Every field a describer reports, by absolute offset (to hold against what <c>iasl -d</c> prints).</summary>
    private sealed class FieldCollector : SilentVisitor
    {
        public Dictionary<long, (int Size, ulong Value, string Json)> Fields { get; } = [];
        public List<ApeiContentException> Errors { get; } = [];
        public override void Field(FieldDef field, long offset, ReadOnlySpan<byte> raw, bool valid, ulong validationBits)
            => Fields[offset] = (raw.Length, raw.Length <= 8 ? FieldDef.ReadLittleEndian(raw) : 0, field.Json);
        protected override void OnError(ApeiContentException error) => Errors.Add(error);
    }

    /// <summary>
    /// Every numeric field iasl prints in <paramref name="dsl"/> must be a field of <paramref name="describe"/>'s at the same
    /// offset, with the same length and value (fields named in <paramref name="skip"/> are left out). Returns how many were compared.
    /// </summary>
    public static int AssertSameFields(string dsl, byte[] table, Action<byte[], StructureVisitor> describe, params string[] skip)
    {
        var ours = new FieldCollector();
        describe(table, ours);
        Assert.Empty(ours.Errors);
        int compared = 0;
        foreach (var f in Fields(dsl))
        {
            if (f.Length > 8 || HexValue(f.Value) is not { } v || skip.Contains(f.Name)) continue;
            Assert.True(ours.Fields.TryGetValue(f.Offset, out var o), $"iasl shows '{f.Name}' at offset {f.Offset}; ApeiKit has no field there");
            Assert.True(o.Size == f.Length, $"'{f.Name}' at {f.Offset}: iasl {f.Length} bytes, ApeiKit {o.Json} {o.Size} bytes");
            Assert.True(o.Value == v, $"'{f.Name}' at {f.Offset}: iasl 0x{v:X}, ApeiKit {o.Json} 0x{o.Value:X}");
            compared++;
        }
        return compared;
    }

    public static List<DslField> Fields(string dsl)
    {
        var list = new List<DslField>();
        foreach (var line in dsl.Split('\n'))
        {
            var m = DslLine().Match(line.TrimEnd('\r'));
            if (m.Success) list.Add(new(int.Parse(m.Groups["dec"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["len"].Value, CultureInfo.InvariantCulture), m.Groups["name"].Value.Trim(), m.Groups["value"].Value.Trim()));
        }
        return list;
    }

    /// <summary>The leading hex number of a .dsl value (<c>04 [QWord Access:64]</c> gives 4), or null for text/structure lines.</summary>
    public static ulong? HexValue(string value)
    {
        var token = value.Split(' ')[0];
        return token.Length is > 0 and <= 16 && token.All(char.IsAsciiHexDigit) ? ulong.Parse(token, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : null;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Writes iasl data-table source (the format of <c>iasl -T HEST</c>).</summary>
internal sealed class AslWriter
{
    private readonly StringBuilder _sb = new();

    public AslWriter Field(int length, string name, ulong value)
    {
        _sb.Append(CultureInfo.InvariantCulture, $"[{length:D4}] {name,34} : {value.ToString("X" + (length * 2).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)}\n");
        return this;
    }

    public AslWriter Text(int length, string name, string value)
    {
        _sb.Append(CultureInfo.InvariantCulture, $"[{length:D4}] {name,34} : \"{value}\"\n");
        return this;
    }

    /// <summary>A flags byte and its decoded bit lines (iasl wants both).</summary>
    public AslWriter Flags(string name, byte value, params string[] bits)
    {
        _sb.Append(CultureInfo.InvariantCulture, $"[0001] {name,34} : {value:X2}\n");
        for (int i = 0; i < bits.Length; i++) _sb.Append(CultureInfo.InvariantCulture, $"       {bits[i],34} : {(value >> BitOf(bits[i]) & 1)}\n");
        return this;
    }

    private static int BitOf(string name) => name switch { "Firmware First" => 0, "Global" => 1, "GHES Assist" => 2, _ => 0 };

    public AslWriter Blank()
    {
        _sb.Append('\n');
        return this;
    }

    public override string ToString() => _sb.ToString();
}

/// <summary>A fact that is skipped, with the reason, when iasl is not installed.</summary>
internal sealed class IaslFactAttribute : FactAttribute
{
    public IaslFactAttribute()
    {
        if (Iasl.IsMissing) Skip = Iasl.MissingReason;
    }
}
