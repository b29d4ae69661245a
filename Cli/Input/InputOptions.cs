using System.CommandLine;
using ApeiKit.Cper.Input;

namespace ApeiKit.Cli;

/// <summary>The input options shared by the commands that read records (<c>decode</c>, <c>stats</c>): <c>--input</c>, <c>--section-type</c>, <c>--severity</c>.</summary>
internal static class InputOptions
{
    /// <summary>The values of <c>--input</c>, with what each means.</summary>
    private static readonly (string Name, InputEncoding Encoding)[] s_values =
    [
        ("auto", InputEncoding.Auto), ("binary", InputEncoding.Binary), ("hex", InputEncoding.Hex), ("base64", InputEncoding.Base64),
        ("xxd", InputEncoding.HexDump), ("hexdump", InputEncoding.HexDump), ("redfish", InputEncoding.Redfish), ("pldm", InputEncoding.Pldm),
        ("whea-xml", InputEncoding.WheaXml), ("section", InputEncoding.Section), ("rasdaemon", InputEncoding.Rasdaemon), ("dmesg", InputEncoding.Dmesg),
    ];

    /// <summary><c>--input</c>; with <paramref name="gesb"/> it also takes "gesb".</summary>
    public static Option<string> Input(bool gesb)
    {
        var o = new Option<string>("--input", "-i")
        {
            Description = "What the files hold (default: recognised from their first bytes): binary, hex, base64, xxd or hexdump (xxd / hexdump -C text), "
                + "redfish (LogEntry JSON), pldm (PLDM CPER event files), whea-xml (Windows WHEA-Logger events saved as XML), rasdaemon (its SQLite database), dmesg (kernel log [Hardware Error] lines, parsed back, lossy), section (one section; needs --section-type)"
                + (gesb ? "; gesb reads them as Generic Error Status Blocks." : "."),
            DefaultValueFactory = _ => "auto",
        };
        o.AcceptOnlyFromAmong([.. s_values.Select(v => v.Name), .. gesb ? new[] { "gesb" } : []]);
        return o;
    }

    /// <summary><c>--section-type GUID</c>.</summary>
    public static Option<string?> SectionType() => new("--section-type")
    {
        Description = "The section type GUID of an input that is one section on its own (its body, or its descriptor and body): it is wrapped into a CPER record with a synthesised header.",
    };

    /// <summary><c>--severity</c>.</summary>
    public static Option<string?> Severity() => new("--severity")
    {
        Description = "Severity for a synthesised record header (a lone section, a Redfish CPERSection body): fatal, recoverable, corrected, informational or 0-3.",
    };

    /// <summary>The encoding named by an <c>--input</c> value ("gesb" is handled by the caller).</summary>
    public static InputEncoding Parse(string value) => s_values.First(v => v.Name == value).Encoding;

    /// <summary>Reads <c>--section-type</c> and <c>--severity</c>.</summary>
    /// <exception cref="CliUsageException">Not a GUID, not a severity, or --input section without --section-type.</exception>
    public static WrapOptions Wrap(string? sectionType, string? severity, InputEncoding encoding)
    {
        Guid? type = null;
        if (sectionType is not null)
        {
            if (!Guid.TryParse(sectionType, out var g)) throw new CliUsageException($"--section-type: \"{sectionType}\" is not a GUID (e.g. a5bc1114-6f64-4ede-b863-3e83ed7c83b1 for Platform Memory).");
            if (encoding is not (InputEncoding.Auto or InputEncoding.Section or InputEncoding.Binary or InputEncoding.Hex or InputEncoding.Base64))
                throw new CliUsageException($"--section-type applies to a section on its own, not to --input {encoding.ToString().ToLowerInvariant()}.");
            type = g;
        }
        else if (encoding == InputEncoding.Section) throw new CliUsageException("--input section needs --section-type GUID (the section's type).");
        uint? sev = null;
        if (severity is not null)
        {
            if (!CperSectionWrapper.TryParseSeverity(severity, out uint s)) throw new CliUsageException($"--severity: '{CliText.Cut(CliText.Clean(severity))}' is not fatal, recoverable, corrected, informational or 0-3.");
            sev = s;
        }
        return new WrapOptions(type, sev);
    }
}
