using System.Globalization;
using System.Text.Json;
using ApeiKit.Hest;
using ApeiKit.Text;

namespace ApeiKit.Platform;

public static partial class ScenarioReader
{
    /// <summary>Most EINJ, reboot and ERST-clear steps in one scenario.</summary>
    public const int MaxSteps = 256;

    /// <summary>Largest ERST store a scenario may ask for (1 MiB; QEMU's examples use 64 KiB).</summary>
    public const ulong MaxErstStoreSize = 1 << 20;

    /// <summary>
    /// Checks the steps and the APEI setup of a scenario (also one built in code): at most <see cref="MaxSteps"/> steps,
    /// times within the run, IDs unique among errors and steps, an ERST store QEMU would accept.
    /// </summary>
    /// <exception cref="ScenarioException">A check fails.</exception>
    internal static void CheckSteps(Scenario s)
    {
        if (s.Steps.Count > MaxSteps) throw new ScenarioException("$.timeline", $"{s.Steps.Count} steps; at most {MaxSteps}");
        // Only scenarios with steps pay for the ID set (a timeline of 100,000 errors without steps costs nothing more).
        var ids = s.Steps.Count == 0 ? [] : new HashSet<string>(s.Timeline.Select(e => e.Id), StringComparer.Ordinal);
        foreach (var step in s.Steps)
        {
            if (!ids.Add(step.Id)) throw new ScenarioException("$.timeline", $"ID '{Printable.Value(step.Id)}' is used twice");
            if (step.AtUs > Scenario.MaxTimeUs) throw new ScenarioException("$.timeline", $"step {Printable.Value(step.Id)} at {step.AtUs}us is later than the maximum time {Scenario.MaxTimeUs}us");
            if (s.EndUs != 0 && step.AtUs > s.EndUs)
                throw new ScenarioException("$.end", $"the run ends at {PlatformTrace.FormatTime(s.EndUs)}, before step {Printable.Value(step.Id)} at {PlatformTrace.FormatTime(step.AtUs)}");
        }
        if (s.Apei is { } a)
        {
            if (a.ErstRecordSize < 4096 || (a.ErstRecordSize & (a.ErstRecordSize - 1)) != 0 || a.ErstRecordSize > (1u << 20))
                throw new ScenarioException("$.apei.erst.recordSize", $"{a.ErstRecordSize} is not a power of two from 4096 to 1 MiB");
            if (a.ErstStore is null && (a.ErstStoreSize < 2 * (long)a.ErstRecordSize || (ulong)a.ErstStoreSize > MaxErstStoreSize || a.ErstStoreSize % a.ErstRecordSize != 0))
                throw new ScenarioException("$.apei.erst.size", $"{a.ErstStoreSize} bytes is not a multiple of the record size {a.ErstRecordSize} from two slots to {MaxErstStoreSize} bytes");
            if (a.ErstStore is { } file && !IsUsableStore(file))
                throw new ScenarioException("$.apei.erst", $"the given store is not a QEMU acpi-erst backing file of at most {MaxErstStoreSize} bytes with a record size of at least 4096 and a slot for records");
        }
    }

    private static bool IsUsableStore(byte[] file)
    {
        if (file.Length > (int)MaxErstStoreSize) return false;
        try
        {
            if (!Ghes.ErstStoreView.TryRead(file, out var v)) return false;
            return v.RecordSize >= 4096 && v.RecordSize <= (1u << 20) && v.FirstRecordSlot < v.SlotCount && v.FirstRecordSlot > 0;
        }
        catch (ApeiContentException)
        {
            return false;
        }
    }

