using ApeiKit.Declarations;

namespace ApeiKit.Cper;

// The Error Information value of an ARM error-information entry (UEFI 2.10 N.2.4.4, Table N-17, bytes 8-15) as each kind
// reads it (Tables N-18 cache, N-19 TLB, N-20 bus): one declaration per kind, one [Bit] line per sub-field (the lines
// the three share once, in IArmErrorInformationBits, taken with BitsFrom). Bits 0-15 of
// the value are its own validation bits (each sub-field's ValidBit). ApeiKit's renderings take the bit fields
// (ArmProcessorSection.ErrorInformationField); libcper's members come from the LibCper lines (cper_arm_cache_tlb_error_to_ir,
// cper_arm_bus_error_to_ir: libcper's names for the PC bits and the time-out, its name tables in LcArm).

/// <summary>
/// The [Bit] lines the cache, TLB and bus error information share (UEFI 2.10 N.2.4.4.1, Tables N-18..N-20: bits 0-28
/// but the operation, whose table differs by kind): each kind's field takes them with <c>BitsFrom</c>, as if written in place.
/// </summary>
[LayoutFragment]
internal interface IArmErrorInformationBits
{
    /// <summary>The error information value.</summary>
    [Bit("validationBits", 0, 16, Label = "Validation bits")]
    [Bit("transactionType", 16, 2, Label = "Transaction type", Names = "Ia32X64CacheCheck.TransactionTypes", ValidBit = 0, LibCper = ":Pair", LibCperNames = "LibCper.LcIa32X64.Transactions")]
    [Bit("level", 22, 3, Label = "Level", ValidBit = 2, LibCper = "")]
    [Bit("processorContextCorrupt", 25, 1, Label = "Processor context corrupt", ValidBit = 3, LibCper = ":Bool")]
    [Bit("corrected", 26, 1, Label = "Corrected", ValidBit = 4, LibCper = ":Bool")]
    [Bit("precisePc", 27, 1, Label = "Precise PC", ValidBit = 5, LibCper = "precisePC:Bool")]
    [Bit("restartablePc", 28, 1, Label = "Restartable PC", ValidBit = 6, LibCper = "restartablePC:Bool")]
    ulong Value { get; }
}

/// <summary>A cache error's Error Information (UEFI 2.10 N.2.4.4.1, Table N-18).</summary>
[Layout("Cache error information", 8, "UEFI 2.10 N.2.4.4.1, Table N-18", ValidationField = nameof(Value))]
internal sealed partial class ArmCacheErrorInformation : DeclaredBlock
{
    private ArmCacheErrorInformation(ReadOnlySpan<byte> bytes) : base(bytes, 8) { }

    private static readonly NameTable s_operations = [
        new(0, "generic error"), new(1, "generic read"), new(2, "generic write"), new(3, "data read"), new(4, "data write"), new(5, "instruction fetch"),
        new(6, "prefetch"), new(7, "eviction"), new(8, "snooping"), new(9, "snooped"), new(10, "management"),
    ];

    [Field(0, 8, FieldKind.Bits, Label = "Cache error information", BitsFrom = "IArmErrorInformationBits.Value")]
    [Bit("operation", 18, 4, Label = "Operation", Names = "s_operations", ValidBit = 1, LibCper = ":Pair", LibCperNames = "LibCper.LcArm.CacheOps")]
    internal partial ulong Value { get; }
}

/// <summary>A TLB error's Error Information (UEFI 2.10 N.2.4.4.1, Table N-19).</summary>
[Layout("TLB error information", 8, "UEFI 2.10 N.2.4.4.1, Table N-19", ValidationField = nameof(Value))]
internal sealed partial class ArmTlbErrorInformation : DeclaredBlock
{
    private ArmTlbErrorInformation(ReadOnlySpan<byte> bytes) : base(bytes, 8) { }

    private static readonly NameTable s_operations = [
        new(0, "generic error"), new(1, "generic read"), new(2, "generic write"), new(3, "data read"), new(4, "data write"), new(5, "instruction fetch"),
        new(6, "prefetch"), new(7, "local management operation"), new(8, "external management operation"),
    ];

    [Field(0, 8, FieldKind.Bits, Label = "TLB error information", BitsFrom = "IArmErrorInformationBits.Value")]
    [Bit("operation", 18, 4, Label = "Operation", Names = "s_operations", ValidBit = 1, LibCper = ":Pair", LibCperNames = "LibCper.LcArm.TlbOps")]
    internal partial ulong Value { get; }
}

/// <summary>A bus error's Error Information (UEFI 2.10 N.2.4.4.1, Table N-20).</summary>
[Layout("Bus error information", 8, "UEFI 2.10 N.2.4.4.1, Table N-20", ValidationField = nameof(Value))]
internal sealed partial class ArmBusErrorInformation : DeclaredBlock
{
    private ArmBusErrorInformation(ReadOnlySpan<byte> bytes) : base(bytes, 8) { }

    // Transaction types, operations (0-6) and participation types: the IA32/X64 check tables, the same names (UEFI 2.10
    // Table N-20 and N.2.4.2.3).
    // UEFI 2.10 N.2.4.4 (ARM bus error): 2 is reserved, 3 device memory (Linux cper-arm.c agrees).
    private static readonly NameTable s_addressSpace = [new(0, "external memory access"), new(1, "internal memory access"), new(2, "reserved"), new(3, "device memory access")];
    private static readonly NameTable s_accessMode = [new(0, "secure"), new(1, "normal")];

    // libcper prints the access mode when validation bit 8 (time-out) is set, not bit 11: LcArm's s_bus keys the
    // accessMode member on the timeOut bit (fixtures/libcper-walk/arm-bus-access-mode).
    [Field(0, 8, FieldKind.Bits, Label = "Bus error information", BitsFrom = "IArmErrorInformationBits.Value")]
    [Bit("operation", 18, 4, Label = "Operation", Names = "Ia32X64TlbCheck.Operations", ValidBit = 1, LibCper = ":Pair", LibCperNames = "LibCper.LcArm.BusOps")]
    [Bit("participationType", 29, 2, Label = "Participation type", Names = "Ia32X64BusCheck.ParticipationTypes", ValidBit = 7, LibCper = ":Pair", LibCperNames = "LibCper.LcArm.Participation")]
    [Bit("timeOut", 31, 1, Label = "Time out", ValidBit = 8, LibCper = "timedOut:Bool")]
    [Bit("addressSpace", 32, 2, Label = "Address space", Names = "s_addressSpace", ValidBit = 9, LibCper = ":Pair", LibCperNames = "LibCper.LcArm.AddressSpaces")]
    [Bit("memoryAttributes", 34, 9, Label = "Memory access attributes", ValidBit = 10, LibCper = "")]
    [Bit("accessMode", 43, 1, Label = "Access mode", Names = "s_accessMode", ValidBit = 11, LibCper = ":Pair", LibCperNames = "LibCper.LcArm.AccessModes")]
    internal partial ulong Value { get; }
}
