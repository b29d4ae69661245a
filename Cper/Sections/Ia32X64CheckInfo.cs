using ApeiKit.Declarations;

namespace ApeiKit.Cper;

// The IA32/X64 check information (UEFI 2.10 N.2.4.2.1, the 64-bit Check Information of an error-information entry) as
// each error type reads it, declared once per kind (the lines the cache, TLB and bus checks share once, in
// IIa32X64CheckBits, taken with BitsFrom): one [Bit] line per sub-field with its validation bit (bits 0-15 of
// the value are its own validation bits) and, where libcper shows it, its libcper member (cper_ia32x64_*_check_to_ir in
// libcper's sections/cper-section-ia32x64.c; libcper's operation names run to 8 for TLB and bus checks too, its names
// on the same bits). Nothing makes an instance: Ia32X64ProcessorSection reads the declared CheckInfo field with these
// bit fields (CheckInfoField(errorType)), LcIa32X64 writes and reads the generated LibCperMembers() over its 8 bytes.

/// <summary>
/// The [Bit] lines the cache, TLB and bus checks share (UEFI 2.10 N.2.4.2.1, Tables N-21..N-23: bits 0-29 but the
/// operation, whose table differs by kind): each check's field takes them with <c>BitsFrom</c>, as if written in place.
/// </summary>
[LayoutFragment]
internal interface IIa32X64CheckBits
{
    /// <summary>The check information value.</summary>
    [Bit("validationBits", 0, 16, Label = "Validation bits")]
    [Bit("transactionType", 16, 2, Label = "Transaction type", Names = "Ia32X64CacheCheck.TransactionTypes", ValidBit = 0, LibCper = "", LibCperNames = "LibCper.LcIa32X64.Transactions")]
    [Bit("level", 22, 3, Label = "Level", ValidBit = 2, LibCper = "")]
    [Bit("processorContextCorrupt", 25, 1, Label = "Processor context corrupt", ValidBit = 3, LibCper = ":Bool")]
    [Bit("uncorrected", 26, 1, Label = "Uncorrected", ValidBit = 4, LibCper = ":Bool")]
    [Bit("preciseIp", 27, 1, Label = "Precise IP", ValidBit = 5, LibCper = ":Bool")]
    [Bit("restartableIp", 28, 1, Label = "Restartable IP", ValidBit = 6, LibCper = ":Bool")]
    [Bit("overflow", 29, 1, Label = "Overflow", ValidBit = 7, LibCper = ":Bool")]
    ulong Check { get; }
}

/// <summary>Cache check structure (UEFI 2.10 N.2.4.2.1, Table N-21).</summary>
[Layout("IA32/X64 cache check", 8, "UEFI 2.10 N.2.4.2.1, Table N-21", ValidationField = nameof(Check), View = "")]
internal abstract partial class Ia32X64CacheCheck
{
    /// <summary>Transaction types (N.2.4.2.1, cache, TLB and bus checks).</summary>
    internal static readonly NameTable TransactionTypes = [new(0, "instruction"), new(1, "data access"), new(2, "generic")];
    /// <summary>Cache check operations (0-8).</summary>
    internal static readonly NameTable Operations = [
        new(0, "generic error"), new(1, "generic read"), new(2, "generic write"), new(3, "data read"), new(4, "data write"), new(5, "instruction fetch"),
        new(6, "prefetch"), new(7, "eviction"), new(8, "snoop"),
    ];

    [Field(0, 8, FieldKind.Bits, Label = "Cache check", BitsFrom = "IIa32X64CheckBits.Check")]
    [Bit("operation", 18, 4, Label = "Operation", Names = nameof(Operations), ValidBit = 1, LibCper = "", LibCperNames = "LibCper.LcIa32X64.Operations")]
    internal abstract ulong Check { get; }
}

/// <summary>TLB check structure (UEFI 2.10 N.2.4.2.1, Table N-22): the cache check's bits, operations 0-6 only.</summary>
[Layout("IA32/X64 TLB check", 8, "UEFI 2.10 N.2.4.2.1, Table N-22", ValidationField = nameof(Check), View = "")]
internal abstract partial class Ia32X64TlbCheck
{
    /// <summary>TLB and bus check operations: 0-6 (eviction and snoop are cache-check operations).</summary>
    internal static readonly NameTable Operations = [
        new(0, "generic error"), new(1, "generic read"), new(2, "generic write"), new(3, "data read"), new(4, "data write"), new(5, "instruction fetch"), new(6, "prefetch"),
    ];