    /// <summary>The EINJ error type names a scenario may use for <c>einj.type</c> (ACPI 6.5 Table 18.30), by bit.</summary>
    public static IReadOnlyList<(string Name, uint Bit)> EinjTypeNames { get; } =
    [
        ("processor-correctable", 1u << 0), ("processor-uncorrectable", 1u << 1), ("processor-fatal", 1u << 2),
        ("memory-correctable", 1u << 3), ("memory-uncorrectable", 1u << 4), ("memory-fatal", 1u << 5),
        ("pcie-correctable", 1u << 6), ("pcie-uncorrectable", 1u << 7), ("pcie-fatal", 1u << 8),
        ("platform-correctable", 1u << 9), ("platform-uncorrectable", 1u << 10), ("platform-fatal", 1u << 11),
        ("cxl-cache-correctable", 1u << 12), ("cxl-cache-uncorrectable", 1u << 13), ("cxl-cache-fatal", 1u << 14),
        ("cxl-mem-correctable", 1u << 15), ("cxl-mem-uncorrectable", 1u << 16), ("cxl-mem-fatal", 1u << 17),
    ];

    /// <summary><c>"apei": { "einj": SPEC, "einjErrorTypes": "0x1FF", "erst": { "size": "64KiB", "recordSize": 8192 } }</c>.</summary>
    private static ApeiSetup? ReadApei(Obj? apei)
    {
        if (apei is null) return null;
        byte[]? einj = null;
        if (apei.RawMember("einj") is { } spec)
        {
            try
            {
                einj = ActionTableSpec.Parse(ActionTableKind.Einj, spec).Encode();
            }
            catch (HestSpecException e)
            {
                throw new ScenarioException(apei.Path + ".einj", "EINJ spec: " + e.Message);
            }
        }
        ulong types = apei.Number("einjErrorTypes", 0x1FF, max: uint.MaxValue);
        var erst = apei.OptionalObject("erst");
        ulong size = erst?.Number("size", 64 * 1024, max: MaxErstStoreSize) ?? 64 * 1024;
        ulong recordSize = erst?.Number("recordSize", 8192, max: 1 << 20) ?? 8192;
        erst?.RejectUnknown("size", "recordSize");
        apei.RejectUnknown("einj", "einjErrorTypes", "erst");
        if (recordSize < 4096 || (recordSize & (recordSize - 1)) != 0)
            throw new ScenarioException(apei.Path + ".erst.recordSize", $"{recordSize} is not a power of two of at least 4096 (QEMU's acpi-erst check)");
        if (size % recordSize != 0 || size < 2 * recordSize)
            throw new ScenarioException(apei.Path + ".erst.size", $"{size} bytes is not a multiple of the record size {recordSize} holding at least two slots (the header and one record)");
        return new ApeiSetup { EinjTable = einj, EinjErrorTypes = (uint)types, ErstStoreSize = (int)size, ErstRecordSize = (uint)recordSize };
    }

