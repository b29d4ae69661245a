using System.Buffers.Binary;
using System.Globalization;

namespace ApeiKit.Hest;

/// <summary>One problem found by <see cref="HestValidator"/> or <c>ActionTableValidator</c> (ERST, EINJ): an <see cref="ApeiFinding"/>.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Rule">Stable rule name (e.g. <c>checksum</c>, <c>duplicate-source-id</c>), for scripts and tests.</param>
/// <param name="Offset">Byte offset in the table of the field at fault.</param>
/// <param name="Structure">The structure ("HEST header", "error source #2 (GHESv2, source ID 1)", ...).</param>
/// <param name="Field">The field's JSON name, or null for the whole structure.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record HestFinding(FindingSeverity Severity, string Rule, long Offset, string Structure, string? Field, string Message)
    : ApeiFinding(Severity, Offset, Structure, Field)
{
    /// <summary>What is wrong and what was expected.</summary>
    public override string Message { get; } = Message;

    /// <summary>
    /// For a summary finding: how many findings of <see cref="Rule"/> and <see cref="ApeiFinding.Severity"/> it stands for
    /// (<see cref="HestValidator.Validate(ReadOnlySpan{byte}, int)"/> lists at most <c>maxPerRule</c> of each); 0 for a listed finding.
    /// </summary>
    public int Omitted { get; init; }

    /// <summary>How many findings this one counts for: 1, or <see cref="Omitted"/> for a summary.</summary>
    public int Count => Omitted == 0 ? 1 : Omitted;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Severity == FindingSeverity.Error ? "error" : "warning")} at 0x{Offset:X4} ({Structure}{(Field is null ? "" : ", " + Field)}): {Message} [{Rule}]");
}

/// <summary>
/// Checks a HEST against ACPI 6.5 §18.3.2, with at least the checks of fwts' HEST test (src/acpi/hest/hest.c)
/// and the ones Linux's GHES driver relies on (register address spaces, widths, read-ack masks, poll interval).
/// </summary>
public static class HestValidator
{
    /// <summary>Expected HEST revision (ACPI 6.5 §18.3.2: Revision 1).</summary>
    public const byte ExpectedRevision = 1;

    /// <summary>How many findings of one rule and severity <see cref="Validate"/> lists by default before summarising the rest.</summary>
    public const int DefaultMaxPerRule = 32;

