using System.Text.Json.Nodes;
using ApeiKit.Cper.Vendors;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// Ampere error section as libcper renders it (<c>sections/cper-section-ampere.c</c>), built on <see cref="AmpereSection"/>.
/// libcper refuses a body shorter than its 8-byte <c>EFI_AMPERE_ERROR_DATA</c> (line 15) and prints the three IDs with
/// <c>add_int</c> (lines 38-40): json-c's 32-bit signed integers, so an Instance ID of 2^31 or more shows as a negative number.
/// Bytes after the 8 are not shown (libcper ignores them).
/// </summary>
internal sealed class LcAmpere : LibCperSection<AmpereSection>
{
    public override Guid SectionType => AmpereSection.SectionGuid;
    public override string ReadableName => "Ampere";
    public override string ShortName => "Ampere";
    protected override int MinimumLength => AmpereSection.Size;

    protected override AmpereSection Decode(ReadOnlySpan<byte> body) => AmpereSection.Decode(body);

    protected override JsonObject? ToIr(AmpereSection m, out string? message)
    {
        message = "An Ampere Error occurred";
        return new JsonObject { ["typeId"] = (int)m.TypeId, ["subTypeId"] = (int)m.SubtypeId, ["instanceId"] = unchecked((int)m.InstanceId) };
    }

    public override AmpereSection FromIrModel(JsonObject o) => new()
    {
        // libcper's ir_section_ampere_to_cper (lines 53-57) reads each with json_object_get_int and stores it in the
        // structure's 16/32-bit field; a negative instanceId (how libcper prints 2^31 and above) is its 32-bit pattern.
        TypeId = (ushort)U(o["typeId"], 16),
        SubtypeId = (ushort)U(o["subTypeId"], 16),
        InstanceId = (uint)(U(o["instanceId"]) & 0xFFFFFFFF),
    };
}
