using ApeiKit.Text;
using System.Globalization;
using System.Text.Json;

namespace ApeiKit.Platform;

/// <summary>Who acted.</summary>
public enum Actor
{
    /// <summary>The hardware (error injection, poison).</summary>
    Hardware,
    /// <summary>Firmware at EL3 (firmware first).</summary>
    Firmware,
    /// <summary>The host kernel's APEI/GHES code and memory-failure handling.</summary>
    Host,
    /// <summary>The VMM (the QEMU role).</summary>
    Vmm,
    /// <summary>The guest OS's GHES driver.</summary>
    Guest,
}

/// <summary>
/// One step of a run. <see cref="Action"/> is a stable machine name ("vmm.write", "guest.ack"); the
/// optional members carry what tests assert on. <see cref="Seq"/> orders events that share a time.
/// </summary>
public sealed record TraceEvent
{
    /// <summary>Position in the trace.</summary>
    public required int Seq { get; init; }
    /// <summary>Virtual time, microseconds.</summary>
    public required ulong TimeUs { get; init; }
    /// <summary>Who acted.</summary>
    public required Actor Actor { get; init; }
    /// <summary>Stable action name.</summary>
    public required string Action { get; init; }
    /// <summary>Readable description.</summary>
    public required string Text { get; init; }
    /// <summary>The injected error this step belongs to, when known.</summary>
    public string? ErrorId { get; init; }
    /// <summary>Error source ID (host or guest, per actor).</summary>
    public int? SourceId { get; init; }
    /// <summary>Notification type (ACPI 6.5 Table 18.14) of the step, when it has one.</summary>
    public NotificationType? NotificationType { get; init; }
    /// <summary>An address (meaning depends on the action: host physical, host virtual, guest physical).</summary>
    public ulong? Address { get; init; }
    /// <summary>A second address (e.g. the block address a record was written to or read from).</summary>
    public ulong? BlockAddress { get; init; }
    /// <summary>An Arm syndrome (ESR) injected or received.</summary>
    public ulong? Esr { get; init; }
    /// <summary>vCPU or CPU index.</summary>
    public int? Cpu { get; init; }
    /// <summary>Bytes written or read (error status block), for invariant checks.</summary>
    public byte[]? Bytes { get; init; }
}

/// <summary>The ordered list of events of a run, with text and JSON renderings.</summary>
public sealed class PlatformTrace
{
    private readonly List<TraceEvent> _events = [];

    /// <summary>The events in order.</summary>
    public IReadOnlyList<TraceEvent> Events => _events;

    internal TraceEvent Add(ulong timeUs, Actor actor, string action, string text, string? errorId = null, int? sourceId = null,
        NotificationType? notificationType = null, ulong? address = null, ulong? blockAddress = null, ulong? esr = null, int? cpu = null, byte[]? bytes = null)
    {
        var e = new TraceEvent
        {
            Seq = _events.Count, TimeUs = timeUs, Actor = actor, Action = action, Text = text, ErrorId = errorId, SourceId = sourceId,
            NotificationType = notificationType, Address = address, BlockAddress = blockAddress, Esr = esr, Cpu = cpu, Bytes = bytes,
        };
        _events.Add(e);
        return e;
    }

    /// <summary>Formats a virtual time as "t=1.050ms".</summary>
    public static string FormatTime(ulong us) => string.Create(CultureInfo.InvariantCulture, $"{us / 1000}.{us % 1000:D3}ms");

    /// <summary>Writes the readable trace: one line per event, "time  actor  text" (control characters escaped, so no text can forge a line).</summary>
    public void WriteText(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var e in _events)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{FormatTime(e.TimeUs),10}  {ActorName(e.Actor),-8}  {Printable.Escape(e.Text)}"));
        }
    }

    /// <summary>Writes the events as a JSON array (bytes as hex strings).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var e in _events)
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", e.Seq);
            writer.WriteNumber("timeUs", e.TimeUs);
            writer.WriteString("actor", ActorName(e.Actor));
            writer.WriteString("action", e.Action);
            writer.WriteString("text", e.Text);
            if (e.ErrorId is not null) writer.WriteString("errorId", e.ErrorId);
            if (e.SourceId is { } s) writer.WriteNumber("sourceId", s);
            if (e.NotificationType is { } m) writer.WriteString("mechanism", m.Name());
            if (e.Address is { } a) writer.WriteString("address", Hex(a));
            if (e.BlockAddress is { } b) writer.WriteString("blockAddress", Hex(b));
            if (e.Esr is { } esr) writer.WriteString("esr", Hex(esr));
            if (e.Cpu is { } c) writer.WriteNumber("cpu", c);
            if (e.Bytes is { } bytes) writer.WriteString("bytes", ApeiKit.FieldFormat.CompactHex(bytes));
            writer.WriteEndObject();
            // Hand what is written to the writer's stream as the trace goes, so a long trace is never buffered whole.
            if (writer.BytesPending > 1 << 16) writer.Flush();
        }
        writer.WriteEndArray();
    }

    /// <summary>The actor's name in traces.</summary>
    public static string ActorName(Actor a) => a switch
    {
        Actor.Hardware => "hw",
        Actor.Firmware => "firmware",
        Actor.Host => "host",
        Actor.Vmm => "vmm",
        Actor.Guest => "guest",
        _ => a.ToString(),
    };

    internal static string Hex(ulong v) => string.Create(CultureInfo.InvariantCulture, $"0x{v:X}");
}
