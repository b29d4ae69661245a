using ApeiKit.Declarations;

namespace ApeiKit.Cper.Windows;

/// <summary>
/// Windows error recovery information section (WHEA_ERROR_RECOVERY_INFO_SECTION, GUID
/// c34832a1-02c3-4c52-a9f1-9f1d5d7723fc): what the kernel tried after an error and whether it worked.
/// 39 bytes, packed: RecoveryKernel (BOOLEAN) at 0, RecoveryAction (ULONGLONG flags) at 1, RecoveryType
/// (WHEA_RECOVERY_TYPE) at 9, Irql (KIRQL) at 13, RecoverySucceeded (BOOLEAN) at 14, FailureReason
/// (WHEA_RECOVERY_FAILURE_REASON) at 15, ProcessName (CHAR[20]) at 19.
/// </summary>
/// <remarks>
/// Layout and enumerations: ralish/DecodeWheaRecord (src/DecodeWheaRecord/Errors/Microsoft/RecoveryInfo.cs),
/// and the WHEA_RECOVERY_FAILURE_REASON / WHEA_RECOVERY_TYPE constants of the Windows SDK metadata
/// (docs.rs windows-sys, Wdk::System::SystemServices). Real Windows 10 captures (edk2-pytool-library test data)
/// hold a 38-byte form whose missing byte is not documented: those are decoded through FailureReason
/// (19 bytes) and the rest is shown raw. At least 19 bytes are required.
/// </remarks>
[Layout("Windows error recovery information section", Size, "WHEA_ERROR_RECOVERY_INFO_SECTION", SectionGuid = "c34832a1-02c3-4c52-a9f1-9f1d5d7723fc", GuidName = "WindowsErrorRecoveryInfo", DisplayName = "Error Recovery Information (Windows WHEA)", GuidSource = "Windows cperguid.h", MinimumSize = MinimumSize, TrailingLabel = "Bytes past the documented layout", ShortTrailingLabel = "Undocumented bytes", ShortLayoutInfo = "{length} bytes, shorter than the documented 39: process name not decoded")]
public sealed partial class ErrorRecoveryInfoSection : FixedSectionBody
{
    /// <summary>Documented size.</summary>
    public const int Size = 39;
    /// <summary>Bytes needed through FailureReason.</summary>
    public const int MinimumSize = 19;

    /// <summary>WHEA_RECOVERY_ACTION flag bits.</summary>
    public static FlagTable RecoveryActions { get; } = [
        new(0, "noneAttempted"), new(1, "terminateProcess"), new(2, "forwardedToVm"), new(3, "markPageBad"), new(4, "poisonNotPresent"),
    ];

    /// <summary>WHEA_RECOVERY_TYPE values.</summary>
    public static NameTable RecoveryTypes { get; } = [new(0, "invalid"), new(1, "action required"), new(2, "action optional")];

    /// <summary>WHEA_RECOVERY_FAILURE_REASON values.</summary>
    public static NameTable FailureReasons { get; } = [
        new(0, "none"), new(1, "kernel could not mark memory bad"), new(2, "kernel mark memory bad timed out"), new(3, "no recovery context"),
        new(4, "not continuable"), new(5, "processor context corrupt"), new(6, "overflow"), new(7, "not supported"), new(8, "MISC or ADDR not valid"),
        new(9, "invalid address mode"), new(10, "high IRQL"), new(11, "insufficient alternate context wrappers"), new(12, "interrupts disabled"),
        new(13, "swap busy"), new(14, "stack overflow"), new(15, "unexpected failure"), new(16, "kernel will page fault bugcheck at current IRQL"),
        new(17, "FAR not valid"),
    ];

    // The declaration (WHEA_ERROR_RECOVERY_INFO_SECTION, packed; ralish/DecodeWheaRecord RecoveryInfo.cs): one line per
    // field; FieldDef statics, LayoutDef, property bodies and ErrorRecoveryInfoSectionView are generated from it.
    // ProcessName keeps its hand-written accessors (its setter refuses a name that does not fit).

    /// <summary>RecoveryKernel (non-zero: recovery ran in the kernel).</summary>
    [Field(0, 1, FieldKind.Enum, Names = "McaRegisters.YesNo", Label = "Recovery in kernel")] public partial bool RecoveryKernel { get; set; }
    /// <summary>RecoveryAction flags (see <see cref="RecoveryActions"/>).</summary>
    [Field(1, 8, FieldKind.Flags, Flags = nameof(RecoveryActions))] public partial ulong RecoveryAction { get; set; }
    /// <summary>RecoveryType (see <see cref="RecoveryTypes"/>).</summary>
    [Field(9, 4, FieldKind.Enum, Names = nameof(RecoveryTypes))] public partial uint RecoveryType { get; set; }
    /// <summary>Irql.</summary>
    [Field(13, 1, FieldKind.UInt, Label = "IRQL")] public partial byte Irql { get; set; }
    /// <summary>RecoverySucceeded.</summary>
    [Field(14, 1, FieldKind.Enum, Names = "McaRegisters.YesNo")] public partial bool RecoverySucceeded { get; set; }
    /// <summary>FailureReason (see <see cref="FailureReasons"/>).</summary>
    [Field(15, 4, FieldKind.Enum, Names = nameof(FailureReasons))] public partial uint FailureReason { get; set; }

    /// <summary>ProcessName (NUL padded); empty when the section is too short to hold it.</summary>
    [Field(19, 20, FieldKind.Ascii)]
    public string ProcessName
    {
        get => Bytes.Length >= Size ? AsciiField.Decode(Bytes.AsSpan(ProcessNameField.Offset, ProcessNameField.Size)) : "";
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length > ProcessNameField.Size || value.Any(c => c > 0x7F)) throw new ArgumentException("At most 20 ASCII characters.", nameof(value));
            if (Bytes.Length < Size) Set(ProcessNameField, 0); // grows the body to the documented size
            var span = Bytes.AsSpan(ProcessNameField.Offset, ProcessNameField.Size);
            span.Clear();
            for (int i = 0; i < value.Length; i++) span[i] = (byte)value[i];
        }
    }
}
