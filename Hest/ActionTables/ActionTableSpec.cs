using System.Text.Json;

namespace ApeiKit.Hest;

/// <summary>
/// Reads the JSON build spec of <c>apeikit erst build</c> / <c>apeikit einj build</c> (docs/erst-einj.md):
/// <code>
/// { "preset": "qemu", "registerBase": "0xFEBD7000", "executeMagic": "0x9C",
///   "header": { "oemId": "BOCHS ", ... },
///   "entries": [ { "action": "EXECUTE_OPERATION", "instruction": "WRITE_REGISTER_VALUE", "flags": ["preserveRegister"],
///                  "registerRegion": { "spaceId": 0, "bitWidth": 32, "accessSize": 3, "address": "0xFEBD7000" },
///                  "value": 5, "mask": "0xFFFFFFFF" } ] }
/// </code>
/// Every member is optional: without <c>entries</c> the preset's entries are used (ERST: <c>qemu</c>, EINJ: <c>default</c>);
/// with them, they replace the preset's. Errors are <see cref="HestSpecException"/> naming the JSON path.
/// </summary>
public static class ActionTableSpec
{
    /// <summary>
    /// The most entries a spec may hold: as many as fit in <see cref="ActionTable.MaxLength"/> after the 48-byte headers
    /// (32,766), so a spec never builds a table its own readers refuse (far more than any firmware uses).
    /// </summary>
    public const int MaxEntries = (ActionTable.MaxLength - ActionTableLayouts.TableHeaderSize) / ActionTableLayouts.EntrySize;

    /// <summary>Parses a spec (an empty string or "{}" gives the default preset).</summary>
    /// <exception cref="HestSpecException">Malformed JSON or a value that does not fit.</exception>
    public static ActionTableModel Parse(ActionTableKind kind, string json, string? preset = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new HestSpecException($"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}", "not valid JSON: " + e.Message.Split('.')[0]);
        }
        using (doc) return Parse(kind, doc.RootElement, preset);
    }

    /// <summary>Parses a spec from a JSON element.</summary>
    /// <exception cref="HestSpecException">A value that does not fit.</exception>
    public static ActionTableModel Parse(ActionTableKind kind, JsonElement root, string? preset = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (root.ValueKind != JsonValueKind.Object) throw new HestSpecException("$", "expected an object");
        string name = preset ?? ActionTablePresets.Names(kind)[0];
        ulong? registerBase = null;
        byte? magic = null;
        JsonElement? header = null, entries = null;
        foreach (var p in root.EnumerateObject())
        {
            string path = "$." + p.Name;
            switch (p.Name)
            {
                case "preset":
                    if (preset is null) name = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new HestSpecException(path, "expected a string");
                    break;
                case "registerBase": registerBase = HestSpec.Number(p.Value, path, 8); break;
                case "executeMagic" when kind == ActionTableKind.Erst: magic = (byte)HestSpec.Number(p.Value, path, 1); break;
                case "header": header = p.Value; break;
                case "entries": entries = p.Value; break;
                default:
                    throw new HestSpecException(path, $"unknown member; expected preset, registerBase, {(kind == ActionTableKind.Erst ? "executeMagic, " : "")}header or entries");
            }
        }
        if (!ActionTablePresets.Names(kind).Contains(name))
            throw new HestSpecException("$.preset", $"unknown {kind.Signature} preset '{name}'; known: {string.Join(", ", ActionTablePresets.Names(kind))}");
        var model = ActionTablePresets.Create(kind, name, registerBase, magic);
        if (header is { } h) model.Header = ParseHeader(model.Header, h, "$.header");
        if (entries is { } es)
        {
            if (es.ValueKind != JsonValueKind.Array) throw new HestSpecException("$.entries", "expected an array");
            model.Entries.Clear();
            int i = 0;
            foreach (var e in es.EnumerateArray())
            {
                if (i >= MaxEntries) throw new HestSpecException("$.entries", $"more than {MaxEntries} entries: the table would be longer than {ActionTable.MaxLength} bytes (the ERST/EINJ length limit)");
                model.Entries.Add(ParseEntry(kind, e, $"$.entries[{i++}]"));
            }
        }
        return model;
    }

    private static AcpiTableHeaderData ParseHeader(AcpiTableHeaderData h, JsonElement header, string path)
    {
        if (header.ValueKind != JsonValueKind.Object) throw new HestSpecException(path, "expected an object");
        foreach (var p in header.EnumerateObject())
        {
            string pp = path + "." + p.Name;
            h = p.Name switch
            {
                "oemId" => h with { OemId = HestSpec.Text(p.Value, pp, 6) },
                "oemTableId" => h with { OemTableId = HestSpec.Text(p.Value, pp, 8) },
                "oemRevision" => h with { OemRevision = (uint)HestSpec.Number(p.Value, pp, 4) },
                "creatorId" => h with { CreatorId = HestSpec.Text(p.Value, pp, 4) },
                "creatorRevision" => h with { CreatorRevision = (uint)HestSpec.Number(p.Value, pp, 4) },
                "revision" => h with { Revision = (byte)HestSpec.Number(p.Value, pp, 1) },
                _ => throw new HestSpecException(pp, "unknown member; expected oemId, oemTableId, oemRevision, creatorId, creatorRevision or revision"),
            };
        }
        return h;
    }

    private static InstructionEntry ParseEntry(ActionTableKind kind, JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new HestSpecException(path, "expected an object");
        var bytes = new byte[ActionTableLayouts.EntrySize];
        bool hasAction = false, hasMask = false;
        foreach (var p in e.EnumerateObject())
        {
            string pp = path + "." + p.Name;
            if (p.Name == "registerRegion")
            {
                var gas = new byte[GenericAddress.Size];
                GenericAddress.SystemMemory64(0).Write(gas);
                HestSpec.SetFields(GenericAddress.Layout, gas, p.Value, pp, "Generic Address Structure");
                gas.CopyTo(bytes, ActionTableLayouts.RegisterOffset);
                continue;
            }
            var field = kind.EntryLayout.Find(p.Name);
            if (field is null || field.Kind == FieldKind.Reserved)
                throw new HestSpecException(pp, "unknown member; expected action, instruction, flags, registerRegion, value or mask");
            field.WriteValue(bytes, HestSpec.Value(field, p.Value, pp));
            hasAction |= p.Name == "action";
            hasMask |= p.Name == "mask";
        }
        if (!hasAction) throw new HestSpecException(path + ".action", "missing: every entry names its action");
        var entry = InstructionEntry.Read(bytes);
        if (!hasMask && entry.Register.BitWidth is > 0 and <= 64)
            entry = entry with { Mask = entry.Register.BitWidth == 64 ? ulong.MaxValue : (1UL << entry.Register.BitWidth) - 1 };
        return entry;
    }
}
