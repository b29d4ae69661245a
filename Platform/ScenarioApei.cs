using ApeiKit.Hest;

namespace ApeiKit.Platform;

/// <summary>
/// The host's EINJ and ERST, when a scenario uses them (<c>"apei"</c> in scenario JSON, or any <c>einj</c>, <c>reboot</c>
/// or <c>erstClear</c> step): firmware publishes an EINJ (ApeiKit's <c>default</c> preset unless <see cref="EinjTable"/> is
/// given) over its EINJ register interface (<see cref="EinjDevice"/>), and an ERST (QEMU's <c>qemu</c> preset) over a
/// QEMU-like acpi-erst device (<see cref="ErstDevice"/>) whose store has QEMU's backing-file layout.
/// </summary>
public sealed class ApeiSetup
{
    /// <summary>Base of the EINJ register interface (the default preset's base).</summary>
    public const ulong EinjBase = ActionTablePresets.DefaultEinjBase;
    /// <summary>Base of the ERST device's registers (QEMU's BAR 0 as a q35 guest saw it).</summary>
    public const ulong ErstBase = ActionTablePresets.QemuErstBase;
    /// <summary>Base of the ERST exchange buffer (BAR 1).</summary>
    public const ulong ErstExchangeBase = 0xFEBD_A000;
    /// <summary>Host physical address where firmware puts the EINJ.</summary>
    public const ulong EinjTableAddress = 0xF000_2000;
    /// <summary>Host physical address where firmware puts the ERST.</summary>
    public const ulong ErstTableAddress = 0xF000_3000;
    /// <summary>Host physical address where firmware puts the BERT.</summary>
    public const ulong BertTableAddress = 0xF000_4000;
    /// <summary>Host physical address of the boot error region.</summary>
    public const ulong BertRegionAddress = 0xF002_0000;

    /// <summary>The EINJ firmware publishes (null: ApeiKit's default preset at <see cref="EinjBase"/>).</summary>
    public byte[]? EinjTable { get; init; }
    /// <summary>The error types firmware offers (GET_ERROR_TYPE): processor, memory and PCIe, each correctable, uncorrectable non-fatal and fatal.</summary>
    public uint EinjErrorTypes { get; init; } = 0x1FF;
    /// <summary>The ERST store's size (QEMU's memory-backend size), bytes.</summary>
    public int ErstStoreSize { get; init; } = 64 * 1024;
    /// <summary>The ERST store's record (slot) size.</summary>
    public uint ErstRecordSize { get; init; } = 8192;
    /// <summary>An existing backing file to start from (null: a new, empty store).</summary>
    public byte[]? ErstStore { get; init; }
}

/// <summary>A scenario step that is not a hardware error: an EINJ injection, a reboot, clearing ERST.</summary>
public abstract record PlatformStep
{
    /// <summary>Identifier in the trace (an EINJ step's is the ID of the error it raises).</summary>
    public required string Id { get; init; }
    /// <summary>Virtual time, microseconds.</summary>
    public required ulong AtUs { get; init; }
    /// <summary>Free text from the scenario.</summary>
    public string? Note { get; init; }
}

/// <summary>
/// The host injects an error through EINJ as a user of Linux's einj debugfs interface does: <c>error_type</c>, then
/// <c>flags</c> and <c>param1</c>..<c>param4</c>, then <c>error_inject</c>.
/// </summary>
public sealed record EinjStep : PlatformStep
{
    /// <summary>The value written to <c>error_type</c> (one bit of ACPI 6.5 Table 18.30).</summary>
    public required ulong Type { get; init; }
    /// <summary><c>flags</c> (0: the kernel fills them from the type).</summary>
    public uint Flags { get; init; }
    /// <summary><c>param1</c>: memory address, APIC id or PCIe SBDF, by type.</summary>
    public ulong Param1 { get; init; }
    /// <summary><c>param2</c>: memory address mask.</summary>
    public ulong Param2 { get; init; }
    /// <summary><c>param3</c>: APIC id when <see cref="Flags"/> is set.</summary>
    public ulong Param3 { get; init; }
    /// <summary><c>param4</c>: PCIe SBDF when <see cref="Flags"/> is set.</summary>
    public ulong Param4 { get; init; }
    /// <summary>True when the guest injects, through the EINJ the VMM gives it (addresses are then guest physical).</summary>
    public bool ByGuest { get; init; }
}

/// <summary>The platform reboots: firmware presents ERST's records in the BERT, the host starts again and reads them.</summary>
public sealed record RebootStep : PlatformStep;

/// <summary>The host clears every record in ERST (what deleting the files in /sys/fs/pstore does).</summary>
public sealed record ErstClearStep : PlatformStep;

/// <summary>The scenarios embedded in the library (<c>Platform/Scenarios/*.json</c>).</summary>
public static class BuiltinScenarios
{
    /// <summary>Their names: <c>default-arm-vm</c> (<see cref="Scenario.Default"/>) and <c>einj-erst-reboot</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["default-arm-vm", "einj-erst-reboot"];

    /// <summary>The JSON text of a built-in scenario.</summary>
    /// <exception cref="ArgumentException">No built-in scenario has that name.</exception>
    public static string Json(string name)
    {
        if (!Names.Contains(name)) throw new ArgumentException($"no built-in scenario '{name}'; known: {string.Join(", ", Names)}", nameof(name));
        using var s = typeof(Scenario).Assembly.GetManifestResourceStream(name + ".json")
            ?? throw new InvalidOperationException($"The built-in scenario resource {name}.json is missing from the assembly.");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    /// <summary>Reads a built-in scenario.</summary>
    /// <exception cref="ArgumentException">No built-in scenario has that name.</exception>
    public static Scenario Read(string name) => ScenarioReader.Read(Json(name), name + ".json");
}
