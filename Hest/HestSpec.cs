using System.Globalization;
using System.Text.Json;

namespace ApeiKit.Hest;

/// <summary>
/// A problem in a HEST, ERST or EINJ build spec, with the JSON path of the value at fault (e.g.
/// <c>$.sources[2].notification.type</c>); an <see cref="ApeiJsonException"/>.
/// </summary>
/// <param name="path">JSON path of the value at fault.</param>
/// <param name="message">What is wrong, without the path.</param>
public sealed class HestSpecException(string path, string message) : ApeiJsonException(path, message);

/// <summary>A parsed build spec: the builder with every source, and the region base when the spec gives one.</summary>
/// <param name="Builder">The builder (preset sources first, then the spec's).</param>
/// <param name="RegionBase">The spec's <c>region.base</c>, or null.</param>
public sealed record HestSpecResult(HestBuilder Builder, ulong? RegionBase);

/// <summary>
/// Reads the JSON build spec of <c>apeikit hest build</c> (documented in docs/hest-build.md). Every field of
/// every structure is set by its JSON name from the layout tables in <see cref="HestLayouts"/>, so the spec
/// and the JSON rendering use the same names. Numbers may be JSON numbers or strings ("0x400", "1024");
/// enumerations take their names; flags take an array of names.
/// </summary>
public static class HestSpec
{
    /// <summary>Parses <paramref name="json"/>; <paramref name="preset"/> (when not null) overrides the spec's own <c>preset</c>.</summary>
    /// <exception cref="HestSpecException">Invalid JSON or an invalid value; the message starts with its JSON path.</exception>
    public static HestSpecResult Parse(string json, string? preset = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            string m = e.Message;
            int cut = m.IndexOf(" Path: ", StringComparison.Ordinal);
            if (cut < 0) cut = m.IndexOf(" LineNumber: ", StringComparison.Ordinal);
            m = (cut < 0 ? m : m[..cut]).Trim().TrimEnd('.'); // System.Text.Json's "LineNumber: 0 | BytePositionInLine: 55" tail, said in plain words instead
            throw new HestSpecException(e.Path ?? "$", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"not valid JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {m}"));
        }
        using (doc) return Parse(doc.RootElement, preset);
    }

    /// <summary>Parses a spec already read as a <see cref="JsonElement"/>.</summary>
    /// <exception cref="HestSpecException">An invalid value; the message starts with its JSON path.</exception>
    public static HestSpecResult Parse(JsonElement root, string? preset = null)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new HestSpecException("$", "the spec must be a JSON object");
        HestBuilder? builder = null;
        ulong? regionBase = null;
        if (preset is not null) builder = PresetOrThrow(preset, "--preset");
        foreach (var p in root.EnumerateObject())
        {
            string path = "$." + p.Name;
            switch (p.Name)
            {
                case "preset":
                    if (preset is null) builder = PresetOrThrow(String(p.Value, path), path);
                    break;
                case "header":
                case "sources":
                case "region":
                case "$schema":
                case "comment":
                    break;
                default:
                    throw new HestSpecException(path, "unknown member; expected preset, header, region or sources");
            }
        }
        builder ??= new HestBuilder();
        if (root.TryGetProperty("header", out var header)) ApplyHeader(builder, header, "$.header");
        if (root.TryGetProperty("region", out var region))
        {
            if (region.ValueKind != JsonValueKind.Object) throw new HestSpecException("$.region", "expected an object like {\"base\": \"0x40000000\"}");
            foreach (var p in region.EnumerateObject())
            {
                if (p.Name == "base") regionBase = Number(p.Value, "$.region.base", 8);
                else throw new HestSpecException("$.region." + p.Name, "unknown member; expected base");
            }
        }
        if (root.TryGetProperty("sources", out var sources))
        {
            if (sources.ValueKind != JsonValueKind.Array) throw new HestSpecException("$.sources", "expected an array of error sources");
            // The largest Source ID so far, kept as sources are added (a scan per source was quadratic: 70k sources took 25 s).
            int largest = -1;
            foreach (var existing in builder.Table.Sources) largest = Math.Max(largest, existing.SourceId);
            int i = 0;
            foreach (var s in sources.EnumerateArray())
            {
                string path = $"$.sources[{i}]";
                if (builder.Table.Sources.Count >= MaxSources)
                    throw new HestSpecException(path, $"more than {MaxSources} error sources: Source ID is a 16-bit field, so they cannot all have distinct IDs");
                var source = ParseSource(s, path, largest);
                largest = Math.Max(largest, source.SourceId);
                builder.Add(source);
                i++;
            }
        }
        return new HestSpecResult(builder, regionBase);
    }

    private static HestBuilder PresetOrThrow(string name, string path)
        => HestPresets.Names.Contains(name) ? HestPresets.Create(name) : throw new HestSpecException(path, $"unknown preset '{name}'; known: {string.Join(", ", HestPresets.Names)}");

    private static void ApplyHeader(HestBuilder builder, JsonElement header, string path)
    {
        if (header.ValueKind != JsonValueKind.Object) throw new HestSpecException(path, "expected an object");
        var h = builder.Table.Header;
        foreach (var p in header.EnumerateObject())
        {
            string pp = path + "." + p.Name;
            h = p.Name switch
            {
                "oemId" => h with { OemId = Text(p.Value, pp, 6) },
                "oemTableId" => h with { OemTableId = Text(p.Value, pp, 8) },
                "oemRevision" => h with { OemRevision = (uint)Number(p.Value, pp, 4) },
                "creatorId" => h with { CreatorId = Text(p.Value, pp, 4) },
                "creatorRevision" => h with { CreatorRevision = (uint)Number(p.Value, pp, 4) },
                "revision" => h with { Revision = (byte)Number(p.Value, pp, 1) },
                _ => throw new HestSpecException(pp, "unknown member; expected oemId, oemTableId, oemRevision, creatorId, creatorRevision or revision"),
            };
        }
        builder.WithHeader(_ => h);
    }

    /// <summary>The most error sources a spec may hold: one per 16-bit Source ID.</summary>
    public const int MaxSources = 65536;

    private static HestSource ParseSource(JsonElement s, string path, int largestSourceId)
    {
        if (s.ValueKind != JsonValueKind.Object) throw new HestSpecException(path, "expected an object");
        if (!s.TryGetProperty("type", out var typeValue)) throw new HestSpecException(path + ".type", $"missing; one of {string.Join(", ", HestNames.SourceTypeKeys.Select(k => k.Value))}");
        ulong type = Enum(typeValue, path + ".type", HestNames.SourceTypeKeys, HestNames.SourceTypes, 2);
        if (HestLayouts.Find((ushort)type) is null) throw new HestSpecException(path + ".type", $"type {type} is not an error source type");
        var source = HestSource.Create((HestSourceType)type);
        // Default Source ID: one more than the largest so far (never wrapped: 65,535 + 1 is not 0).
        bool idGiven = s.TryGetProperty("sourceId", out _);
        if (!idGiven && largestSourceId >= ushort.MaxValue)
            throw new HestSpecException(path + ".sourceId", $"no default Source ID: the largest so far is {largestSourceId}, and one more does not fit the 16-bit field; give sourceId");
        source.SourceId = idGiven ? (ushort)0 : (ushort)(largestSourceId + 1);
        bool pollGiven = false;
        foreach (var p in s.EnumerateObject())
        {
            string pp = path + "." + p.Name;
            switch (p.Name)
            {
                case "type":
                    break;
                case "notification" when source.Kind.NotificationOffset >= 0:
                    pollGiven = p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("pollInterval", out _);
                    SetNotification(source, p.Value, pp);
                    break;
                case "errorStatusAddress" or "readAckRegister" when source.Kind.Nested.Any(n => n.Json == p.Name):
                    SetGas(source, p.Name, p.Value, pp);
                    break;
                case "banks" when source is MachineCheckSource mc:
                    if (p.Value.ValueKind != JsonValueKind.Array) throw new HestSpecException(pp, "expected an array of banks");
                    int i = 0;
                    foreach (var b in p.Value.EnumerateArray())
                    {
                        mc.Banks.Add(ParseBank(b, $"{pp}[{i}]", i));
                        i++;
                    }
                    if (i > 255) throw new HestSpecException(pp, $"{i} banks; at most 255");
                    break;
                case "numberOfHardwareBanks":
                    throw new HestSpecException(pp, "written from the number of entries in banks; list the banks instead");
                default:
                    var field = source.Kind.Layout.Find(p.Name);
                    if (field is null || field.Json == "type")
                        throw new HestSpecException(pp, $"{source.Kind.Name} has no field '{p.Name}'; fields: {string.Join(", ", FieldNames(source.Kind))}");
                    source.SetField(field.Json, Value(field, p.Value, pp));
                    break;
            }
        }
        if (source.Kind.NotificationOffset >= 0 && !pollGiven)
        {
            var n = NotificationOf(source);
            if (n.Type == NotificationType.Polled && n.PollInterval == 0) SetNotificationValue(source, n with { PollInterval = 1000 });
        }
        return source;
    }

    private static IEnumerable<string> FieldNames(HestSourceKind kind)
    {
        var names = kind.Layout.Fields.Where(f => f.Kind != FieldKind.Reserved && f.Json is not ("type" or "numberOfHardwareBanks")).Select(f => f.Json).ToList();
        names.AddRange(kind.Nested.Select(n => n.Json));
        if (kind.HasBanks) names.Add("banks");
        return names;
    }

    private static MachineCheckBank ParseBank(JsonElement b, string path, int index)
    {
        if (b.ValueKind != JsonValueKind.Object) throw new HestSpecException(path, "expected an object (an empty one gives IA-32 bank defaults)");
        var bank = MachineCheckBank.ForIa32Bank((byte)index);
        foreach (var p in b.EnumerateObject())
        {
            var field = HestLayouts.Bank.Find(p.Name);
            if (field is null || field.Kind == FieldKind.Reserved)
                throw new HestSpecException(path + "." + p.Name, $"a machine check bank has no field '{p.Name}'; fields: {string.Join(", ", HestLayouts.Bank.Fields.Where(f => f.Kind != FieldKind.Reserved).Select(f => f.Json))}");
            bank.SetField(field.Json, Value(field, p.Value, path + "." + p.Name));
        }
        return bank;
    }

    private static HardwareErrorNotification NotificationOf(HestSource s) => s switch
    {
        GhesSource g => g.Notification,
        NotifiedMachineCheckSource m => m.Notification,
        _ => throw new InvalidOperationException(),
    };

    private static void SetNotificationValue(HestSource s, HardwareErrorNotification n)
    {
        if (s is GhesSource g) g.Notification = n;
        else if (s is NotifiedMachineCheckSource m) m.Notification = n;
    }

    private static void SetNotification(HestSource source, JsonElement value, string path)
    {
        var bytes = new byte[HestLayouts.NotificationSize];
        NotificationOf(source).Write(bytes);
        if (value.ValueKind == JsonValueKind.String)
        {
            // Shorthand: "notification": "sea".
            bytes[0] = (byte)Enum(value, path, HestNames.NotificationTypeKeys, HestNames.NotificationTypes, 1);
        }
        else
        {
            SetFields(HestLayouts.Notification, bytes, value, path, "hardware error notification");
        }
        SetNotificationValue(source, HardwareErrorNotification.Read(bytes));
    }

    private static void SetGas(HestSource source, string json, JsonElement value, string path)
    {
        var g = (GhesSource)source;
        var bytes = new byte[GenericAddress.Size];
        (json == "readAckRegister" ? ((GhesV2Source)g).ReadAckRegister : g.ErrorStatusAddress).Write(bytes);
        SetFields(GenericAddress.Layout, bytes, value, path, "Generic Address Structure");
        var gas = GenericAddress.Read(bytes);
        if (json == "readAckRegister") ((GhesV2Source)g).ReadAckRegister = gas; else g.ErrorStatusAddress = gas;
    }

    internal static void SetFields(StructDef layout, byte[] bytes, JsonElement value, string path, string what)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new HestSpecException(path, "expected an object");
        foreach (var p in value.EnumerateObject())
        {
            var field = layout.Find(p.Name);
            if (field is null || !field.IsNumeric || field.Kind == FieldKind.Reserved)
                throw new HestSpecException(path + "." + p.Name, $"a {what} has no field '{p.Name}'; fields: {string.Join(", ", layout.Fields.Where(f => f.IsNumeric && f.Kind != FieldKind.Reserved).Select(f => f.Json))}");
            field.WriteValue(bytes, Value(field, p.Value, path + "." + p.Name));
        }
    }

    internal static ulong Value(FieldDef field, JsonElement v, string path)
    {
        switch (field.Kind)
        {
            case FieldKind.Enum when field.Names is { } names:
                NameTable? keys = ReferenceEquals(names, HestNames.NotificationTypes) ? HestNames.NotificationTypeKeys : null;
                if (v.ValueKind == JsonValueKind.True) return 1;
                if (v.ValueKind == JsonValueKind.False) return 0;
                return Enum(v, path, keys, names, field.Size);
            case FieldKind.Flags when field.FlagNames is { } flags && v.ValueKind == JsonValueKind.Array:
            {
                ulong r = 0;
                int i = 0;
                foreach (var e in v.EnumerateArray())
                {
                    string ep = $"{path}[{i++}]";
                    if (e.ValueKind != JsonValueKind.String || !flags.TryGetBit(e.GetString()!, out int bit))
                        throw new HestSpecException(ep, $"expected a flag name: {string.Join(", ", flags.Select(k => k.Value))}");
                    if (bit >= field.Size * 8) throw new HestSpecException(ep, $"bit {bit} does not fit in {field.Size} byte(s)");
                    r |= 1UL << bit;
                }
                return r;
            }
            case FieldKind.Bits when field.BitFields is { } bits && v.ValueKind == JsonValueKind.Object:
            {
                ulong r = 0;
                foreach (var p in v.EnumerateObject())
                {
                    var b = bits.FirstOrDefault(x => x.Json == p.Name) ?? throw new HestSpecException(path + "." + p.Name, $"no sub-field '{p.Name}'; sub-fields: {string.Join(", ", bits.Select(x => x.Json))}");
                    ulong x = Number(p.Value, path + "." + p.Name, 8);
                    if (b.Width < 64 && x >> b.Width != 0) throw new HestSpecException(path + "." + p.Name, $"{x} does not fit in {b.Width} bits");
                    r |= x << b.Bit;
                }
                return r;
            }
            default:
                if (v.ValueKind == JsonValueKind.True) return 1;
                if (v.ValueKind == JsonValueKind.False) return 0;
                return Number(v, path, field.Size);
        }
    }

    private static ulong Enum(JsonElement v, string path, NameTable? keys, NameTable names, int size)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            string s = v.GetString()!;
            if (keys is not null && keys.TryGetValue(s, out ulong k)) return k;
            if (names.TryGetValue(s, out ulong n)) return n;
            if (TryParseNumber(s, out ulong num)) return CheckSize(num, path, size);
            var known = (keys ?? names).Select(x => x.Value);
            throw new HestSpecException(path, $"unknown name '{s}'; expected one of {string.Join(", ", known)} or a number");
        }
        return Number(v, path, size);
    }

    internal static ulong Number(JsonElement v, string path, int size)
    {
        ulong r;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (!v.TryGetUInt64(out r)) throw new HestSpecException(path, $"expected a non-negative integer, found {v.GetRawText()}");
        }
        else if (v.ValueKind == JsonValueKind.String)
        {
            if (!TryParseNumber(v.GetString()!, out r)) throw new HestSpecException(path, $"expected a number (decimal or 0x hex), found \"{v.GetString()}\"");
        }
        else
        {
            throw new HestSpecException(path, $"expected a number, found {v.ValueKind.ToString().ToLowerInvariant()}");
        }
        return CheckSize(r, path, size);
    }

    private static ulong CheckSize(ulong r, string path, int size)
    {
        if (size < 8 && r >> (size * 8) != 0) throw new HestSpecException(path, $"{r} does not fit in {size} byte(s) (max {(1UL << (size * 8)) - 1})");
        return r;
    }

    private static bool TryParseNumber(string s, out ulong value)
    {
        s = s.Replace("_", "", StringComparison.Ordinal).Trim();
        return s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string String(JsonElement v, string path)
        => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new HestSpecException(path, "expected a string");

    internal static string Text(JsonElement v, string path, int max)
    {
        var s = String(v, path);
        if (s.Length > max) throw new HestSpecException(path, $"\"{s}\" is longer than {max} characters");
        if (s.Any(c => c is < ' ' or > '~')) throw new HestSpecException(path, $"\"{s}\" is not printable ASCII");
        return s;
    }
}
