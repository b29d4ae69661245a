using System.Buffers.Binary;
using System.Globalization;

namespace ApeiKit.Hest;

/// <summary>
/// One 32-byte instruction entry of an ERST or EINJ (ACPI 6.5 Table 18.24 / 18.27): the action it belongs to, the
/// instruction, flags (bit 0 PRESERVE_REGISTER), a reserved byte, the register region, Value and Mask.
/// </summary>
/// <param name="Action">Serialization or injection action.</param>
/// <param name="Instruction">Instruction code.</param>
/// <param name="Flags">Flags byte.</param>
/// <param name="Reserved">Reserved byte (kept so that decode then encode is byte-identical).</param>
/// <param name="Register">Register region.</param>
/// <param name="Value">Value (what WRITE_REGISTER_VALUE writes, what READ_REGISTER_VALUE compares with, STALL's microseconds...).</param>
/// <param name="Mask">Mask applied to the register's value.</param>
public readonly record struct InstructionEntry(byte Action, byte Instruction, byte Flags, byte Reserved, GenericAddress Register, ulong Value, ulong Mask)
{
    /// <summary>True when bit 0 (PRESERVE_REGISTER) is set: a write keeps the register's bits outside the mask.</summary>
    public bool PreservesRegister => (Flags & 1) != 0;

    /// <summary>Reads an entry from 32 bytes (the caller checked the length).</summary>
    /// <param name="source">The entry's 32 bytes.</param>
    public static InstructionEntry Read(ReadOnlySpan<byte> source)
    {
        // Through the declaration (Declarations/EinjDeclarations.cs, ACPI 6.5 Table 18.24).
        var v = InstructionEntryView.Of(source);
        return new(v.Action, v.Instruction, v.Flags, source[s_reserved.Offset], GenericAddress.Read(v.RegisterRegion), v.Value, v.Mask);
    }

    // The reserved byte: the declaration's [Reserved] range (it has no property, so no generated view accessor).
    private static readonly FieldDef s_reserved = InstructionEntryDeclaration.LayoutDef.Find("reserved")!;

    /// <summary>Writes the 32 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        var d = destination[..ActionTableLayouts.EntrySize];
        InstructionEntryDeclaration.ActionField.WriteValue(d, Action);
        InstructionEntryDeclaration.InstructionField.WriteValue(d, Instruction);
        InstructionEntryDeclaration.FlagsField.WriteValue(d, Flags);
        d[s_reserved.Offset] = Reserved;
        Register.Write(d.Slice(InstructionEntryDeclaration.RegisterRegionField.Offset, InstructionEntryDeclaration.RegisterRegionField.Size));
        InstructionEntryDeclaration.ValueField.WriteValue(d, Value);
        InstructionEntryDeclaration.MaskField.WriteValue(d, Mask);
    }

    /// <summary>
    /// What the entry does, in words: the instruction applied to its register (width, address, space), with Value and
    /// Mask where the instruction uses them, e.g. "write 0x5 (mask 0xFFFFFFFF) to the 32-bit register at 0xFEBD7000 (System memory)".
    /// </summary>
    public string Describe(ActionTableKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var inv = CultureInfo.InvariantCulture;
        string where = string.Create(inv, $"the {Register.BitWidth}-bit register at 0x{Register.Address:X} ({GenericAddress.AddressSpaceNames[Register.AddressSpaceId] ?? "space " + Register.AddressSpaceId.ToString(inv)})");
        if (Register.BitOffset != 0) where += string.Create(inv, $", bit offset {Register.BitOffset}");
        string preserve = PreservesRegister ? ", preserving the bits outside the mask" : "";
        string mask = string.Create(inv, $"mask 0x{Mask:X}");
        bool erst = kind == ActionTableKind.Erst;
        return Instruction switch
        {
            0x00 => $"read {where}, {mask}: the result",
            0x01 => string.Create(inv, $"read {where}, {mask}: the result is 1 when it equals 0x{Value:X}"),
            0x02 => $"write the input ({mask}) to {where}{preserve}",
            0x03 => string.Create(inv, $"write 0x{Value:X} ({mask}) to {where}{preserve}"),
            0x04 => "no operation",
            0x05 when !erst => $"flush the cache line at the address in {where}",
            0x05 => $"VAR1 = {where}, {mask}",
            0x06 when erst => $"VAR2 = {where}, {mask}",
            0x07 when erst => $"write VAR1 ({mask}) to {where}{preserve}",
            0x08 when erst => "VAR1 = VAR1 + VAR2",
            0x09 when erst => "VAR1 = VAR1 - VAR2",
            0x0A when erst => string.Create(inv, $"add 0x{Value:X} to {where}"),
            0x0B when erst => string.Create(inv, $"subtract 0x{Value:X} from {where}"),
            0x0C when erst => string.Create(inv, $"stall {Value} microseconds"),
            0x0D when erst => string.Create(inv, $"stall {Value} microseconds at a time while {where} ({mask}) equals VAR1"),
            0x0E when erst => string.Create(inv, $"skip the next instruction when {where} ({mask}) equals 0x{Value:X}"),
            0x0F when erst => string.Create(inv, $"go to instruction #{Value}"),
            0x10 when erst => $"source address base = {where}",
            0x11 when erst => $"destination address base = {where}",
            0x12 when erst => $"move VAR2 bytes from source base + {where} to destination base + it",
            _ => string.Create(inv, $"instruction 0x{Instruction:X2} is not defined for {kind.Signature}"),
        };
    }
}

