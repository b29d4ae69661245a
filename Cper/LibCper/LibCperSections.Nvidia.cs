using System.Text.Json.Nodes;
using ApeiKit.Cper.Vendors;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>NVIDIA CPU error section as libcper renders it (<c>sections/cper-section-nvidia.c</c>), built on <see cref="NvidiaSection"/>.</summary>
internal sealed class LcNvidia : LibCperTreeSection
{
    public override Guid SectionType => NvidiaSection.SectionGuid;
    public override string ReadableName => "NVIDIA";
    public override string ShortName => "Nvidia";
    private static readonly string[] DisabledReasons = ["Alias Checker Failed", "Training at POR frequency failed", "Training at boot frequency failed", "Threshold of bad pages exceeded"];

    public override JsonObject? ToIr(ReadOnlySpan<byte> b, out string? message)
    {
        message = null;
        if (b.Length < NvidiaSection.HeaderSize) return null;
        // libcper lists every declared register and writes null for the ones past the body; the model keeps whole entries only.
        // libcper lists every declared register (null past the body) while the model refuses a count beyond the body: the
        // count is read by its layout name and the model decoded over the whole entries present.
        int declared = (int)NvidiaSection.HeaderLayout.Find("registerCount")!.ReadValue(b);
        NvidiaSection s = NvidiaSection.Decode(b[..Math.Min(b.Length, NvidiaSection.HeaderSize + Math.Min(declared, (b.Length - NvidiaSection.HeaderSize) / NvidiaSection.RegisterSize) * NvidiaSection.RegisterSize)]);
        string signature = UntrustedString(s.SignatureBytes) ?? "";
        string severity = s.Severity < 4 ? LibCperNames.Severities[s.Severity] : "Unknown";
        message = FormattableString.Invariant($"A {severity} {signature} NVIDIA Error occurred on CPU {s.Socket}");
        var o = new JsonObject
        {
            ["signature"] = signature,
            ["severity"] = new JsonObject { ["code"] = (ulong)s.Severity, ["name"] = severity },
            ["errorType"] = (int)s.ErrorType,
            ["errorInstance"] = (int)s.ErrorInstance,
            ["socket"] = (int)s.Socket,
            ["registerCount"] = declared,
            ["instanceBase"] = s.InstanceBase,
        };
        var arr = new JsonArray();
        bool cmet = signature.StartsWith("CMET-INFO", StringComparison.Ordinal);
        for (int i = 0; i < declared; i++)
        {
            // libcper's bound: header + i entries < section size.
            if (i >= s.Registers.Count || NvidiaSection.HeaderSize + i * NvidiaSection.RegisterSize >= b.Length) { arr.Add(null); continue; }
            var (address, value) = s.Registers[i];
            if (cmet)
            {
                // libcper's EFI_NVIDIA_CMET_CHANNEL_INFO (include/libcper/Cper.h:1370-1377): ErrorCount:32, ChannelEnabled:1,
                // ChannelIsSpare:1, ChannelPermanentlyDisabled:1, DisabledReason:2, so the reason is bits 35-36 of the value;
                // sections/cper-section-nvidia.c:27 prints ErrorCount with add_int (json_object_new_int: a signed 32-bit number).
                ulong reason = (value >> 35) & 3;
                var r = new JsonObject { ["raw"] = reason };
                if (reason < (ulong)DisabledReasons.Length) r["value"] = DisabledReasons[reason];
                arr.Add((JsonNode?)new JsonObject
                {
                    ["ChannelAddress"] = Hex(address, 16),
                    ["ErrorCount"] = (int)(uint)value,
                    ["ChannelEnabled"] = Bit(value, 32),
                    ["ChannelIsSpare"] = Bit(value, 33),
                    ["DisabledReason"] = r,
                });
            }
            else arr.Add((JsonNode?)new JsonObject { ["address"] = address, ["value"] = value });
        }
        o[cmet ? "CMETInfo" : "registers"] = arr;
        return o;
    }

    public override CperSectionBody FromIrBody(JsonObject o)
    {
        var s = new NvidiaSection
        {
            Signature = Str(o["signature"]) ?? "",
            ErrorType = (ushort)U(o["errorType"], 16),
            ErrorInstance = (ushort)U(o["errorInstance"], 16),
            Severity = (byte)U(Lc.M(o["severity"], "code"), 8),
            Socket = (byte)U(o["socket"], 8),
            InstanceBase = U(o["instanceBase"]),
        };
        if (o["registers"] is JsonArray regs)
            foreach (var r in regs) s.Registers.Add((U(Lc.M(r, "address")), U(Lc.M(r, "value"))));
        else if (o["CMETInfo"] is JsonArray cmet)
            foreach (var r in cmet)
            {
                ulong v = (U(Lc.M(r, "ErrorCount")) & 0xFFFFFFFF) | (Bool(Lc.M(r, "ChannelEnabled")) ? 1UL << 32 : 0) | (Bool(Lc.M(r, "ChannelIsSpare")) ? 1UL << 33 : 0) | ((U(Lc.M(Lc.M(r, "DisabledReason"), "raw")) & 3) << 35);
                s.Registers.Add((U(Lc.M(r, "ChannelAddress")), v));
            }
        return s;
    }
}
