using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApeiKit.Cper.LibCper;

/// <summary>
/// Reads openbmc/libcper's JSON ("CPER-IR") back into a CPER record, so records kept as libcper JSON can move to
/// ApeiKit. Fields libcper leaves out (invalid fields, reserved bytes, text after a FRU text's NUL) come back as
/// zero, so the bytes equal the original record only where libcper's JSON kept everything; re-rendering always
/// gives the same libcper JSON.
/// </summary>
public static class LibCperJsonReader
{
    /// <summary>Builds the record model from libcper JSON text.</summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="FormatException">The JSON is not a libcper record (no header or sections).</exception>
    public static CperRecord Read(string json)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("libcper JSON: the document is not an object.");
        return Read(node);
    }

    /// <summary>Builds the record model from a parsed libcper JSON tree.</summary>
    /// <exception cref="FormatException">The JSON is not a libcper record.</exception>
    public static CperRecord Read(JsonObject root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root["header"] is not JsonObject header) throw new FormatException("libcper JSON: no \"header\" object.");
        var descriptors = root["sectionDescriptors"] as JsonArray ?? [];
        var sections = root["sections"] as JsonArray ?? [];

        uint validation = 0;
        var record = new CperRecord
        {
            Revision = RevisionFrom(header["revision"]),
            SectionCount = (ushort)Lc.U(header["sectionCount"]),
            Severity = (uint)Lc.U(header["severity"]?["code"]),
            RecordLength = (uint)Lc.U(header["recordLength"]),
            CreatorId = Lc.GuidFrom(header["creatorID"]),
            NotificationType = Lc.GuidFrom(header["notificationType"]?["guid"]),
            RecordId = Lc.U(header["recordID"]),
            Flags = (uint)Lc.U(header["flags"]?["value"]),
            PersistenceInformation = Lc.U(header["persistenceInfo"]),
        };
        if (Lc.Str(header["timestamp"]) is { } ts)
        {
            validation |= 0x2;
            record.Timestamp = new CperTimestamp(TimestampFrom(ts, Lc.Bool(header["timestampIsPrecise"])));
        }
        if (header.ContainsKey("platformID")) { validation |= 0x1; record.PlatformId = Lc.GuidFrom(header["platformID"]); }
        if (header.ContainsKey("partitionID")) { validation |= 0x4; record.PartitionId = Lc.GuidFrom(header["partitionID"]); }
        record.ValidationBits = validation;

        for (int i = 0; i < descriptors.Count; i++)
        {
            var d = descriptors[i] as JsonObject ?? [];
            var type = Lc.GuidFrom(d["sectionType"]?["data"]);
            byte vb = 0;
            var fruText = new byte[CperSectionDescriptor.FruTextLength];
            if (d.ContainsKey("fruID")) vb |= 0x1;
            if (Lc.Str(d["fruText"]) is { } text)
            {
                vb |= 0x2;
                System.Text.Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, fruText.Length)), fruText);
            }
            CperSectionBody body = i < sections.Count && sections[i] is JsonObject s ? SectionBody(type, s) : new RawSectionBody(type, []);
            var section = new CperSection
            {
                Offset = (uint)Lc.U(d["sectionOffset"]),
                Length = (uint)Lc.U(d["sectionLength"]),
                Revision = RevisionFrom(d["revision"]),
                ValidationBits = vb,
                Flags = (uint)Lc.FromBits(d["flags"], LibCperNames.DescriptorFlags),
                SectionType = type,
                FruId = Lc.GuidFrom(d["fruID"]),
                Severity = (uint)Lc.U(d["severity"]?["code"]),
                FruText = fruText,
                Body = body,
            };
            record.Sections.Add(section);
        }
        return record;
    }

    /// <summary>Encodes libcper JSON text straight to CPER bytes.</summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="FormatException">The JSON is not a libcper record.</exception>
    public static byte[] ToBinary(string json) => Read(json).Encode();

    /// <summary>The section body: ApeiKit's model of it where one exists (it encodes itself), else raw bytes.</summary>
    private static CperSectionBody SectionBody(Guid type, JsonObject s)
    {
        if (s["Unknown"] is JsonObject unknown) return new RawSectionBody(type, Lc.FromB64(unknown["data"]));
        var codec = LibCperSections.Find(type);
        if (codec is not null && s[codec.ShortName] is JsonObject ir) return codec.FromIrBody(ir);
        throw new FormatException($"libcper JSON: a section of type {type} has neither \"{codec?.ShortName ?? "?"}\" nor \"Unknown\".");
    }

    private static ushort RevisionFrom(JsonNode? n) => (ushort)(((Lc.U(n?["major"]) & 0xFF) << 8) | (Lc.U(n?["minor"]) & 0xFF));

    /// <summary>libcper's timestamp text back to the 8 BCD bytes (seconds, minutes, hours, flags, day, month, year, century).</summary>
    internal static ulong TimestampFrom(string text, bool precise)
    {
        static byte Bcd(ReadOnlySpan<char> s) => int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) ? (byte)(((v / 10) % 10) << 4 | (v % 10)) : (byte)0;
        // CCYY-MM-DDTHH:MM:SS+00:00
        if (text.Length < 19) return 0;
        Span<byte> b = stackalloc byte[8];
        b[7] = Bcd(text.AsSpan(0, 2));
        b[6] = Bcd(text.AsSpan(2, 2));
        b[5] = Bcd(text.AsSpan(5, 2));
        b[4] = Bcd(text.AsSpan(8, 2));
        b[2] = Bcd(text.AsSpan(11, 2));
        b[1] = Bcd(text.AsSpan(14, 2));
        b[0] = Bcd(text.AsSpan(17, 2));
        b[3] = precise ? (byte)1 : (byte)0;
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
    }
}
