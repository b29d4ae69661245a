using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ApeiKit.Hest;

namespace ApeiKit.Cli;

/// <summary>
/// <c>apeikit vm erst-einj</c>: an ERST and an EINJ for an x86 guest without QEMU's acpi-erst device, acting on register
/// memory ApeiKit writes (one region loaded with <c>-device loader</c> and reserved with <c>memmap=</c>), and the
/// arguments that give them to the guest. Plain memory cannot run a command, so the ERST answers every query from a
/// register of its own that holds the answer ("static registers"): the error log address range, its length and
/// attributes, the record count (0), the next record id (none), busy (never), command status (success). The EINJ is the
/// default preset; its GET_ERROR_TYPE register holds the error type bitmap given. What a Linux 6.1 guest does with them is
/// measured by the real-kernel tier (docs/erst-einj.md).
/// </summary>
internal static class VmActionTables
{
    /// <summary>Size of the register region.</summary>
    public const int RegionSize = 0x10000;
    /// <summary>The EINJ registers' offset in the region (the ERST's are at 0).</summary>
    public const ulong EinjOffset = 0x8000;
    /// <summary>Offsets of the ERST's static registers (the action register is at 0, the value register at 8).</summary>
    public const ulong Busy = 0x10, Status = 0x18, RecordId = 0x20, Count = 0x28, Range = 0x30, Length = 0x38, Attributes = 0x40, Timings = 0x48;
    /// <summary>The error log address range: offset in the region and length.</summary>
    public const ulong LogOffset = 0x1000, LogLength = 0x2000;
    /// <summary>Default EINJ error types: the ACPI 6.5 ones a Linux 6.1 guest names (bits 0-11) that the default preset can offer.</summary>
    public const uint DefaultEinjTypes = 0x00000A5A;

    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--output", "-o") { Description = "Existing directory to write erst.json, erst.aml, einj.aml and registers.bin into.", Required = true };
        var regionBase = new Option<string?>("--region-base") { Description = "Guest physical address of the 64 KiB register region (default 0x10000000; ERST registers at +0, its error log at +0x1000, EINJ registers at +0x8000)." };
        var types = new Option<string?>("--einj-types") { Description = "The error type bitmap EINJ's GET_ERROR_TYPE returns (ACPI 6.5 Table 18.30; default 0xA5A)." };
        var format = FormatOption.TextOrJson("text or json (paths, addresses, arguments).");
        var command = new Command("erst-einj", "Build an ERST and an EINJ over ApeiKit-provided register memory for an x86 guest, and print the QEMU and kernel arguments.")
            { output, regionBase, types, format };
        command.SetAction(parse => Run(context, parse.GetValue(output)!, parse.GetValue(regionBase), parse.GetValue(types), parse.GetValue(format)!));
        return command;
    }

    private static int Run(CliContext context, string dir, string? baseText, string? typesText, string format)
    {
        if (!Directory.Exists(dir)) throw new CliUsageException($"--output {CliText.Name(dir)}: not a directory (give an existing directory; it is not created).");
        ulong b = baseText is null ? VmCommand.X86RegionBase : RecordFiles.ParseAddress("--region-base", baseText);
        if ((b & 0xFFF) != 0 || b > ulong.MaxValue - RegionSize) throw new CliUsageException($"--region-base 0x{b:X}: must be 4 KiB aligned with 64 KiB above it.");
        ulong typesValue = typesText is null ? DefaultEinjTypes : RecordFiles.ParseAddress("--einj-types", typesText);
        if (typesValue > uint.MaxValue) throw new CliUsageException($"--einj-types 0x{typesValue:X}: the bitmap is 32 bits.");
        uint einjTypes = (uint)typesValue;

        string specJson = ErstSpec(b);
        ActionTableModel erst = ActionTableSpec.Parse(ActionTableKind.Erst, specJson);
        ActionTableModel einj = ActionTablePresets.DefaultEinj(b + EinjOffset);
        byte[] erstBytes = erst.Encode(), einjBytes = einj.Encode(), registers = RegisterMemory(b, einjTypes);
        string specPath = Path.Combine(dir, "erst.json"), erstPath = Path.Combine(dir, "erst.aml"), einjPath = Path.Combine(dir, "einj.aml"), regPath = Path.Combine(dir, "registers.bin");
        CliFiles.WriteAll(context, (specPath, Encoding.UTF8.GetBytes(specJson + "\n")), (erstPath, erstBytes), (einjPath, einjBytes), (regPath, registers));
        foreach (var f in ActionTableValidator.Validate(erstBytes).Concat(ActionTableValidator.Validate(einjBytes)))
            context.Error.WriteLine("apeikit: check: " + f);

        static string Full(string p) => Path.GetFullPath(p);
        List<string> qemu = ["-acpitable", "file=" + QemuValue(Full(erstPath)), "-acpitable", "file=" + QemuValue(Full(einjPath)),
            "-device", string.Create(CultureInfo.InvariantCulture, $"loader,file={QemuValue(Full(regPath))},addr=0x{b:X},force-raw=on")];
        List<string> kernel = [VmCommand.Memmap(b, RegionSize)];
        var typeNames = EinjStructures.NameErrorTypes(einjTypes);
        List<string> notes =
        [
            "Do not add -device acpi-erst as well: QEMU would then build its own ERST.",
            string.Create(CultureInfo.InvariantCulture, $"ERST: the guest's driver reads the error log address range 0x{b + LogOffset:X}-0x{b + LogOffset + LogLength - 1:X} from static registers and registers pstore (\"pstore: Registered erst as persistent store backend\"); it lists no records, and what it writes is not kept (nothing behind the registers stores it)."),
            "EINJ: Debian builds it as a module (CONFIG_ACPI_APEI_EINJ=m): put /lib/modules/<version>/kernel/drivers/acpi/apei/einj.ko of the guest kernel in the initrd and insmod it; then mount debugfs and read /sys/kernel/debug/apei/einj/available_error_type.",
            string.Create(CultureInfo.InvariantCulture, $"EINJ offers 0x{einjTypes:X8} ({(typeNames.Count == 0 ? "none" : string.Join(", ", typeNames))}); Linux 6.1 lists only the types it names (bits 0-11), not CXL (bits 12-17). Nothing behind the registers injects an error: writing error_inject is not supported here."),
        ];
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"apeikit: wrote {CliText.Name(erstPath)} (ERST, {erstBytes.Length} bytes), {CliText.Name(einjPath)} (EINJ, {einjBytes.Length} bytes), {CliText.Name(regPath)} ({RegionSize} bytes at 0x{b:X}), {CliText.Name(specPath)} (the ERST spec: apeikit erst build rebuilds it)"));

        if (format == "json")
        {
            using var stream = new MemoryStream();
            using (var w = CliJson.Writer(stream))
            {
                static string Hex(ulong v) => string.Create(CultureInfo.InvariantCulture, $"0x{v:X}");
                w.WriteStartObject();
                w.WriteString("architecture", "x86_64");
                w.WriteStartObject("erst");
                w.WriteString("path", Full(erstPath));
                w.WriteString("spec", Full(specPath));
                w.WriteNumber("size", erstBytes.Length);
                w.WriteString("registerBase", Hex(b));
                w.WriteString("errorLogAddress", Hex(b + LogOffset));
                w.WriteString("errorLogLength", Hex(LogLength));
                w.WriteEndObject();
                w.WriteStartObject("einj");
                w.WriteString("path", Full(einjPath));
                w.WriteNumber("size", einjBytes.Length);
                w.WriteString("registerBase", Hex(b + EinjOffset));
                w.WriteString("errorTypes", Hex(einjTypes));
                w.WriteStrings("errorTypeNames", typeNames);
                w.WriteEndObject();
                w.WriteStartObject("region");
                w.WriteString("path", Full(regPath));
                w.WriteString("address", Hex(b));
                w.WriteNumber("size", RegionSize);
                w.WriteEndObject();
                w.WriteStrings("qemuArguments", qemu);
                w.WriteStrings("kernelArguments", kernel);
                w.WriteStrings("notes", notes);
                w.WriteEndObject();
            }
            context.Out.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
        }
        else
        {
            var o = context.Out;
            o.WriteLine("QEMU arguments:");
            o.WriteLine("  " + string.Join(' ', qemu.Select(VmCommand.Shell)));
            o.WriteLine("Guest kernel arguments (add to -append):");
            o.WriteLine("  " + string.Join(' ', kernel));
            o.WriteLine("For example:");
            o.WriteLine("  qemu-system-x86_64 -M q35 -m 512 -nographic -kernel VMLINUZ -initrd INITRD -append " + VmCommand.Shell("console=ttyS0 " + string.Join(' ', kernel)) + " " + string.Join(' ', qemu.Select(VmCommand.Shell)));
            foreach (var n in notes) o.WriteLine("Note: " + n);
        }
        return CliApp.Ok;
    }

    private static string QemuValue(string s) => s.Replace(",", ",,", StringComparison.Ordinal);

    /// <summary>
    /// The ERST spec (as <c>apeikit erst build</c> reads it): QEMU's shape (each action first writes its number to the
    /// action register at base + 0; SET_RECORD_OFFSET / SET_RECORD_IDENTIFIER write the value register at base + 8;
    /// EXECUTE_OPERATION writes QEMU's magic 0x9C there), but every query reads a static register of its own (ACPI 6.5
    /// §18.5.1 Table 18.24 actions; READ_REGISTER, and READ_REGISTER_VALUE for CHECK_BUSY_STATUS).
    /// </summary>
    public static string ErstSpec(ulong registerBase)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            void Add(int action, string instruction, ulong address, int bits, ulong value = 0, ulong? mask = null)
            {
                w.WriteStartObject();
                w.WriteNumber("action", action);
                w.WriteString("instruction", instruction);
                w.WriteStartObject("registerRegion");
                w.WriteNumber("spaceId", 0);
                w.WriteNumber("bitWidth", bits);
                w.WriteNumber("bitOffset", 0);
                w.WriteNumber("accessSize", bits == 64 ? 4 : 3);
                w.WriteString("address", Hex(address));
                w.WriteEndObject();
                w.WriteString("value", Hex(value));
                w.WriteString("mask", Hex(mask ?? (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1)));
                w.WriteEndObject();
            }
            ulong actionReg = registerBase, valueReg = registerBase + 8;
            w.WriteStartObject();
            w.WriteString("preset", "qemu");
            w.WriteStartArray("entries");
            foreach (int action in Enumerable.Range(0, 0x11).Where(a => a != 0x0C)) // 0x0C is reserved
            {
                Add(action, "WRITE_REGISTER_VALUE", actionReg, 32, (ulong)action);
                switch (action)
                {
                    case 0x04: Add(action, "WRITE_REGISTER", valueReg, 64); break;                          // SET_RECORD_OFFSET
                    case 0x05: Add(action, "WRITE_REGISTER_VALUE", valueReg, 32, 0x9C); break;              // EXECUTE_OPERATION
                    case 0x06: Add(action, "READ_REGISTER_VALUE", registerBase + Busy, 32, 1, 1); break;    // CHECK_BUSY_STATUS
                    case 0x07: Add(action, "READ_REGISTER", registerBase + Status, 32); break;              // GET_COMMAND_STATUS
                    case 0x08: Add(action, "READ_REGISTER", registerBase + RecordId, 64); break;            // GET_RECORD_IDENTIFIER
                    case 0x09: Add(action, "WRITE_REGISTER", valueReg, 64); break;                          // SET_RECORD_IDENTIFIER
                    case 0x0A: Add(action, "READ_REGISTER", registerBase + Count, 32); break;               // GET_RECORD_COUNT
                    case 0x0D: Add(action, "READ_REGISTER", registerBase + Range, 64); break;               // GET_ERROR_LOG_ADDRESS_RANGE
                    case 0x0E: Add(action, "READ_REGISTER", registerBase + Length, 64); break;              // ..._LENGTH
                    case 0x0F: Add(action, "READ_REGISTER", registerBase + Attributes, 32); break;          // ..._ATTRIBUTES
                    case 0x10: Add(action, "READ_REGISTER", registerBase + Timings, 64); break;             // GET_EXECUTE_OPERATION_TIMINGS
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The register region: the ERST's static answers and the EINJ error type bitmap (little-endian).</summary>
    public static byte[] RegisterMemory(ulong registerBase, uint einjTypes)
    {
        var region = new byte[RegionSize];
        var s = region.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(s[(int)Busy..], 0);                 // never busy
        BinaryPrimitives.WriteUInt64LittleEndian(s[(int)Status..], 0);               // ERST_STATUS_SUCCESS
        BinaryPrimitives.WriteUInt64LittleEndian(s[(int)RecordId..], ulong.MaxValue); // APEI_ERST_INVALID_RECORD_ID: the store is empty
        BinaryPrimitives.WriteUInt64LittleEndian(s[(int)Count..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(int)Range..], registerBase + LogOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(int)Length..], LogLength);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(int)Attributes..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(int)Timings..], 0);
        // The default EINJ preset's GET_ERROR_TYPE reads its value register (EINJ base + 8, 32-bit).
        BinaryPrimitives.WriteUInt32LittleEndian(s[(int)(EinjOffset + 8)..], einjTypes);
        return region;
    }

    private static string Hex(ulong v) => string.Create(CultureInfo.InvariantCulture, $"0x{v:X}");
}