    [Field(0, 8, FieldKind.Bits, Label = "TLB check", BitsFrom = "IIa32X64CheckBits.Check")]
    [Bit("operation", 18, 4, Label = "Operation", Names = nameof(Operations), ValidBit = 1, LibCper = "", LibCperNames = "LibCper.LcIa32X64.Operations")]
    internal abstract ulong Check { get; }
}

/// <summary>Bus check structure (UEFI 2.10 N.2.4.2.1, Table N-23): bits 0-29 as the TLB check lays them out, then the bus's own.</summary>
[Layout("IA32/X64 bus check", 8, "UEFI 2.10 N.2.4.2.1, Table N-23", ValidationField = nameof(Check), View = "")]
internal abstract partial class Ia32X64BusCheck
{
    /// <summary>Participation types.</summary>
    internal static readonly NameTable ParticipationTypes = [
        new(0, "local processor originated request"), new(1, "local processor responded to request"), new(2, "local processor observed"), new(3, "generic"),
    ];
    /// <summary>Address spaces.</summary>
    internal static readonly NameTable AddressSpaces = [new(0, "memory access"), new(1, "reserved"), new(2, "I/O"), new(3, "other transaction")];

    [Field(0, 8, FieldKind.Bits, Label = "Bus check", BitsFrom = "IIa32X64CheckBits.Check")]
    [Bit("operation", 18, 4, Label = "Operation", Names = "Ia32X64TlbCheck.Operations", ValidBit = 1, LibCper = "", LibCperNames = "LibCper.LcIa32X64.Operations")]
    [Bit("participationType", 30, 2, Label = "Participation type", Names = nameof(ParticipationTypes), ValidBit = 8, LibCper = "", LibCperNames = "LibCper.LcIa32X64.Participation")]
    [Bit("timeOut", 32, 1, Label = "Time out", ValidBit = 9, LibCper = "timedOut:Bool")]
    [Bit("addressSpace", 33, 2, Label = "Address space", Names = nameof(AddressSpaces), ValidBit = 10, LibCper = "", LibCperNames = "LibCper.LcIa32X64.AddressSpaces")]
    internal abstract ulong Check { get; }
}

/// <summary>Micro-architecture specific (MS) check structure (UEFI 2.10 N.2.4.2.1).</summary>
[Layout("IA32/X64 MS check", 8, "UEFI 2.10 N.2.4.2.1, MS check", ValidationField = nameof(Check), View = "")]
internal abstract partial class Ia32X64MsCheck
{
    /// <summary>MS check error types.</summary>
    internal static readonly NameTable ErrorTypes = [
        new(0, "no error"), new(1, "unclassified"), new(2, "microcode ROM parity error"), new(3, "external error"), new(4, "FRC error"), new(5, "internal unclassified"),
    ];

    [Field(0, 8, FieldKind.Bits, Label = "Micro-architecture specific check")]
    [Bit("validationBits", 0, 16, Label = "Validation bits")]
    [Bit("errorType", 16, 3, Label = "Error type", Names = nameof(ErrorTypes), ValidBit = 0, LibCper = "", LibCperNames = "LibCper.LcIa32X64.MsErrorTypes")]
    [Bit("processorContextCorrupt", 19, 1, Label = "Processor context corrupt", ValidBit = 1, LibCper = ":Bool")]
    [Bit("uncorrected", 20, 1, Label = "Uncorrected", ValidBit = 2, LibCper = ":Bool")]
    [Bit("preciseIp", 21, 1, Label = "Precise IP", ValidBit = 3, LibCper = ":Bool")]
    [Bit("restartableIp", 22, 1, Label = "Restartable IP", ValidBit = 4, LibCper = ":Bool")]
    [Bit("overflow", 23, 1, Label = "Overflow", ValidBit = 5, LibCper = ":Bool")]
    internal abstract ulong Check { get; }
}
