namespace ApeiKit.Platform;

/// <summary>SError asynchronous error type (Arm ARM, ESR_ELx.AET for EC 0x2F with IDS 0 and DFSC 0b010001).</summary>
public enum SErrorType
{
    /// <summary>AET 0b000: uncontainable (UC).</summary>
    Uncontainable = 0,
    /// <summary>AET 0b001: unrecoverable state (UEU).</summary>
    Unrecoverable = 1,
    /// <summary>AET 0b010: restartable state (UEO).</summary>
    Restartable = 2,
    /// <summary>AET 0b011: recoverable state (UER).</summary>
    Recoverable = 3,
    /// <summary>AET 0b110: corrected (CE).</summary>
    Corrected = 6,
}

/// <summary>A decoded ESR_ELx value (Arm ARM D17.2.37): exception class, IL, ISS fields relevant to RAS.</summary>
/// <param name="Value">The raw 64-bit ESR.</param>
public readonly record struct ArmSyndrome(ulong Value)
{
    /// <summary>EC: data abort from a lower exception level.</summary>
    public const int EcDataAbortLowerEl = 0x24;
    /// <summary>EC: data abort taken without a change in exception level.</summary>
    public const int EcDataAbortSameEl = 0x25;
    /// <summary>EC: instruction abort from a lower exception level.</summary>
    public const int EcInstructionAbortLowerEl = 0x20;
    /// <summary>EC: SError interrupt.</summary>
    public const int EcSError = 0x2F;
    /// <summary>DFSC/IFSC: synchronous external abort, not on a translation table walk.</summary>
    public const int FscSyncExternalAbort = 0x10;
    /// <summary>DFSC for an SError with an architected syndrome: asynchronous SError interrupt.</summary>
    public const int FscAsyncSError = 0x11;

    /// <summary>Exception class, bits 31:26.</summary>
    public int ExceptionClass => (int)(Value >> 26) & 0x3F;
    /// <summary>Instruction length, bit 25.</summary>
    public bool Il => (Value >> 25 & 1) != 0;
    /// <summary>Instruction-specific syndrome, bits 24:0.</summary>
    public uint Iss => (uint)(Value & 0x1FF_FFFF);
    /// <summary>Data/instruction fault status code, ISS bits 5:0.</summary>
    public int FaultStatusCode => (int)(Iss & 0x3F);
    /// <summary>Data abort: FnV, ISS bit 10 (FAR not valid).</summary>
    public bool FarNotValid => (Iss >> 10 & 1) != 0;
    /// <summary>Data abort: SET, ISS bits 12:11 (synchronous error type: 0 UER, 2 UC, 3 UEO).</summary>
    public int SynchronousErrorType => (int)(Iss >> 11) & 3;
    /// <summary>Data abort: EA, ISS bit 9 (external abort type, implementation defined).</summary>
    public bool ExternalAbortType => (Iss >> 9 & 1) != 0;
    /// <summary>SError: IDS, ISS bit 24 (implementation-defined syndrome when set).</summary>
    public bool ImplementationDefinedSyndrome => (Iss >> 24 & 1) != 0;
    /// <summary>SError: AET, ISS bits 12:10.</summary>
    public SErrorType AsyncErrorType => (SErrorType)((Iss >> 10) & 7);

    /// <summary>
    /// The syndrome a VMM injects for a synchronous external abort on a data access from the guest (EC 0x24,
    /// IL=1, DFSC 0x10, FnV=1 because no fault address is given: the address travels in the CPER memory
    /// section), with SET from the severity.
    /// </summary>
    public static ArmSyndrome SynchronousExternalAbort(int synchronousErrorType = 0, bool instructionFetch = false)
    {
        ulong ec = instructionFetch ? (ulong)EcInstructionAbortLowerEl : EcDataAbortLowerEl;
        ulong iss = FscSyncExternalAbort | 1UL << 10 | (ulong)(synchronousErrorType & 3) << 11;
        return new ArmSyndrome(ec << 26 | 1UL << 25 | iss);
    }

    /// <summary>The syndrome of a virtual SError with an architected RAS syndrome (IDS=0, DFSC 0x11, AET as given).</summary>
    public static ArmSyndrome SError(SErrorType type)
        => new((ulong)EcSError << 26 | 1UL << 25 | (ulong)type << 10 | FscAsyncSError);

    /// <summary>
    /// AET for an error of the given CPER severity (UEFI 2.10 N.2.1: 0 recoverable, 1 fatal, 2 corrected): fatal is UC
    /// (uncontainable), corrected is CE, and a recoverable error is UER (recoverable state) when a CPU consumed it
    /// or UEO (restartable state: nothing consumed it, execution can simply continue) when it was found
    /// asynchronously, e.g. by a scrubber.
    /// </summary>
    public static SErrorType AetForSeverity(CperSeverity severity, bool consumed = false) => severity switch
    {
        CperSeverity.Fatal => SErrorType.Uncontainable,
        CperSeverity.Corrected => SErrorType.Corrected,
        _ => consumed ? SErrorType.Recoverable : SErrorType.Restartable,
    };

    /// <summary>A readable decoding: "EC 0x24 (data abort, lower EL), DFSC 0x10 (synchronous external abort), SET UER, FnV".</summary>
    public override string ToString()
    {
        string ec = ExceptionClass switch
        {
            EcDataAbortLowerEl => "data abort, lower EL",
            EcDataAbortSameEl => "data abort, same EL",
            EcInstructionAbortLowerEl => "instruction abort, lower EL",
            EcSError => "SError interrupt",
            _ => "other",
        };
        string text = $"ESR 0x{Value:X8}: EC 0x{ExceptionClass:X2} ({ec})";
        if (ExceptionClass == EcSError)
            return ImplementationDefinedSyndrome ? text + ", implementation-defined syndrome" : text + $", DFSC 0x{FaultStatusCode:X2}, AET {AsyncErrorType}";
        string set = SynchronousErrorType switch { 0 => "UER (recoverable)", 2 => "UC (uncontainable)", 3 => "UEO (restartable)", _ => "reserved" };
        return text + $", DFSC 0x{FaultStatusCode:X2}{(FaultStatusCode == FscSyncExternalAbort ? " (synchronous external abort)" : "")}, SET {set}{(FarNotValid ? ", FnV (no fault address)" : "")}";
    }
}