    /// <summary>
    /// Validates the table in <paramref name="table"/>. Never throws for content: every problem is a finding.
    /// At most <paramref name="maxPerRule"/> findings of one rule and severity are listed; the rest become one summary
    /// finding with <see cref="HestFinding.Omitted"/> set (<see cref="CountFindings"/> adds them up). The cap keeps the
    /// cost of a hostile table of thousands of broken structures linear and small: an omitted finding is only counted.
    /// </summary>
    public static List<HestFinding> Validate(ReadOnlySpan<byte> table, int maxPerRule = DefaultMaxPerRule)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerRule, 1);
        var f = new HestFindingList(maxPerRule);
        const string hdr = "HEST header";
        if (table.Length < 4 || !table.StartsWith(HestTable.Signature))
        {
            f.Add(FindingSeverity.Error, "signature", 0, hdr, "signature", $"signature must be \"HEST\", found \"{AsciiField.Decode(table[..Math.Min(4, table.Length)])}\"");
            return f.ToList();
        }
        if (table.Length < HestLayouts.TableHeaderSize)
        {
            f.Add(FindingSeverity.Error, "truncated", 0, hdr, null, $"only {table.Length} bytes: the header and Error Source Count need 40");
            return f.ToList();
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(table[AcpiTableHeader.LengthOffset..]);
        if (length < HestLayouts.TableHeaderSize)
        {
            f.Add(FindingSeverity.Error, "length", 4, hdr, "length", $"Length {length} is smaller than the 40-byte header");
            return f.ToList();
        }
        if (length > HestTable.MaxLength)
            f.Add(FindingSeverity.Error, "length", 4, hdr, "length", $"Length {length}: expected {HestTable.MaxLengthExpected}; checking the first {Math.Min(table.Length, HestTable.MaxLength)} bytes");
        else if (length > (uint)table.Length)
            f.Add(FindingSeverity.Error, "length", 4, hdr, "length", $"Length says {length} bytes but only {table.Length} are present; checking what is there");
        else if (length < (uint)table.Length)
            f.Add(FindingSeverity.Warning, "length", 4, hdr, "length", $"Length says {length} bytes; the {table.Length - length} bytes after it are ignored");
        var t = HestTable.Read(table);
        var bytes = t.Bytes;
        if (!t.IsTruncated && !t.IsChecksumValid)
            f.Add(FindingSeverity.Error, "checksum", AcpiTableHeader.ChecksumOffset, hdr, "checksum",
                $"bytes sum to 0x{Checksum.Sum(bytes):X2}, not 0 (checksum byte should be 0x{Checksum.Compute(bytes, AcpiTableHeader.ChecksumOffset):X2})");
        if (bytes[8] != ExpectedRevision)
            f.Add(FindingSeverity.Warning, "revision", 8, hdr, "revision", $"revision {bytes[8]}; ACPI 6.5 defines HEST revision {ExpectedRevision}");

        var ids = new Dictionary<ushort, int>();
        var related = new List<(ushort Related, long Offset, string Name)>();
        var registers = new Dictionary<(byte Space, ulong Address), (int Index, ushort Id)>();
        var typeCounts = new Dictionary<HestSourceType, int>();
        var e = t.GetEnumerator();
        while (e.MoveNext())
        {
            var s = e.Current;
            string name = string.Create(CultureInfo.InvariantCulture, $"error source #{e.Index} ({s.Kind.Name}, source ID {s.SourceId})");
            CheckSource(s, s.Offset, name, f);
            if (ids.TryGetValue(s.SourceId, out int first))
                f.Add(FindingSeverity.Error, "duplicate-source-id", s.Offset + 2, name, "sourceId", $"source ID {s.SourceId} is already used by error source #{first}");
            else ids[s.SourceId] = e.Index;
            if (s.IsGeneric && s.RelatedSourceId != 0xFFFF) related.Add((s.RelatedSourceId, s.Offset + 4, name));
            if (s.IsGeneric && s.ErrorStatusAddress is { Address: not 0 } esa)
            {
                // ACPI 6.5 §18.3.2.7: each generic error source has its own Error Status Address register and block.
                if (registers.TryGetValue((esa.AddressSpaceId, esa.Address), out var owner))
                    f.Add(FindingSeverity.Warning, "shared-error-status-address", s.Offset + 20, name, "errorStatusAddress",
                        $"Error Status Address 0x{esa.Address:X} is also error source #{owner.Index}'s (source ID {owner.Id}): two sources share one error status block, and each should have its own (a firmware bug; decode shows the block once)");
                else registers[(esa.AddressSpaceId, esa.Address)] = (e.Index, s.SourceId);
            }
            typeCounts[s.Type] = typeCounts.GetValueOrDefault(s.Type) + 1;
        }
        int count = e.Index + 1;
        if (e.Error is { } err)
        {
            string rule = err.Field == "Type" && err.Expected?.StartsWith("a known", StringComparison.Ordinal) == true ? "unknown-type"
                : err.Field == "NumberOfHardwareBanks" ? "bank-count" : "truncated";
            f.Add(FindingSeverity.Error, rule, err.Offset, string.Create(CultureInfo.InvariantCulture, $"error source #{count}"), err.Field, err.Message);
        }
        uint declared = t.ErrorSourceCount;
        if (declared != (uint)count)
            f.Add(FindingSeverity.Error, "error-source-count", HestLayouts.ErrorSourceCountOffset, hdr, "errorSourceCount",
                e.Error is null
                    ? $"Error Source Count is {declared} but the table holds {count} error source structure(s)"
                    : $"Error Source Count is {declared}; {count} structure(s) decoded before the walk stopped");
        foreach (var (rel, off, name) in related)
        {
            if (!ids.ContainsKey(rel))
                f.Add(FindingSeverity.Error, "related-source-id", off, name, "relatedSourceId", $"Related Source Id {rel} names no error source in this table (0xFFFF means none)");
        }
        foreach (var ty in new[] { HestSourceType.Ia32MachineCheck, HestSourceType.Ia32CorrectedMachineCheck, HestSourceType.Ia32Nmi })
        {
            if (typeCounts.GetValueOrDefault(ty) > 1)
                f.Add(FindingSeverity.Error, "single-instance-type", HestLayouts.TableHeaderSize, "HEST", null,
                    $"{typeCounts[ty]} {HestLayouts.Kinds[ty].Name} structures; a HEST holds at most one");
        }
        return f.ToList();
    }

    /// <summary>How many findings of <paramref name="severity"/> <paramref name="findings"/> stand for, summaries counted at their <see cref="HestFinding.Omitted"/>.</summary>
    public static int CountFindings(IEnumerable<HestFinding> findings, FindingSeverity severity) =>
        findings.Where(x => x.Severity == severity).Sum(x => x.Count);

    private static void CheckSource(HestErrorSource s, long off, string name, HestFindingList f)
    {
        var b = s.Bytes;
        var kind = s.Kind;
        foreach (var field in kind.Layout.Fields)
        {
            if (field.Kind == FieldKind.Reserved && b.Slice(field.Offset, field.Size).ContainsAnyExcept((byte)0))
                f.Add(FindingSeverity.Error, "reserved", off + field.Offset, name, field.Json, $"reserved field is not zero ({FieldFormat.HexBytes(b.Slice(field.Offset, field.Size))})");
        }
        // Offsets from the declarations (Declarations/HestDeclarations.cs): the 16 bytes every type shares, the AER Bus field.
        const int Enabled = HestSourceHeaderDeclaration.Declared.EnabledOffset, Flags = HestSourceHeaderDeclaration.Declared.FlagsOffset;
        const int BusTop = PcieDeviceAerDeclaration.Declared.BusOffset + PcieDeviceAerDeclaration.Declared.BusReservedBit / 8; // bits 31:24
        if (s.Type != HestSourceType.Ia32Nmi && b[Enabled] > 1)
            f.Add(FindingSeverity.Error, "enabled", off + Enabled, name, "enabled", $"Enabled is {b[Enabled]}; only 0 and 1 are defined");
        if (s.NumberOfRecordsToPreAllocate == 0)
            f.Add(FindingSeverity.Error, "records-to-preallocate", off + HestSourceHeaderDeclaration.Declared.NumberOfRecordsToPreAllocateOffset, name, "numberOfRecordsToPreAllocate", "Number of Records to Pre-allocate must be at least 1");
        if (s.MaxSectionsPerRecord == 0)
            f.Add(FindingSeverity.Error, "max-sections-per-record", off + HestSourceHeaderDeclaration.Declared.MaxSectionsPerRecordOffset, name, "maxSectionsPerRecord", "Max Sections Per Record must be at least 1");

        switch (s.Type)
        {
            case HestSourceType.Ia32MachineCheck:
            case HestSourceType.Ia32CorrectedMachineCheck:
            case HestSourceType.Ia32DeferredMachineCheck:
                CheckFlags(b[Flags], HestNames.MachineCheckFlags.KnownMask, off, name, f);
                if ((b[Flags] & 0x5) == 0x5)
                    f.Add(FindingSeverity.Error, "flags", off + Flags, name, "flags", "FIRMWARE_FIRST and GHES_ASSIST are mutually exclusive");
                CheckBanks(s, off, name, f);
                break;
            case HestSourceType.PcieRootPortAer:
            case HestSourceType.PcieDeviceAer:
            case HestSourceType.PcieBridgeAer:
                CheckFlags(b[Flags], HestNames.AerFlags.KnownMask, off, name, f);
                if (b[BusTop] != 0)
                    f.Add(FindingSeverity.Error, "reserved", off + BusTop, name, "bus", $"bits 31:24 of Bus must be zero (bus in 7:0, segment in 23:8), found 0x{b[BusTop]:X2}");
                break;
            case HestSourceType.Ghes:
            case HestSourceType.GhesV2:
                CheckGeneric(s, off, name, f);
                break;
        }
        if (s.HasNotification) CheckNotification(b.Slice(kind.NotificationOffset, HestLayouts.NotificationSize), off + kind.NotificationOffset, name, f);
    }

    private static void CheckFlags(byte flags, ulong known, long off, string name, HestFindingList f)
    {
        if ((flags & ~known) != 0)
            f.Add(FindingSeverity.Error, "reserved-flags", off + HestSourceHeaderDeclaration.Declared.FlagsOffset, name, "flags", $"reserved flag bits set: 0x{flags & ~known & 0xFF:X2} (flags 0x{flags:X2})");
    }

    private static void CheckBanks(HestErrorSource s, long off, string name, HestFindingList f)
    {
        // Offsets from the declaration (MachineCheckBankDeclaration, ACPI 6.5 §18.3.2.1.1); byte 3 is its [Reserved] byte.
        const int Number = MachineCheckBankDeclaration.Declared.BankNumberOffset, Clear = MachineCheckBankDeclaration.Declared.ClearStatusOnInitializationOffset;
        const int Format = MachineCheckBankDeclaration.Declared.StatusDataFormatOffset, Reserved = Format + MachineCheckBankDeclaration.Declared.StatusDataFormatSize;
        var seen = new HashSet<byte>();
        for (int i = 0; i < s.BankCount; i++)
        {
            var bank = s.GetBank(i);
            long bo = off + s.Kind.FixedSize + i * HestLayouts.BankSize;
            bool duplicate = !seen.Add(bank[Number]);
            if (bank[Clear] <= 1 && bank[Format] <= 2 && bank[Reserved] == 0 && !duplicate) continue;
            string bn = string.Create(CultureInfo.InvariantCulture, $"{name}, bank #{i}"); // only for a bank with findings
            if (bank[Clear] > 1) f.Add(FindingSeverity.Error, "bank-clear-status", bo + Clear, bn, "clearStatusOnInitialization", $"value {bank[Clear]}; only 0 (clear) and 1 (don't clear) are defined");
            if (bank[Format] > 2) f.Add(FindingSeverity.Error, "bank-status-format", bo + Format, bn, "statusDataFormat", $"value {bank[Format]}; only 0 (IA-32 MCA), 1 (Intel 64 MCA) and 2 (AMD64 MCA) are defined");
            if (bank[Reserved] != 0) f.Add(FindingSeverity.Error, "reserved", bo + Reserved, bn, "reserved", $"reserved byte is 0x{bank[Reserved]:X2}, not zero");
            if (duplicate) f.Add(FindingSeverity.Warning, "bank-duplicate", bo + Number, bn, "bankNumber", $"bank number {bank[Number]} appears twice in this source");
        }
    }

    private static void CheckNotification(ReadOnlySpan<byte> n, long off, string name, HestFindingList f)
    {
        // Read through the declaration (Declarations/HestDeclarations.cs, ACPI 6.5 Table 18.14).
        var v = HardwareErrorNotificationView.Of(n);
        string nn = name + ", notification";
        if (v.Length != HestLayouts.NotificationSize)
            f.Add(FindingSeverity.Error, "notification-length", off + HardwareErrorNotificationDeclaration.Declared.LengthOffset, nn, "length", $"Length is {v.Length}; the notification structure is 28 bytes");
        if (v.Type > (byte)NotificationType.Sdei)
            f.Add(FindingSeverity.Error, "notification-type", off + HardwareErrorNotificationDeclaration.Declared.TypeOffset, nn, "type", $"type {v.Type} is reserved; defined types are 0-11");
        ushort cwe = v.ConfigurationWriteEnable;
        if ((cwe & ~0x3F) != 0)
            f.Add(FindingSeverity.Error, "reserved-flags", off + HardwareErrorNotificationDeclaration.Declared.ConfigurationWriteEnableOffset, nn, "configurationWriteEnable", $"reserved Configuration Write Enable bits 6-15 set (0x{cwe:X4})");
        if (v.Type == (byte)NotificationType.Polled && v.PollInterval == 0)
            f.Add(FindingSeverity.Error, "poll-interval", off + HardwareErrorNotificationDeclaration.Declared.PollIntervalOffset, nn, "pollInterval", "polled notification with a poll interval of 0 ms: OSPM cannot poll it (Linux disables such a source)");
    }

    private static void CheckGeneric(HestErrorSource s, long off, string name, HestFindingList f)
    {
        uint blockLength = s.ErrorStatusBlockLength;
        if (blockLength < HestLayouts.GenericErrorStatusBlockHeaderSize)
            f.Add(FindingSeverity.Error, "error-status-block-length", off + GhesDeclaration.Declared.ErrorStatusBlockLengthOffset, name, "errorStatusBlockLength", $"Error Status Block Length {blockLength} is below the 20-byte generic error status block");
        if (s.MaxRawDataLength > blockLength)
            f.Add(FindingSeverity.Warning, "max-raw-data-length", off + GhesDeclaration.Declared.MaxRawDataLengthOffset, name, "maxRawDataLength", $"Max Raw Data Length {s.MaxRawDataLength} exceeds the error status block length {blockLength}");
        var esa = s.ErrorStatusAddress;
        CheckRegister(esa, off + GhesDeclaration.Declared.ErrorStatusAddressOffset, name, "errorStatusAddress", f, requireQword: true);
        if (s.Type != HestSourceType.GhesV2) return;
        var ack = s.ReadAckRegister;
        CheckRegister(ack, off + GhesV2Declaration.Declared.ReadAckRegisterOffset, name, "readAckRegister", f, requireQword: false);
        if (s.ReadAckWrite == 0)
            f.Add(FindingSeverity.Error, "read-ack-write", off + GhesV2Declaration.Declared.ReadAckWriteOffset, name, "readAckWrite", "Read Ack Write is 0: acknowledging would write nothing, so the firmware can never report again");
        if ((s.ReadAckPreserve & s.ReadAckWrite) != 0)
            f.Add(FindingSeverity.Warning, "read-ack-masks", off + GhesV2Declaration.Declared.ReadAckPreserveOffset, name, "readAckPreserve", $"Read Ack Preserve (0x{s.ReadAckPreserve:X16}) and Read Ack Write (0x{s.ReadAckWrite:X16}) overlap");
        if (ack.Address != 0 && ack.Address == esa.Address)
            f.Add(FindingSeverity.Error, "read-ack-register", off + GhesV2Declaration.Declared.ReadAckRegisterOffset + GenericAddress.AddressOffset, name, "readAckRegister", "Read Ack Register is the Error Status Address register: acknowledging would overwrite the block address");
    }

    private static void CheckRegister(GenericAddress gas, long off, string name, string field, HestFindingList f, bool requireQword)
    {
        if (gas.AddressSpaceId != (byte)AddressSpace.SystemMemory)
            f.Add(FindingSeverity.Error, "register-space", off, name, field,
                $"address space {GenericAddress.AddressSpaceNames[gas.AddressSpaceId] ?? gas.AddressSpaceId.ToString(CultureInfo.InvariantCulture)}; this register must be in system memory");
        if (gas.BitOffset != 0)
            f.Add(FindingSeverity.Error, "register-width", off + GenericAddress.BitOffsetOffset, name, field, $"bit offset {gas.BitOffset}; must be 0");
        if (requireQword)
        {
            if (gas.BitWidth != 64)
                f.Add(FindingSeverity.Error, "register-width", off + GenericAddress.BitWidthOffset, name, field, $"bit width {gas.BitWidth}; the register holds a 64-bit physical address");
            if (gas.AccessSize is not (0 or 4))
                f.Add(FindingSeverity.Error, "register-width", off + GenericAddress.AccessSizeOffset, name, field, $"access size {gas.AccessSize} ({GenericAddress.AccessSizeNames[gas.AccessSize] ?? "reserved"}); a 64-bit address needs qword (4) access");
        }
        else
        {
            if (gas.BitWidth is not (8 or 16 or 32 or 64))
                f.Add(FindingSeverity.Error, "register-width", off + GenericAddress.BitWidthOffset, name, field, $"bit width {gas.BitWidth}; must be 8, 16, 32 or 64");
            if (gas.AccessSize > 4)
                f.Add(FindingSeverity.Error, "register-width", off + GenericAddress.AccessSizeOffset, name, field, $"access size {gas.AccessSize} is reserved");
        }
        if (gas.Address == 0)
            f.Add(FindingSeverity.Warning, "register-address", off + GenericAddress.AddressOffset, name, field, "address is 0: not filled in (QEMU's firmware patches it at boot; a table for a real OS must carry it)");
    }
}
