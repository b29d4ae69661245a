using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
namespace ApeiKit.Cper.Input;

/// <summary>
/// Kernel log text (<c>dmesg</c>, <c>journalctl -k</c>, a serial console) with the <c>{N}[Hardware Error]:</c> lines
/// Linux prints for a Generic Error Status Block (drivers/acpi/apei/ghes.c, drivers/firmware/efi/cper.c:
/// <c>cper_estatus_print</c>): each block is parsed back into a record, best effort and lossy (only what the kernel
/// printed survives). Parsed back: the event severity; per section its severity, FRU ID and text; memory error
/// sections (error_status, physical_address, physical_address_mask, node ... target_id, error_type, DIMM handle)
/// rebuilt as a UEFI 2.10 N.2.5 memory error section with the validation bits of the printed fields; sections of an
/// unknown type from their hex dump (byte for byte). Other section types are printed by the kernel as decoded text
/// that is not parsed back: they are left out and said.
/// </summary>
public static partial class DmesgHardwareErrors
{
    private const string Marker = "[Hardware Error]: ";

    /// <summary>
    /// True when the first bytes of a text hold a <c>{N}[Hardware Error]:</c> line, or start like a kernel log (a line
    /// beginning with the kernel's <c>[    0.000000] </c> time stamp, optionally after a <c>&lt;N&gt;</c> level): in a real
    /// log the hardware errors come long after the boot messages (found by decoding a real guest's dmesg).
    /// </summary>
    public static bool LooksLikeDmesg(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf((byte)0) >= 0) return false;
        if (head.IndexOf("[Hardware Error]: "u8) >= 0) return true;
        int nl = head.IndexOf((byte)'\n');
        var first = nl < 0 ? head : head[..nl];
        return first.Length < 512 && KernelLogLine().IsMatch(System.Text.Encoding.ASCII.GetString(first));
    }

    [GeneratedRegex(@"^(?:<\d>)?\[\s*\d+\.\d{6}\] ")]
    private static partial Regex KernelLogLine();

    [GeneratedRegex(@"\{(\d+)\}\[Hardware Error\]: (.*)$")]
    private static partial Regex LineRegex();

    [GeneratedRegex(@"^(?:[0-9a-f]{8}|[0-9a-f]{2})$")]
    private static partial Regex HexGroup();

    private sealed class Block
    {
        public required string Name;
        public uint Severity = 3;
        public readonly List<Sec> Sections = [];
        public readonly List<string> Skipped = [];
    }

    private sealed class Sec
    {
        public uint Severity;
        public Guid? FruId;
        public string? FruText;
        public Guid? Type;
        public string? Kind; // the kernel's section_type words
        public int? Length;
        public readonly List<byte> Hex = [];
        public readonly byte[] Memory = new byte[80];
        public ulong MemoryValid;

        /// <summary>Writes one memory-section field where its declaration puts it and sets its validation bit.</summary>
        public void SetMemory(FieldDef field, ulong value)
        {
            field.WriteValue(Memory, value);
            MemoryValid |= 1UL << field.ValidBit;
        }
    }

    /// <summary>
    /// Parses every block of the text back into a record (lossy: only what the kernel printed). Blocks that give no
    /// section ApeiKit parses back, and a text without any <c>[Hardware Error]:</c> line, are listed in
    /// <see cref="CperUnwrappedInput.Errors"/>; sections left out are said in <see cref="CperUnwrappedInput.Notices"/>.
    /// </summary>
    /// <param name="text">The log text (UTF-8).</param>
    public static CperUnwrappedInput Unwrap(ReadOnlySpan<byte> text)
    {
        var result = new CperUnwrappedInput();
        var blocks = new List<Block>();
        Block? block = null;
        string? seq = null;
        int lineNo = 0;
        foreach (var raw in Encoding.UTF8.GetString(text).Split('\n'))
        {
            lineNo++;
            var m = LineRegex().Match(raw.TrimEnd('\r'));
            if (!m.Success) continue;
            string n = m.Groups[1].Value, rest = m.Groups[2].Value;
            string msg = rest.TrimStart(' ');
            if (msg.StartsWith("Hardware error from APEI Generic Hardware Error Source:", StringComparison.Ordinal) || block is null || n != seq)
            {
                block = new Block { Name = $"kernel log block {{{n}}} at line {lineNo}" };
                blocks.Add(block);
                seq = n;
                if (msg.StartsWith("Hardware error from", StringComparison.Ordinal)) continue;
            }
            Parse(block, msg, result);
        }
        foreach (var b in blocks)
        {
            foreach (var s in b.Skipped) result.Notices.Add($"{b.Name}: {s}");
            var sections = new List<CperSectionWrapper.Section>();
            foreach (var s in b.Sections)
            {
                if (s.Kind == "memory error")
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(s.Memory, s.MemoryValid);
                    sections.Add(new CperSectionWrapper.Section(s.Memory, CperGuids.PlatformMemory, s.Severity, s.FruId, s.FruText));
                }
                else if (s.Kind == "unknown" && s.Type is { } type)
                {
                    if (s.Length is { } len && len != s.Hex.Count)
                    {
                        result.Errors.Add($"{b.Name}: section of type {type}: the hex dump holds {s.Hex.Count} bytes, the kernel said section length {len}; left out");
                        continue;
                    }
                    sections.Add(new CperSectionWrapper.Section([.. s.Hex], type, s.Severity, s.FruId, s.FruText));
                }
            }
            if (sections.Count == 0)
            {
                result.Errors.Add($"{b.Name}: no section ApeiKit parses back from the kernel's text (memory errors and sections of unknown type are)");
                continue;
            }
            result.Add(CperSectionWrapper.WrapSections(sections, b.Severity, Guid.Empty, null), b.Name, synthesised: true,
                note: $"rebuilt by ApeiKit from the kernel's printed lines of {b.Name} (lossy: only the fields the kernel printed; record header synthesised)");
        }
        if (blocks.Count == 0) result.Errors.Add("no {N}[Hardware Error]: line");
        return result;
    }

    private static uint Severity(string word) => word.Trim() switch
    {
        "recoverable" => 0,
        "fatal" => 1,
        "corrected" => 2,
        _ => 3, // "info", "unknown"
    };

    private static void Parse(Block b, string msg, CperUnwrappedInput result)
    {
        var ci = CultureInfo.InvariantCulture;
        var sec = b.Sections.Count > 0 ? b.Sections[^1] : null;
        if (msg.StartsWith("event severity: ", StringComparison.Ordinal)) { b.Severity = Severity(msg[16..]); return; }
        if (msg.StartsWith("Error ", StringComparison.Ordinal) && msg.IndexOf(", type: ", StringComparison.Ordinal) is int t and > 0)
        {
            b.Sections.Add(new Sec { Severity = Severity(msg[(t + 8)..]) });
            return;
        }
        if (sec is null) return; // "It has been corrected by h/w ..." and the like
        if (msg.StartsWith("fru_id: ", StringComparison.Ordinal) && Guid.TryParse(msg[8..].Trim(), out var fru)) { sec.FruId = fru; return; }
        if (msg.StartsWith("fru_text: ", StringComparison.Ordinal))
        {
            sec.FruText = msg[10..];
            // The kernel prints the 20-byte FRU Text with "%.20s" (UEFI 2.10 N.2.2): more is not the kernel's; said, not cut silently.
            if (sec.FruText.Length > CperSectionDescriptor.FruTextLength)
                b.Skipped.Add($"fru_text \"{sec.FruText}\" is longer than the {CperSectionDescriptor.FruTextLength}-byte FRU Text field the kernel prints it from: the record keeps the first {CperSectionDescriptor.FruTextLength} characters");
            return;
        }
        if (msg.StartsWith("section_type: ", StringComparison.Ordinal))
        {
            sec.Kind = msg[14..].Trim();
            if (sec.Kind != "memory error") b.Skipped.Add($"a \"{sec.Kind}\" section is printed by the kernel as decoded text that ApeiKit does not parse back: left out");
            return;
        }
        if (msg.StartsWith("section type: unknown, ", StringComparison.Ordinal))
        {
            sec.Kind = "unknown";
            if (Guid.TryParse(msg[23..].Trim(), out var type)) sec.Type = type;
            else result.Errors.Add($"{b.Name}: \"{msg}\": not a GUID");
            return;
        }
        if (msg.StartsWith("section length: ", StringComparison.Ordinal))
        {
            string v = msg[16..].Trim();
            if (v.StartsWith("0x", StringComparison.Ordinal) && int.TryParse(v[2..], NumberStyles.HexNumber, ci, out int len)) sec.Length = len;
            else if (int.TryParse(v, ci, out len)) sec.Length = len;
            return;
        }
        if (sec.Kind == "unknown")
        {
            // print_hex_dump(DUMP_PREFIX_OFFSET, 16, 4, ascii): "00000010: 03020100 07060504 ...  ascii"; 32-bit groups
            // in CPU order (little-endian here), single bytes when the length is not a multiple of 4.
            int colon = msg.IndexOf(": ", StringComparison.Ordinal);
            if (colon == 8 && int.TryParse(msg.AsSpan(0, 8), NumberStyles.HexNumber, ci, out int off) && off == sec.Hex.Count)
            {
                foreach (var g in msg[(colon + 2)..].Split(' '))
                {
                    if (g.Length == 0) break; // two spaces: the ASCII column follows
                    if (!HexGroup().IsMatch(g)) break;
                    if (g.Length == 8)
                    {
                        uint w = uint.Parse(g, NumberStyles.HexNumber, ci);
                        sec.Hex.AddRange([(byte)w, (byte)(w >> 8), (byte)(w >> 16), (byte)(w >> 24)]); // little-endian CPU order
                    }
                    else sec.Hex.Add(byte.Parse(g, NumberStyles.HexNumber, ci));
                }
            }
            return;
        }
        if (sec.Kind != "memory error") return;
        // UEFI 2.10 N.2.5 Memory Error Section: each printed field goes where the section's declaration puts it, with its
        // validation bit (MemoryErrorSection's generated FieldDefs; no offset or bit is written here).
        if (Hex64(msg, "error_status: ") is { } es) { sec.SetMemory(MemoryErrorSection.ErrorStatusField, es); return; }
        // Linux 5.x and later: "error_status: <the status decoded in words> (0x%016llx)" (cper_print_mem).
        if (msg.StartsWith("error_status: ", StringComparison.Ordinal) && msg.EndsWith(')') && msg.LastIndexOf("(0x", StringComparison.Ordinal) is int open and > 0
            && ulong.TryParse(msg.AsSpan(open + 3, msg.Length - open - 4), NumberStyles.HexNumber, ci, out ulong status))
        {
            sec.SetMemory(MemoryErrorSection.ErrorStatusField, status);
            return;
        }
        if (Hex64(msg, "physical_address: ") is { } pa) { sec.SetMemory(MemoryErrorSection.PhysicalAddressField, pa); return; }
        if (Hex64(msg, "physical_address_mask: ") is { } pm) { sec.SetMemory(MemoryErrorSection.PhysicalAddressMaskField, pm); return; }
        if (msg.StartsWith("error_type: ", StringComparison.Ordinal))
        {
            int comma = msg.IndexOf(',', StringComparison.Ordinal);
            if (comma > 12 && byte.TryParse(msg.AsSpan(12, comma - 12), ci, out byte et)) sec.SetMemory(MemoryErrorSection.MemoryErrorTypeField, et);
            return;
        }
        if (msg.Contains("DMI handle: 0x", StringComparison.Ordinal))
        {
            int at = msg.IndexOf("DMI handle: 0x", StringComparison.Ordinal) + 14;
            int end = at;
            while (end < msg.Length && char.IsAsciiHexDigit(msg[end])) end++;
            if (ushort.TryParse(msg.AsSpan(at, end - at), NumberStyles.HexNumber, ci, out ushort h)) sec.SetMemory(MemoryErrorSection.ModuleHandleField, h);
            return;
        }
        // The location line (cper_mem_err_location, drivers/firmware/efi/cper.c). Linux 5.18 and later print "node:0 card:1
        // module:2 rank:3 bank:4 bank_group:5 bank_address:6 device:7 row:8 column:9 bit_position:10 requestor_id:0x...
        // responder_id:0x... target_id:0x... chip_id:11 " (the strings of Debian's 6.1 kernel image); earlier kernels put a
        // space after each colon. Both are read: a token "name:value", or "name:" and the value in the next token.
        var parts = msg.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            int colon = parts[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            string name = parts[i][..colon];
            string v = parts[i][(colon + 1)..];
            if (v.Length == 0)
            {
                if (i + 1 >= parts.Length) break;
                v = parts[++i];
            }
            switch (name)
            {
                case "bank_group": SetMemoryBits(sec, MemoryErrorSection.BankField, "bankGroup", v); continue;
                case "bank_address": SetMemoryBits(sec, MemoryErrorSection.BankField, "bankAddress", v); continue;
                case "chip_id": SetMemoryBits(sec, MemoryErrorSection.ExtendedField, "chipIdentification", v); continue;
            }
            FieldDef? field = name switch
            {
                "node" => MemoryErrorSection.NodeField, "card" => MemoryErrorSection.CardField, "module" => MemoryErrorSection.ModuleField,
                "bank" => MemoryErrorSection.BankField, "device" => MemoryErrorSection.DeviceField, "row" => MemoryErrorSection.RowField,
                "column" => MemoryErrorSection.ColumnField, "bit_position" => MemoryErrorSection.BitPositionField,
                "requestor_id" => MemoryErrorSection.RequestorIdField, "responder_id" => MemoryErrorSection.ResponderIdField,
                "target_id" => MemoryErrorSection.TargetIdField, "rank" => MemoryErrorSection.RankNumberField,
                _ => null,
            };
            if (field is null) continue;
            if (field.Size == 8) // the ids, printed in hex
            {
                if (v.StartsWith("0x", StringComparison.Ordinal) && ulong.TryParse(v.AsSpan(2), NumberStyles.HexNumber, ci, out ulong u))
                    sec.SetMemory(field, u);
            }
            else if (int.TryParse(v, ci, out int x))
            {
                sec.SetMemory(field, (ushort)x);
            }
        }
    }

    /// <summary>A sub-field of a bit field (bank group and address, chip id): its bits replaced, its own validation bit set.</summary>
    private static void SetMemoryBits(Sec sec, FieldDef field, string json, string text)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0) return;
        var bits = field.BitFields!.First(b => b.Json == json);
        ulong mask = ((1UL << bits.Width) - 1) << bits.Bit;
        ulong old = field.ReadValue(sec.Memory);
        field.WriteValue(sec.Memory, old & ~mask | ((ulong)value << bits.Bit & mask));
        sec.MemoryValid |= 1UL << bits.ValidBit;
    }

    private static ulong? Hex64(string msg, string prefix)
        => msg.StartsWith(prefix, StringComparison.Ordinal) && msg[prefix.Length..].Trim() is var v && v.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(v.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong u) ? u : null;
}
