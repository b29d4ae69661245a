using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Vendors;
using static ApeiKit.Cper.LibCper.Lc;

namespace ApeiKit.Cper.LibCper;

/// <summary>NVIDIA CPU error section as libcper renders it (<c>sections/cper-section-nvidia.c</c>), built on <see cref="NvidiaSection"/>.</summary>
/// <remarks>
/// Streamed (issue #15): written straight into the <see cref="LcWriter"/> from the body through the section's
/// zero-copy view (<see cref="NvidiaSectionView"/>, generated from the header's declaration, and its register entries),
/// names encoded once, nothing allocated per record. Reading back goes through the model (<see cref="FromIrBody"/>).
/// </remarks>
internal sealed class LcNvidia : LibCperSection
{
    public override Guid SectionType => NvidiaSection.SectionGuid;
    public override string ReadableName => "NVIDIA";
    public override string ShortName => "Nvidia";
    private static readonly string[] DisabledReasons = ["Alias Checker Failed", "Training at POR frequency failed", "Training at boot frequency failed", "Threshold of bad pages exceeded"];
    private static readonly JsonEncodedText s_shortName = JsonEncodedText.Encode("Nvidia"), s_signatureName = JsonEncodedText.Encode("signature"),
        s_severityName = JsonEncodedText.Encode("severity"), s_code = JsonEncodedText.Encode("code"), s_errorTypeName = JsonEncodedText.Encode("errorType"),
        s_errorInstanceName = JsonEncodedText.Encode("errorInstance"), s_socketName = JsonEncodedText.Encode("socket"), s_countName = JsonEncodedText.Encode("registerCount"),
        s_instanceBaseName = JsonEncodedText.Encode("instanceBase"), s_registers = JsonEncodedText.Encode("registers"), s_cmetInfo = JsonEncodedText.Encode("CMETInfo"),
        s_addressName = JsonEncodedText.Encode("address"), s_valueName = JsonEncodedText.Encode("value"), s_channelAddress = JsonEncodedText.Encode("ChannelAddress"),
        s_errorCount = JsonEncodedText.Encode("ErrorCount"), s_channelEnabled = JsonEncodedText.Encode("ChannelEnabled"), s_channelIsSpare = JsonEncodedText.Encode("ChannelIsSpare"),
        s_disabledReason = JsonEncodedText.Encode("DisabledReason"), s_raw = JsonEncodedText.Encode("raw");

    /// <inheritdoc/>
    public override bool TryWrite(LcWriter w, ReadOnlySpan<byte> b)
    {
        // Shorter than the header, or more registers declared than whole entries present: the model refuses it, and the
        // section is shown as base64 Unknown.
        if (!NvidiaSectionView.TryRead(b, out var v) || !v.RegistersComplete) return false;
        int declared = v.DeclaredRegisterCount;
        var signatureBytes = v.Signature;
        int signatureLength = Math.Max(0, UntrustedLength(signatureBytes)); // libcper add_untrusted_string: "" when a non-printable byte comes first
        var signature = signatureBytes[..signatureLength];
        ulong severity = v.Severity, socket = v.Socket;
        string severityName = severity < 4 ? LibCperNames.Severities[severity] : "Unknown";
        w.WriteStartObject();
        // "A <severity> <signature> NVIDIA Error occurred on CPU <socket>": at most 13 + 16 + 30 + 3 characters.
        Span<char> message = stackalloc char[96];
        int n = 0;
        Append(message, ref n, "A ");
        Append(message, ref n, severityName);
        message[n++] = ' ';
        for (int i = 0; i < signature.Length; i++) message[n++] = (char)signature[i];
        Append(message, ref n, " NVIDIA Error occurred on CPU ");
        socket.TryFormat(message[n..], out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(MessageName, message[..(n + digits)]);
        w.WriteStartObject(s_shortName);
        w.WriteString(s_signatureName, signature);
        w.WriteStartObject(s_severityName);
        w.WriteNumber(s_code, severity);
        w.WriteString(NameName, severityName);
        w.WriteEndObject();
        w.WriteNumber(s_errorTypeName, v.ErrorType);
        w.WriteNumber(s_errorInstanceName, v.ErrorInstance);
        w.WriteNumber(s_socketName, socket);
        w.WriteNumber(s_countName, declared);
        w.WriteNumber(s_instanceBaseName, v.InstanceBase);
        bool cmet = signature.StartsWith("CMET-INFO"u8);
        w.WriteStartArray(cmet ? s_cmetInfo : s_registers);
        foreach (var entry in v.Registers)
        {
            ulong address = entry.Address, value = entry.Value;
            w.WriteStartObject();
            if (cmet)
            {
                // libcper's EFI_NVIDIA_CMET_CHANNEL_INFO (include/libcper/Cper.h:1370-1377): ErrorCount:32, ChannelEnabled:1,
                // ChannelIsSpare:1, ChannelPermanentlyDisabled:1, DisabledReason:2, so the reason is bits 35-36 of the value;
                // sections/cper-section-nvidia.c:27 prints ErrorCount with add_int (json_object_new_int: a signed 32-bit number).
                ulong reason = (value >> 35) & 3;
                w.WriteHex(s_channelAddress, address, 16);
                w.WriteNumber(s_errorCount, (int)(uint)value);
                w.WriteBoolean(s_channelEnabled, Bit(value, 32));
                w.WriteBoolean(s_channelIsSpare, Bit(value, 33));
                w.WriteStartObject(s_disabledReason);
                w.WriteNumber(s_raw, reason);
                w.WriteString(s_valueName, DisabledReasons[reason]); // all four 2-bit values are named
                w.WriteEndObject();
            }
            else
            {
                w.WriteNumber(s_addressName, address);
                w.WriteNumber(s_valueName, value);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    private static void Append(Span<char> text, ref int n, string s)
    {
        s.AsSpan().CopyTo(text[n..]);
        n += s.Length;
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