    /// <summary>A timeline entry that is a step (<c>einj</c>, <c>reboot</c>, <c>erstClear</c>), or null for a hardware error.</summary>
    private static PlatformStep? ReadStep(Obj e, Scenario scenario)
    {
        string? kind = e.Has("einj") ? "einj" : e.Has("reboot") ? "reboot" : e.Has("erstClear") ? "erstClear" : null;
        if (kind is null) return null;
        if (e.Has("error")) throw new ScenarioException(e.Path, $"an entry is either an error or a step: it has both 'error' and '{kind}'");
        if (scenario.Steps.Count >= MaxSteps) throw new ScenarioException(e.Path, $"more than {MaxSteps} steps");
        if (!e.Has("at")) throw e.Missing("at");
        ulong at = e.Time("at", 0);
        string? note = e.String("note");
        string id = e.String("id") ?? string.Create(CultureInfo.InvariantCulture, $"{kind}{scenario.Steps.Count(s => StepKind(s) == kind) + 1}");
        e.RejectUnknown("id", "at", "note", kind);
        if (scenario.EndUs != 0 && at > scenario.EndUs)
            throw new ScenarioException(e.Path + ".at", $"the run ends at {PlatformTrace.FormatTime(scenario.EndUs)}, before this step at {PlatformTrace.FormatTime(at)}");
        var body = e.Object(kind);
        switch (kind)
        {
            case "reboot":
                body.RejectUnknown();
                return new RebootStep { Id = id, AtUs = at, Note = note };
            case "erstClear":
                body.RejectUnknown();
                return new ErstClearStep { Id = id, AtUs = at, Note = note };
        }
        ulong type = ReadEinjType(body);
        bool byGuest = body.String("by") switch
        {
            null or "host" => false,
            "guest" => true,
            var b => throw new ScenarioException(body.Path + ".by", $"'{Printable.Value(b, 40)}' is not one of host, guest"),
        };
        uint bit = (uint)type & 0x7FFF_FFFF;
        ulong param1 = 0, param2 = 0, param3 = 0, param4 = 0;
        if ((bit & 0x38) != 0 || body.Has("address") || body.Has("guestAddress"))
        {
            if (byGuest)
            {
                // The guest writes its own physical address; the VMM translates it.
                param1 = body.Has("guestAddress") ? body.Number("guestAddress") : body.Number("address", 0);
            }
            else if (body.Has("guestAddress"))
            {
                ulong gpa = body.Number("guestAddress");
                var slot = scenario.GuestRam.FirstOrDefault(s => gpa >= s.Gpa && gpa - s.Gpa < s.Size)
                    ?? throw new ScenarioException(body.Path + ".guestAddress", $"0x{gpa:X} is in no guest RAM slot (use address for a host physical address)");
                param1 = slot.Hpa + (gpa - slot.Gpa);
            }
            else if (body.Has("address")) param1 = body.Number("address");
            param2 = body.Number("mask", 0xFFFF_FFFF_FFFF_F000);
        }
        if ((bit & 0x7) != 0) param1 = body.Number("cpu", 0, max: uint.MaxValue);
        if ((bit & 0x1C0) != 0 && body.String("device") is { } device)
        {
            param1 = ParseSbdf(device) ?? throw new ScenarioException(body.Path + ".device", $"'{Printable.Value(device, 40)}' is not a PCIe address SSSS:BB:DD.F");
        }
        uint flags = (uint)body.Number("flags", 0, max: uint.MaxValue);
        param1 = body.Number("param1", param1);
        param2 = body.Number("param2", param2);
        param3 = body.Number("param3", 0);
        param4 = body.Number("param4", 0);
        body.RejectUnknown("type", "by", "address", "guestAddress", "mask", "cpu", "device", "flags", "param1", "param2", "param3", "param4");
        return new EinjStep { Id = id, AtUs = at, Note = note, Type = type, Flags = flags, Param1 = param1, Param2 = param2, Param3 = param3, Param4 = param4, ByGuest = byGuest };
    }

    private static string StepKind(PlatformStep s) => s switch
    {
        EinjStep => "einj",
        RebootStep => "reboot",
        _ => "erstClear",
    };

    private static ulong ReadEinjType(Obj body)
    {
        string path = body.Path + ".type";
        if (body.RawMember("type") is not { } v) throw body.Missing("type");
        if (v.ValueKind == JsonValueKind.String)
        {
            string text = v.GetString()!;
            foreach (var (name, bit) in EinjTypeNames) if (name == text) return bit;
            if (TryParseSize(text, out ulong n) && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return n;
            throw new ScenarioException(path, $"'{Printable.Value(text, 40)}' is not an EINJ error type ({string.Join(", ", EinjTypeNames.Take(9).Select(t => t.Name))}, ... or a number such as \"0x10\")");
        }
        return body.Number("type");
    }

    /// <summary>"SSSS:BB:DD.F" as EINJ's SBDF: segment 31:24, bus 23:16, device 15:11, function 10:8.</summary>
    internal static ulong? ParseSbdf(string text)
    {
        var parts = text.Split(':', '.');
        if (parts.Length != 4) return null;
        var n = new uint[4];
        for (int i = 0; i < 4; i++)
            if (!uint.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out n[i])) return null;
        if (n[0] > 0xFF || n[1] > 0xFF || n[2] > 0x1F || n[3] > 7) return null;
        return (ulong)(n[0] << 24 | n[1] << 16 | n[2] << 11 | n[3] << 8);
    }
}
