namespace ApeiKit.Cper;

/// <summary>How decoders read the Type byte of ARM error-information structures (<see cref="CperDecodeOptions.ArmErrorTypes"/>).</summary>
public enum ArmErrorTypeMode
{
    /// <summary>The default: UEFI 2.9A+ bit flags (0x02 cache, 0x04 TLB, 0x08 bus, 0x10 micro-architectural), as Linux 6.x reads them; values that only mean something in the older numbering are reported.</summary>
    BitFlags,
    /// <summary>The UEFI 2.9-and-earlier enumeration (0 cache, 1 TLB, 2 bus, 3 micro-architectural), for records known to be written that way.</summary>
    Legacy,
    /// <summary>libcper's 1/2/4/8 (cache, TLB, bus, micro-architectural), for records libcper wrote.</summary>
    LibCper,
    /// <summary>Per section, guessed from its values (<see cref="ArmErrorInfo.DetectEncoding(ReadOnlySpan{byte})"/>): bit flags when every value fits them, else the enumeration, else libcper's.</summary>
    Auto,
}

/// <summary>
/// Helpers for the ARM error-type reading (<see cref="ArmErrorTypeMode"/>), which is an explicit decode option
/// (<see cref="CperDecodeOptions.ArmErrorTypes"/>, the CLI's <c>--arm-error-type</c>): the describers and
/// <see cref="ArmProcessorSection.GetTypeEncoding"/> read Type bytes by it. The byte itself is always kept, so encoding
/// is unaffected.
/// </summary>
public static class ArmErrorTypeSetting
{
    /// <summary>The encoding a section whose Type bytes are <paramref name="types"/> is read in under <paramref name="mode"/>.</summary>
    public static ArmErrorTypeEncoding Resolve(ArmErrorTypeMode mode, ReadOnlySpan<byte> types) => mode switch
    {
        ArmErrorTypeMode.Legacy => ArmErrorTypeEncoding.Enumeration,
        ArmErrorTypeMode.LibCper => ArmErrorTypeEncoding.LibCper,
        ArmErrorTypeMode.Auto => ArmErrorInfo.DetectEncoding(types),
        _ => ArmErrorTypeEncoding.BitFlags,
    };

    /// <summary>Parses a CLI name: bitflags, legacy, libcper or auto (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static ArmErrorTypeMode Parse(string name) => name?.ToLowerInvariant() switch
    {
        "bitflags" => ArmErrorTypeMode.BitFlags,
        "legacy" => ArmErrorTypeMode.Legacy,
        "libcper" => ArmErrorTypeMode.LibCper,
        "auto" => ArmErrorTypeMode.Auto,
        _ => throw new ArgumentException($"'{name}' is not an ARM error type mode (bitflags, legacy, libcper, auto).", nameof(name)),
    };

    /// <summary>
    /// The warning for a Type byte that names no type as UEFI 2.9A+ bit flags, or null when it does (or the mode is not
    /// <see cref="ArmErrorTypeMode.BitFlags"/>). A value 0-3 is named as the UEFI 2.9-and-earlier numbering reads it.
    /// </summary>
    public static string? BitFlagWarning(byte type, ArmErrorTypeEncoding encoding)
    {
        if (encoding != ArmErrorTypeEncoding.BitFlags || ArmErrorInfo.DecodeType(type, ArmErrorTypeEncoding.BitFlags) != ArmErrorKind.Unknown) return null;
        // The text depends on the byte alone: made once per value, not per error-information structure (the streamed
        // decode meets it in every record a legacy or libcper writer made; a benign race may make one twice).
        return s_warnings[type] ??= Warning(type);
    }

    private static readonly string?[] s_warnings = new string?[256];

    private static string Warning(byte type)
    {
        string value = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"0x{type:X2}");
        if (type <= 3)
        {
            string legacy = ArmProcessorSection.KindName(ArmErrorInfo.DecodeType(type, ArmErrorTypeEncoding.Enumeration));
            return $"Type {value} is not a UEFI 2.9A+ bit-flag value (Linux 6.x prints no error type for it); it reads as the UEFI 2.9-and-earlier numbering ({legacy}): decode with --arm-error-type legacy (ArmErrorTypeMode.Legacy) if the writer used that numbering";
        }
        return $"Type {value} names no error type as UEFI 2.9A+ bit flags (bit 0 and bits 5-7 are reserved) nor in the UEFI 2.9-and-earlier numbering (0-3)";
    }
}
