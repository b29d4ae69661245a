using ApeiKit.Text;
using System.Globalization;
using ApeiKit.Cper;
using System.Text.Json;

namespace ApeiKit.Platform;

/// <summary>
/// A scenario file that does not say what the platform needs; <see cref="ApeiJsonException.Path"/> is the JSON path at
/// fault (e.g. <c>$.timeline[3].route</c>).
/// </summary>
/// <param name="path">JSON path of the value at fault.</param>
/// <param name="message">What is wrong, without the path.</param>
public sealed class ScenarioException(string path, string message) : ApeiJsonException(path, message);

/// <summary>
/// Reads scenario JSON (documented in README, section "apeikit simulate"). Addresses and sizes are numbers or
/// strings (<c>"0x40000000"</c>, <c>"256MiB"</c>); times are microseconds as numbers or strings with a unit
/// (<c>"250us"</c>, <c>"5ms"</c>, <c>"1s"</c>). Unknown members are errors, so a typo never passes silently.
/// </summary>
public static partial class ScenarioReader
{
    /// <summary>Parses a scenario.</summary>
    /// <exception cref="ScenarioException">The JSON is malformed or a member is missing, unknown or out of range.</exception>
    public static Scenario Read(string json, string sourceName = "scenario")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ScenarioException("$", $"{Printable.Value(sourceName)} is not valid JSON: {JsonProblem(e)}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            var o = new Obj(root, "$");
            var guest = o.Object("guest");
            var vmm = o.OptionalObject("vmm");
            var host = o.OptionalObject("host");
            var defaultRoute = vmm?.Notification("defaultAsyncRoute") ?? NotificationType.Gpio;
            var scenario = new Scenario
            {
                Name = o.String("name") ?? System.IO.Path.GetFileNameWithoutExtension(sourceName),
                Description = o.String("description") ?? "",
                GuestRam = guest.Array("ram").Select(e => new RamSlotSpec(
                    e.String("name") ?? "ram", e.Number("gpa"), e.Number("hva"), e.Number("hpa"), e.Number("size"))).ToList(),
                VmmMappings = vmm?.OptionalArray("mappings").Select(e => new VmmMappingSpec(
                    e.String("name") ?? "vmm", e.Number("hva"), e.Number("hpa"), e.Number("size"))).ToList() ?? [],
                Vcpus = guest.Array("vcpus").Select((e, i) => new VcpuSpec((int)e.Number("id", (ulong)i, max: Scenario.MaxVcpuId), e.String("task") ?? "idle")).ToList(),
                GuestSources = guest.Array("sources").Select((e, i) => new GhesSourceSpec(
                    (ushort)e.Number("sourceId", (ulong)i, max: 0xFFFE), e.Notification("notification") ?? throw e.Missing("notification"),
                    (uint)e.Number("pollIntervalMs", 0, max: uint.MaxValue), (uint)e.Number("blockLength", 1024, max: Scenario.MaxBlockLength),
                    (uint)e.Number("vector", 0, max: uint.MaxValue))).ToList(),
                GuestHestAddress = guest.Number("hestAddress", 0x0900_0000),
                GuestRegionBase = guest.Number("errorRegionBase", 0x0910_0000),
                GuestAckDelayUs = guest.Time("ackDelay", 50),
                GuestAcknowledges = guest.Bool("acknowledges", true),
                VmmQueueCapacity = (int)(vmm?.Number("queueCapacity", 16, max: 1 << 16) ?? 16),
                VmmRetryUs = vmm?.Time("retryInterval", 20, min: 1) ?? 20,
                DefaultAsyncRoute = defaultRoute,
                HostCpus = (int)(host?.Number("cpus", 8, max: 4096) ?? 8),
                FatalPolicy = host?.String("fatalPolicy") switch
                {
                    null or "offline-cpu" => FatalPolicy.OfflineCpu,
                    "panic" => FatalPolicy.Panic,
                    var s => throw new ScenarioException(host!.Path + ".fatalPolicy", $"'{Printable.Value(s)}' is not one of offline-cpu, panic"),
                },
                EndUs = o.Time("end", 0),
                Apei = ReadApei(o.OptionalObject("apei")),
            };
            guest.RejectUnknown("ram", "vcpus", "sources", "hestAddress", "errorRegionBase", "ackDelay", "acknowledges");
            vmm?.RejectUnknown("mappings", "queueCapacity", "retryInterval", "defaultAsyncRoute");
            host?.RejectUnknown("cpus", "fatalPolicy");
            o.RejectUnknown("name", "description", "guest", "vmm", "host", "timeline", "end", "apei");
            // Resource limits before the timeline is expanded, so nothing is allocated for a scenario that is refused.
            ScenarioLimits.CheckPlatform(scenario);
            int n = 0;
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in o.Array("timeline"))
            {
                if (ReadStep(e, scenario) is { } step)
                {
                    if (!ids.Add(step.Id)) throw new ScenarioException(e.Path + ".id", $"ID '{Printable.Value(step.Id)}' is used twice (IDs name errors and steps in the trace; each must be unique)");
                    scenario.Steps.Add(step);
                    continue;
                }
                foreach (var error in ReadTimelineEntry(e, scenario, ref n))
                {
                    if (!ids.Add(error.Id)) throw new ScenarioException(e.Path + ".id", $"error ID '{Printable.Value(error.Id)}' is used twice (IDs name errors in the trace and summary; each must be unique)");
                    scenario.Timeline.Add(error);
                }
            }
            ScenarioLimits.Check(scenario);
            return scenario;
        }
    }

    private static IEnumerable<InjectedError> ReadTimelineEntry(Obj e, Scenario scenario, ref int n)
    {
        string kindText = e.String("error") ?? throw e.Missing("error");
        var kind = kindText switch
        {
            "memory-consumed" => ErrorKind.MemoryConsumed,
            "memory-scrub" => ErrorKind.MemoryScrub,
            "memory-corrected" => ErrorKind.MemoryCorrected,
            "arm-processor" => ErrorKind.ArmProcessor,
            "pcie-aer" => ErrorKind.PcieAer,
            _ => throw new ScenarioException(e.Path + ".error", $"'{Printable.Value(kindText)}' is not one of memory-consumed, memory-scrub, memory-corrected, arm-processor, pcie-aer"),
        };
        if (!e.Has("at")) throw e.Missing("at");
        ulong at = e.Time("at", 0);
        ulong address = 0;
        bool isMemory = kind is ErrorKind.MemoryConsumed or ErrorKind.MemoryScrub or ErrorKind.MemoryCorrected;
        if (isMemory)
        {
            if (e.Has("guestAddress"))
            {
                ulong gpa = e.Number("guestAddress");
                var slot = scenario.GuestRam.FirstOrDefault(s => gpa >= s.Gpa && gpa - s.Gpa < s.Size)
                    ?? throw new ScenarioException(e.Path + ".guestAddress", $"0x{gpa:X} is in no guest RAM slot (use hostAddress for memory outside guest RAM)");
                address = slot.Hpa + (gpa - slot.Gpa);
            }
            else if (e.Has("hostAddress")) address = e.Number("hostAddress");
            else throw e.Missing("guestAddress or hostAddress");
        }
        var severity = e.String("severity") switch
        {
            null => kind == ErrorKind.MemoryCorrected ? CperSeverity.Corrected : CperSeverity.Recoverable,
            "recoverable" => CperSeverity.Recoverable,
            "fatal" => CperSeverity.Fatal,
            "corrected" => CperSeverity.Corrected,
            var s => throw new ScenarioException(e.Path + ".severity", $"'{Printable.Value(s)}' is not one of recoverable, fatal, corrected"),
        };
        var armKind = e.String("info") switch
        {
            null or "cache" => ArmErrorKind.Cache,
            "tlb" => ArmErrorKind.Tlb,
            "bus" => ArmErrorKind.Bus,
            "micro-architectural" => ArmErrorKind.MicroArchitectural,
            var s => throw new ScenarioException(e.Path + ".info", $"'{Printable.Value(s)}' is not one of cache, tlb, bus, micro-architectural"),
        };
        int vcpu = (int)e.Number("vcpu", 0, max: 4095);
        if (kind == ErrorKind.MemoryConsumed && !scenario.Vcpus.Any(v => v.Id == vcpu))
            throw new ScenarioException(e.Path + ".vcpu", $"vCPU {vcpu} is not in $.guest.vcpus");
        var route = e.Notification("route");
        int cpu = (int)e.Number("cpu", 0, max: (ulong)Math.Max(0, scenario.HostCpus - 1));
        string? device = e.String("device");
        string? note = e.String("note");
        ulong repeat = e.Number("repeat", 1, max: Scenario.MaxRepeat);
        if (repeat == 0) throw new ScenarioException(e.Path + ".repeat", "must be at least 1");
        ulong every = e.Time("every", 0);
        ulong stride = e.Number("stride", 4096);
        string? id = e.String("id");
        e.RejectUnknown("id", "error", "at", "guestAddress", "hostAddress", "severity", "info", "vcpu", "route", "cpu", "device", "note", "repeat", "every", "stride");
        if ((ulong)scenario.Timeline.Count + (ulong)n + repeat > Scenario.MaxErrors)
            throw new ScenarioException(e.Path + ".repeat", $"the timeline would hold more than {Scenario.MaxErrors} errors");
        // The last repetition's time and address, computed without wrapping: an overflow is the scenario's error, never a silent wrap to 0.
        CheckedLast(at, every, repeat, e.Path + ".every", "time (us)", Scenario.MaxTimeUs);
        if (isMemory) CheckedLast(address, stride, repeat, e.Path + ".stride", "address", ulong.MaxValue);
        var list = new List<InjectedError>((int)repeat);
        for (ulong i = 0; i < repeat; i++)
        {
            n++;
            list.Add(new InjectedError
            {
                Id = id is null ? $"e{n}" : repeat == 1 ? id : $"{id}.{i + 1}",
                AtUs = at + i * every,
                Kind = kind,
                HostAddress = isMemory ? address + i * stride : 0,
                Vcpu = vcpu,
                Route = route,
                Severity = severity,
                ArmKind = armKind,
                Cpu = cpu,
                PcieDevice = device,
                Note = note,
            });
        }
        return list;
    }

    /// <summary><paramref name="start"/> + (<paramref name="count"/> - 1) * <paramref name="step"/>, or a <see cref="ScenarioException"/> when it passes <paramref name="max"/> or 2^64.</summary>
    private static void CheckedLast(ulong start, ulong step, ulong count, string path, string what, ulong max)
    {
        ulong last;
        try
        {
            last = checked(start + checked((count - 1) * step));
        }
        catch (OverflowException)
        {
            throw new ScenarioException(path, $"the last repetition's {what} does not fit in 64 bits (start + (repeat - 1) * step overflows)");
        }
        if (last > max) throw new ScenarioException(path, $"the last repetition's {what} is {last}, more than the maximum {max}");
    }

    /// <summary>A JSON reader error in plain words: what is wrong and where (line and column, 1-based).</summary>
    private static string JsonProblem(JsonException e)
    {
        string message = e.Message;
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            int cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut >= 0) message = message[..cut];
        }
        message = message.TrimEnd();
        if (message.Length == 0 || message.Contains("System.", StringComparison.Ordinal)) message = "unexpected text.";
        string where = e.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}: ")
            : "";
        return where + Printable.Value(message, 200);
    }

    /// <summary>A JSON object with its path, for reading members with precise errors.</summary>
    private sealed class Obj
    {
        private readonly JsonElement _e;

        public Obj(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object) throw new ScenarioException(path, $"expected an object, found {KindName(e)}");
            _e = e;
            Path = path;
        }

        public string Path { get; }

        public bool Has(string name) => _e.TryGetProperty(name, out _);

        public JsonElement? RawMember(string name) => _e.TryGetProperty(name, out var v) ? v : null;

        public ScenarioException Missing(string name) => new(Path, $"'{name}' is required");

        public void RejectUnknown(params string[] known)
        {
            foreach (var p in _e.EnumerateObject())
            {
                if (!known.Contains(p.Name)) throw new ScenarioException($"{Path}.{Printable.Value(p.Name)}", $"unknown member (expected one of {string.Join(", ", known)})");
            }
        }

        public Obj Object(string name) => OptionalObject(name) ?? throw Missing(name);

        public Obj? OptionalObject(string name) => _e.TryGetProperty(name, out var v) ? new Obj(v, $"{Path}.{name}") : null;

        public List<Obj> Array(string name) => _e.TryGetProperty(name, out _) ? OptionalArray(name) : throw Missing(name);

        public List<Obj> OptionalArray(string name)
        {
            if (!_e.TryGetProperty(name, out var v)) return [];
            if (v.ValueKind != JsonValueKind.Array) throw new ScenarioException($"{Path}.{name}", $"expected an array, found {KindName(v)}");
            return v.EnumerateArray().Select((x, i) => new Obj(x, $"{Path}.{name}[{i}]")).ToList();
        }

        public string? String(string name)
        {
            if (!_e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ScenarioException($"{Path}.{name}", $"expected a string, found {KindName(v)}");
        }

        public bool Bool(string name, bool fallback)
        {
            if (!_e.TryGetProperty(name, out var v)) return fallback;
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ScenarioException($"{Path}.{name}", "expected true or false"),
            };
        }

        public NotificationType? Notification(string name)
        {
            var s = String(name);
            if (s is null) return null;
            return NotificationRoutes.TryParse(s, out var m) ? m
                : throw new ScenarioException($"{Path}.{name}", $"'{Printable.Value(s)}' is not a notification mechanism (polled, sea, sei, gsiv, gpio, sci, nmi, sdei)");
        }

        public ulong Number(string name, ulong? fallback = null, ulong max = ulong.MaxValue)
        {
            string path = $"{Path}.{name}";
            if (!_e.TryGetProperty(name, out var v)) return fallback ?? throw Missing(name);
            ulong value;
            if (v.ValueKind == JsonValueKind.Number)
            {
                if (!v.TryGetUInt64(out value)) throw new ScenarioException(path, $"expected a whole number from 0 to {max}, found {Printable.Value(v.GetRawText(), 40)}");
            }
            else if (v.ValueKind == JsonValueKind.String)
            {
                if (!TryParseSize(v.GetString()!, out value)) throw new ScenarioException(path, $"'{Printable.Value(v.GetString(), 40)}' is not a number (decimal, 0x hex, or with KiB/MiB/GiB)");
            }
            else throw new ScenarioException(path, $"expected a number or a string such as \"0x1000\", found {KindName(v)}");
            if (value > max) throw new ScenarioException(path, $"{value} is larger than {max}");
            return value;
        }

        public ulong Time(string name, ulong fallback, ulong min = 0)
        {
            string path = $"{Path}.{name}";
            if (!_e.TryGetProperty(name, out var v)) return fallback;
            if (!(v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out ulong us)) && !(v.ValueKind == JsonValueKind.String && TryParseTime(v.GetString()!, out us)))
                throw new ScenarioException(path, $"expected microseconds or a time such as \"250us\", \"5ms\", \"1s\"; found {Printable.Value(v.GetRawText(), 40)}");
            if (us > Scenario.MaxTimeUs) throw new ScenarioException(path, $"{us}us is more than the maximum time {Scenario.MaxTimeUs}us");
            if (us < min) throw new ScenarioException(path, $"must be at least {min}us (a zero interval would stop virtual time)");
            return us;
        }

        private static string KindName(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "true or false",
            _ => "null",
        };
    }

    /// <summary>Parses "4096", "0x1000", "4KiB", "256MiB", "1GiB".</summary>
    public static bool TryParseSize(string text, out ulong value)
    {
        text = text.Trim().Replace("_", "", StringComparison.Ordinal);
        ulong unit = 1;
        foreach (var (suffix, mult) in new[] { ("KiB", 1UL << 10), ("MiB", 1UL << 20), ("GiB", 1UL << 30) })
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) { unit = mult; text = text[..^suffix.Length].Trim(); break; }
        }
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok) return false;
        if (unit > 1 && value > ulong.MaxValue / unit) return false;
        value *= unit;
        return true;
    }

    /// <summary>Parses "250us", "5ms", "1s" or a bare number of microseconds.</summary>
    public static bool TryParseTime(string text, out ulong microseconds)
    {
        text = text.Trim();
        ulong unit = 1;
        if (text.EndsWith("us", StringComparison.Ordinal)) text = text[..^2];
        else if (text.EndsWith("ms", StringComparison.Ordinal)) { unit = 1000; text = text[..^2]; }
        else if (text.EndsWith('s')) { unit = 1_000_000; text = text[..^1]; }
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) || d < 0 || d * unit > ulong.MaxValue)
        {
            microseconds = 0;
            return false;
        }
        microseconds = (ulong)decimal.Round(d * unit);
        return true;
    }
}
