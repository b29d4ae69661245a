// [lc-audit D] libcper's disabled-reason names; member names
using System.Text.Json;
using System.Text.Json.Nodes;
using ApeiKit.Cper.Json;
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
    private static readonly JsonEncodedText s_shortName = JsonEncodedText.Encode("Nvidia"),
        s_registers = JsonEncodedText.Encode("registers"), s_cmetInfo = JsonEncodedText.Encode("CMETInfo"),
        s_valueName = JsonEncodedText.Encode("value"), s_channelAddress = JsonEncodedText.Encode("ChannelAddress"),
        s_errorCount = JsonEncodedText.Encode("ErrorCount"), s_channelEnabled = JsonEncodedText.Encode("ChannelEnabled"), s_channelIsSpare = JsonEncodedText.Encode("ChannelIsSpare"),
        s_disabledReason = JsonEncodedText.Encode("DisabledReason"), s_raw = JsonEncodedText.Encode("raw"), s_fwErrorInfo = JsonEncodedText.Encode("FWErrorInfo");
    // The header's signature (add_untrusted_string, kind Untrusted) and numbers, the register entry's address and value,
    // and the FWERROR fields libcper shows: their declarations' LibCper lines (NvidiaSection.cs) and the register layout's
    // fields, in libcper's order (the layouts' apart from the severity, placed here).
    private static readonly LcMember[] s_header = Lm.InOrder(NvidiaSection.LibCperMembers(), "signature", Lm.Quirk("severity", null, WriteSeverity, ReadSeverity),
            "errorType", "errorInstance", "socket", "registerCount", "instanceBase"),
        s_register = [Lm.Int("address", Lm.F(NvidiaRegister.LayoutDef, "address")), Lm.Int("value", Lm.F(NvidiaRegister.LayoutDef, "value"))],
        s_fwError = NvidiaFwError.LibCperMembers();
    private static readonly FieldDef s_count = Lm.F(NvidiaSection.HeaderLayout, "registerCount");

    // [lc-audit Q] signature prefix walk, null entries, CMET-INFO bits 35-36 and signed count, FWERROR null, the severity object {code, name} (compat "NVIDIA")
    /// <inheritdoc/>
    /// <remarks>
    /// libcper's rules (<c>sections/cper-section-nvidia.c</c>, <c>cper_section_nvidia_to_ir</c>): a body under the 32-byte
    /// header is refused; the signature member only when <see cref="Lc.PrintableLength"/> accepts it; the entries are chosen by
    /// the raw signature's prefix (<c>get_index</c>: <c>strncmp</c> with "CMET-INFO", then "FWERROR", else plain registers),
    /// whether or not the signature is printable; each of Number of registers entries is written when the body holds it
    /// whole, else <c>null</c> (nothing is read past the body).
    /// </remarks>
    public override bool TryWrite(LcWriter w, ReadOnlySpan<byte> b)
    {
        if (!NvidiaSectionView.TryRead(b, out var v)) return false;
        int declared = v.DeclaredRegisterCount;
        var raw = v.Signature;
        int signatureLength = PrintableLength(raw);
        var signature = signatureLength > 0 ? raw[..signatureLength] : default;
        ulong severity = v.Severity, socket = v.Socket;
        w.WriteStartObject();
        // "A <severity> <signature> NVIDIA Error occurred on CPU <socket>": at most 13 + 16 + 30 + 3 characters.
        Span<byte> message = stackalloc byte[96];
        int n = Put(message, 0, "A "u8);
        n += Put(message, n, LibCperNames.SeverityName(severity));
        message[n++] = (byte)' ';
        n += Put(message, n, signature);
        n += Put(message, n, " NVIDIA Error occurred on CPU "u8);
        n += Dec(message, n, socket);
        w.WriteString(MessageName, message[..n]);
        w.WriteStartObject(s_shortName);
        LibCperMap.WriteMembers(w, s_header, b, 0); // signature, severity, errorType, errorInstance, socket, registerCount, instanceBase
        if (raw.StartsWith("CMET-INFO"u8)) WriteCmetInfo(w, v, declared);
        else if (raw.StartsWith("FWERROR"u8)) WriteFwError(w, b);
        else
        {
            w.WriteStartArray(s_registers);
            int present = v.RegisterCount;
            for (int i = 0; i < present; i++)
            {
                w.WriteStartObject();
                LibCperMap.WriteMembers(w, s_register, b.Slice(NvidiaSection.HeaderSize + i * NvidiaSection.RegisterSize, NvidiaSection.RegisterSize), 0);
                w.WriteEndObject();
            }
            for (int i = present; i < declared; i++) w.WriteNullValue();
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    private static void WriteCmetInfo(LcWriter w, NvidiaSectionView v, int declared)
    {
        w.WriteStartArray(s_cmetInfo);
        foreach (var entry in v.Registers)
        {
            ulong value = entry.Value;
            // libcper's EFI_NVIDIA_CMET_CHANNEL_INFO (include/libcper/Cper.h:1370-1377): ErrorCount:32, ChannelEnabled:1,
            // ChannelIsSpare:1, ChannelPermanentlyDisabled:1, DisabledReason:2, so the reason is bits 35-36 of the value;
            // sections/cper-section-nvidia.c:27 prints ErrorCount with add_int (json_object_new_int: a signed 32-bit number).
            ulong reason = (value >> 35) & 3;
            w.WriteStartObject();
            w.WriteHex(s_channelAddress, entry.Address, 16);
            w.WriteNumber(s_errorCount, (int)(uint)value);
            w.WriteBoolean(s_channelEnabled, Bit(value, 32));
            w.WriteBoolean(s_channelIsSpare, Bit(value, 33));
            w.WriteStartObject(s_disabledReason);
            w.WriteNumber(s_raw, reason);
            w.WriteString(s_valueName, DisabledReasons[reason]); // all four 2-bit values are named
            w.WriteEndObject();
            w.WriteEndObject();
        }
        for (int i = v.RegisterCount; i < declared; i++) w.WriteNullValue();
        w.WriteEndArray();
    }

    /// <summary>
    /// libcper's <c>parse_fwerror</c>: the entries read as one <c>EFI_NVIDIA_FWERROR</c> (include/libcper/Cper.h, 88 bytes
    /// after the header, <see cref="NvidiaFwError"/>), six of its fields shown; <c>null</c> when the body is shorter.
    /// </summary>
    private static void WriteFwError(LcWriter w, ReadOnlySpan<byte> b)
    {
        var layout = NvidiaFwError.LayoutDef;
        if (b.Length < NvidiaSection.HeaderSize + layout.Size)
        {
            w.WritePropertyName(s_fwErrorInfo);
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject(s_fwErrorInfo);
        LibCperMap.WriteMembers(w, s_fwError, b.Slice(NvidiaSection.HeaderSize, layout.Size), 0);
        w.WriteEndObject();
    }

    /// <summary>libcper's severity object, as the record header's is written: the code and its name (not a readable pair: "code", not "value").</summary>
    private static void WriteSeverity(LcWriter w, ReadOnlySpan<byte> b, ulong valid)
        => LibCperJsonWriter.WriteSeverity(w, (uint)NvidiaSection.SeverityField.ReadValue(b)); // an 8-bit field

    private static ulong ReadSeverity(JsonNode? n, Span<byte> b)
    {
        NvidiaSection.SeverityField.WriteValue(b, U(Lc.M(n, "code"), 8));
        return 0;
    }

    // [lc-audit Q] reading back: the entries of the array libcper showed (CMET-INFO values from its bit fields), the count byte from them (compat "NVIDIA")
    /// <summary>
    /// The header and each register entry read by their members into the section's bytes, decoded by the model; the count
    /// byte is the number of entries read (a <c>null</c> entry reads as zeros). CMET-INFO entries are libcper's
    /// <c>EFI_NVIDIA_CMET_CHANNEL_INFO</c> bit fields back into the value; <c>FWErrorInfo</c> is not read, as libcper's
    /// reader does not read it (docs/libcper-compat.md "NVIDIA FWERROR read-back").
    /// </summary>
    public override CperSectionBody FromIrBody(JsonObject o)
    {
        // libcper's reader reads only "registers"; CMETInfo is read when there is none. Either, when present, must be
        // an array (Lc.Arr: anything else is refused with its path, never read as no entries).
        bool cmet = o["registers"] is null && o["CMETInfo"] is not null;
        var entries = Lc.Arr(cmet ? o["CMETInfo"] : o["registers"]);
        if (entries.Count > byte.MaxValue) throw new CperJsonException(entries.GetPath(), $"expected at most 255 register entries (the count is one byte), found {entries.Count}");
        var b = new byte[NvidiaSection.HeaderSize + entries.Count * NvidiaSection.RegisterSize];
        LibCperMap.ReadMembers(o, s_header, b);
        s_count.WriteValue(b, (ulong)entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var r = entries[i];
            var entry = b.AsSpan(NvidiaSection.HeaderSize + i * NvidiaSection.RegisterSize, NvidiaSection.RegisterSize);
            if (!cmet) LibCperMap.ReadMembers(Lc.Obj(r), s_register, entry);
            else
            {
                s_register[0].Store(entry, U(Lc.M(r, "ChannelAddress")));
                s_register[1].Store(entry, (U(Lc.M(r, "ErrorCount")) & 0xFFFFFFFF) | (Bool(Lc.M(r, "ChannelEnabled")) ? 1UL << 32 : 0) | (Bool(Lc.M(r, "ChannelIsSpare")) ? 1UL << 33 : 0) | ((U(Lc.M(Lc.M(r, "DisabledReason"), "raw")) & 3) << 35));
            }
        }
        return NvidiaSection.Decode(b);
    }
}