/// <summary>
/// Zero-copy view of an ERST (ACPI 6.5 §18.5) or EINJ (§18.6): the ACPI header, the 12-byte serialization / injection
/// header, then 32-byte instruction entries. The view covers the table's Length (or the bytes present when Length
/// claims more, see <see cref="IsTruncated"/>); <see cref="EntriesPresent"/> is how many whole entries lie between
/// offset 48 and the end, whatever the declared count says (the validator compares them).
/// </summary>
public readonly ref struct ActionTable
{
    /// <summary>
    /// The ERST/EINJ length limit: the largest Length accepted (1 MiB, as <see cref="HestTable.MaxLength"/> is for a HEST),
    /// the one every reader of an ERST or EINJ applies. An instruction entry is 32 bytes, so 1 MiB holds over 32,000 of
    /// them; real tables hold a few dozen (QEMU's ERST 28, fwts' Intel S5520UR ERST 16). A view never covers more than
    /// this many bytes, and a Length above it is one content error (the table's header, field Length, "at most 1048576
    /// (the ERST/EINJ length limit)", found the Length) reported as a truncated table's is: the strict readers
    /// (<see cref="ActionTableModel.Decode"/>, the virtual platform's drivers, which map no more than the limit) refuse
    /// it, the describer reports it and shows the bytes present, the validator lists it as a <c>length</c> finding and
    /// checks what is there, and a build spec that would write a longer table is refused.
    /// </summary>
    public const int MaxLength = 1 << 20;

    /// <summary>The Expected text of the error for a Length above <see cref="MaxLength"/>.</summary>
    internal static readonly string MaxLengthExpected = string.Create(CultureInfo.InvariantCulture, $"at most {MaxLength} (the ERST/EINJ length limit)");

    private readonly ReadOnlySpan<byte> _bytes;

    private ActionTable(ReadOnlySpan<byte> bytes, uint declaredLength, ActionTableKind kind)
    {
        _bytes = bytes;
        DeclaredLength = declaredLength;
        Kind = kind;
    }

    /// <summary>
    /// Makes a view of the ERST or EINJ table at the start of <paramref name="source"/> without throwing:
    /// <see cref="System.Buffers.OperationStatus.Done"/>, <see cref="System.Buffers.OperationStatus.NeedMoreData"/> when too few bytes
    /// are present, or <see cref="System.Buffers.OperationStatus.InvalidData"/> with <paramref name="error"/> saying what is wrong,
    /// for what the bool overload throws for.
    /// </summary>
    /// <param name="source">Bytes starting at the ERST or EINJ table.</param>
    /// <param name="table">The view when <see cref="System.Buffers.OperationStatus.Done"/>.</param>
    /// <param name="error">The content error when <see cref="System.Buffers.OperationStatus.InvalidData"/>, else null.</param>
    /// <param name="expected">The kind the table must be, or null for either.</param>
    public static System.Buffers.OperationStatus TryRead(ReadOnlySpan<byte> source, out ActionTable table, out ApeiContentException? error, ActionTableKind? expected = null)
        => ContentStatus.ToStatus(error = Check(source, out table, expected, out bool complete), complete);

    /// <summary>Makes a view. False only when fewer than 48 bytes are present.</summary>
    /// <exception cref="ApeiContentException">The signature is neither "ERST" nor "EINJ" (or not <paramref name="expected"/>), or Length is below 48.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out ActionTable table, ActionTableKind? expected = null)
        => ContentStatus.ThrowIfInvalid(Check(source, out table, expected, out bool complete), complete);

    // The one check behind both TryRead overloads: the content error, or null (then complete says whether the view was made).
    private static ApeiContentException? Check(ReadOnlySpan<byte> source, out ActionTable table, ActionTableKind? expected, out bool complete)
    {
        table = default;
        complete = false;
        if (source.Length < ActionTableLayouts.TableHeaderSize) return null;
        var kind = ActionTableKind.Of(source);
        if (kind is null || (expected is not null && kind != expected))
            return ApeiContentException.Invalid((expected?.Signature ?? "ERST/EINJ") + " header", "Signature", 0,
                expected is null ? "\"ERST\" or \"EINJ\"" : "\"" + expected.Signature + "\"", "\"" + AsciiField.Decode(source[..4]) + "\"");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(source[AcpiTableHeader.LengthOffset..]);
        if (length < ActionTableLayouts.TableHeaderSize)
            return ApeiContentException.Invalid(kind.Signature + " header", "Length", AcpiTableHeader.LengthOffset, "at least 48 (the headers)", length.ToString(CultureInfo.InvariantCulture));
        // Never more than the limit: a Length above it is LengthLimitError, which every reader reports.
        int present = (int)Math.Min(Math.Min(length, (uint)source.Length), MaxLength);
        table = new ActionTable(source[..present], length, kind);
        complete = true;
        return null;
    }

    /// <summary>Makes a view; throws <see cref="ApeiContentException"/> when fewer than 48 bytes are present or the header is wrong.</summary>
    public static ActionTable Read(ReadOnlySpan<byte> source, ActionTableKind? expected = null) => ReadAt(source, expected, 0);

    // Read with error offsets moved by baseOffset (where the caller found the table in its input).
    internal static ActionTable ReadAt(ReadOnlySpan<byte> source, ActionTableKind? expected, long baseOffset)
    {
        ContentStatus.ThrowUnlessComplete(Check(source, out var t, expected, out bool complete), complete, baseOffset,
            (expected?.Signature ?? "ERST/EINJ") + " header", ActionTableLayouts.TableHeaderSize, source.Length);
        return t;
    }

    /// <summary>ERST or EINJ.</summary>
    public ActionTableKind Kind { get; }
    /// <summary>The table bytes the view covers.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
    /// <summary>The ACPI header.</summary>
    public AcpiTableHeader Header => AcpiTableHeader.Read(_bytes);
    /// <summary>The Length field.</summary>
    public uint DeclaredLength { get; }
    /// <summary>True when Length claims more bytes than were present (or than <see cref="MaxLength"/>).</summary>
    public bool IsTruncated => DeclaredLength > (uint)_bytes.Length;

    /// <summary>The error for a Length above <see cref="MaxLength"/> (offset in the table), or null: what every reader reports for it.</summary>
    internal ApeiContentException? LengthLimitError => DeclaredLength > MaxLength
        ? ApeiContentException.Invalid(Kind.Signature + " header", "Length", AcpiTableHeader.LengthOffset, MaxLengthExpected, DeclaredLength.ToString(CultureInfo.InvariantCulture))
        : null;

    /// <summary>What a strict reader throws for a table whose Length is not all there: the limit's error, or the truncation (offset in the table).</summary>
    internal ApeiContentException? LengthError(int bytesPresent) => LengthLimitError
        ?? (IsTruncated ? ApeiContentException.Truncated(Kind.Signature, AcpiTableHeader.LengthOffset, DeclaredLength, bytesPresent, "Length") : null);
    /// <summary>Serialization / Injection Header Size (48 in every table the specification describes).</summary>
    public uint HeaderSize => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[ActionTableLayouts.HeaderSizeOffset..]);
    /// <summary>EINJ Injection Flags (offset 40); for ERST the low byte of the reserved u32.</summary>
    public byte InjectionFlags => _bytes[EinjHeaderDeclaration.Declared.InjectionFlagsOffset];
    /// <summary>Instruction / Injection Entry Count as declared.</summary>
    public uint EntryCount => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[ActionTableLayouts.EntryCountOffset..]);
    /// <summary>Whole 32-byte entries between offset 48 and the end of the table.</summary>
    public int EntriesPresent => (_bytes.Length - ActionTableLayouts.TableHeaderSize) / ActionTableLayouts.EntrySize;
    /// <summary>Bytes after the last whole entry (a table whose length is not 48 + 32 n).</summary>
    public int TrailingLength => (_bytes.Length - ActionTableLayouts.TableHeaderSize) % ActionTableLayouts.EntrySize;
    /// <summary>True when the bytes sum to zero.</summary>
    public bool IsChecksumValid => Checksum.IsValid(_bytes);

    /// <summary>The bytes of entry <paramref name="index"/> (0 ≤ index &lt; <see cref="EntriesPresent"/>).</summary>
    public ReadOnlySpan<byte> EntryBytes(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, EntriesPresent);
        return _bytes.Slice(ActionTableLayouts.TableHeaderSize + index * ActionTableLayouts.EntrySize, ActionTableLayouts.EntrySize);
    }

    /// <summary>Entry <paramref name="index"/>.</summary>
    public InstructionEntry this[int index] => InstructionEntry.Read(EntryBytes(index));

    /// <summary>Offset of entry <paramref name="index"/> in the table.</summary>
    public static int EntryOffset(int index) => ActionTableLayouts.TableHeaderSize + index * ActionTableLayouts.EntrySize;
}
